package main

// Randomly generated HTML notification templates (fixed seed) rendered by Go's html/template
// through Alertmanager's ExecuteHTMLString: a differential test of the HTML escaping.

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"strings"
)

var (
	htmlValues = []string{".Status", ".Receiver", ".ExternalURL", "(index .Alerts 0).Annotations.description",
		"(index .Alerts 0).GeneratorURL", "(index .Alerts 2).GeneratorURL", ".CommonLabels.alertname", ".CommonLabels.nope",
		"(index .Alerts 1).Labels.instance", "len .Alerts", `"a+b & 'c' <d>"`, `"javascript:x()"`, `"/rel/path?x=1&y=2"`,
		`"mailto:a@b.c"`, `"é ü/?#[]@!$&'()*+,;="`, ".GroupLabels.SortedPairs.Values", "(index .Alerts 0).StartsAt"}
	htmlSuffixes = []string{"", "", "", " | html", " | urlquery", " | safeHtml", " | toUpper", " | printf \"%q\""}
)

func (g gen) htmlAction() string {
	v := g.pick(htmlValues)
	suffix := g.pick(htmlSuffixes)
	if strings.HasPrefix(v, "len") || strings.HasSuffix(v, "Values") || strings.HasSuffix(v, "StartsAt") {
		if suffix == " | safeHtml" || suffix == " | toUpper" || suffix == " | urlquery" || suffix == " | html" {
			suffix = ""
		}
	}
	return "{{ " + v + suffix + " }}"
}

func (g gen) htmlBody(depth int) string {
	var b strings.Builder
	for n := 1 + g.r.Intn(5); n > 0; n-- {
		switch k := g.r.Intn(12); {
		case k < 3:
			b.WriteString("<p>" + g.htmlAction() + "</p>")
		case k == 3:
			b.WriteString(`<a href="` + g.htmlAction() + `">x</a>`)
		case k == 4:
			b.WriteString(`<a href="/alerts?filter=` + g.htmlAction() + `&amp;x=` + g.htmlAction() + `">y</a>`)
		case k == 5:
			b.WriteString(`<img src='` + g.pick([]string{"", "http://h/", "/p/"}) + g.htmlAction() + `'>`)
		case k == 6:
			b.WriteString(`<td title="` + g.htmlAction() + ` - ` + g.htmlAction() + `" class='c'>` + g.htmlAction() + `</td>`)
		case k == 7:
			b.WriteString("<!-- " + g.htmlAction() + " -->" + g.pick([]string{"", "x", " "}))
		case k == 8 && depth < 2:
			b.WriteString("{{ range .Alerts }}<li>" + strings.ReplaceAll(g.htmlBody(depth+1), "(index .Alerts 0)", ".") + "</li>{{ end }}")
		case k == 9 && depth < 2:
			b.WriteString("{{ if eq .Status \"firing\" }}" + g.htmlBody(depth+1) + "{{ else }}<b>ok</b>{{ end }}")
		case k == 10:
			b.WriteString(`<a href="http://x/` + g.htmlAction() + `#frag-` + g.htmlAction() + `">z</a>`)
		default:
			b.WriteString(g.pick([]string{"<br/>", " & ", "text+more", "\n", `<span data-x="1">`, "</span>"}))
		}
	}
	return b.String()
}

func randomHTMLCases(t *Template, data *Data, count int, seed int64) []amCase {
	g := gen{rand.New(rand.NewSource(seed))}
	var cases []amCase
	for i := 0; i < count; i++ {
		c := amCase{Name: fmt.Sprintf("random html %d", i), Template: g.htmlBody(0), HTML: true}
		if out, err := t.ExecuteHTMLString(c.Template, data); err != nil {
			c.Error = str(err.Error())
		} else {
			c.Output = str(out)
		}
		cases = append(cases, c)
	}
	return cases
}

func writeRandomHTML(path string, t *Template, data *Data, count int, seed int64) {
	write(path, map[string]interface{}{"payload": json.RawMessage(amPayload), "cases": randomHTMLCases(t, data, count, seed)})
}
