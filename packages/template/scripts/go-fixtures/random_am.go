package main

// Randomly generated Alertmanager text templates (fixed seed) over the sample payload: KV and
// Alerts methods, times, Alertmanager's functions and printing of its types.

import (
	"fmt"
	"math/rand"
	"strings"
)

var (
	amValues = []string{".Status", ".Receiver", ".ExternalURL", ".CommonLabels", ".CommonLabels.SortedPairs",
		".CommonLabels.Names", ".CommonLabels.Values", ".GroupLabels.SortedPairs.Names", "(.CommonLabels.Remove .GroupLabels.Names)",
		".CommonAnnotations", ".Alerts.Firing", "(index .Alerts 0)", "(index .Alerts 2).EndsAt", "(index .Alerts 1).StartsAt",
		"(index .Alerts 0).Labels.instance", "(index .Alerts.Resolved 0).Annotations.summary", "len .Alerts.Firing",
		`stringSlice "b" "a"`, ".CommonLabels.nope", `index .CommonLabels "team"`, "(index .Alerts 0).Labels.SortedPairs",
		`(index .CommonLabels.SortedPairs 0)`, `(index .Alerts 1).StartsAt.Format "Mon Jan 2 15:04:05 MST 2006"`,
		`(index .Alerts 0).StartsAt.Format "2006-01-02T15:04:05.000Z07:00"`, `(index .Alerts 2).EndsAt.Unix`}
	amPipes = []string{"", "", "", ` | join ","`, " | toUpper", " | toLower", ` | printf "%v"`, ` | printf "%+v"`, ` | printf "%q"`,
		` | printf "%s"`, " | len", ` | reReplaceAll "[aeiou]" "_"`, ` | match "^[a-z]"`}
)

func (g gen) amAction() string {
	return "{{ " + g.pick(amValues) + g.pick(amPipes) + " }}"
}

func (g gen) amBody(depth int) string {
	var b strings.Builder
	for n := 1 + g.r.Intn(4); n > 0; n-- {
		switch k := g.r.Intn(8); {
		case k < 3:
			b.WriteString(g.amAction() + g.pick([]string{" ", "\n", "|"}))
		case k == 3 && depth < 2:
			b.WriteString("{{ range .Alerts" + g.pick([]string{"", ".Firing", ".Resolved"}) + " }}[{{ .Status }} {{ .Labels.SortedPairs.Values | join \" \" }} {{ .StartsAt }} " +
				strings.ReplaceAll(g.amBody(depth+1), "(index .Alerts 0)", ".") + "]{{ end }}")
		case k == 4 && depth < 2:
			b.WriteString("{{ range $k, $v := " + g.pick([]string{".CommonLabels", ".GroupLabels", "(index .Alerts 0).Annotations"}) + " }}{{ $k }}={{ $v }};{{ end }}")
		case k == 5:
			b.WriteString("{{ range .CommonLabels.SortedPairs }}{{ .Name }}:{{ .Value }},{{ end }}")
		case k == 6 && depth < 2:
			b.WriteString("{{ if gt (len .Alerts.Firing) " + fmt.Sprint(g.r.Intn(4)) + " }}" + g.amBody(depth+1) + "{{ else }}none{{ end }}")
		default:
			b.WriteString("{{ with .CommonLabels.Remove (stringSlice " + g.pick([]string{`"team"`, `"job" "severity"`, `"x"`}) + ") }}{{ .Names }}{{ end }}")
		}
	}
	return b.String()
}

func randomAMCases(t *Template, data *Data, count int, seed int64) []amCase {
	g := gen{rand.New(rand.NewSource(seed))}
	var cases []amCase
	for i := 0; i < count; i++ {
		c := amCase{Name: fmt.Sprintf("random alertmanager %d", i), Template: g.amBody(0)}
		if out, err := t.ExecuteTextString(c.Template, data); err != nil {
			c.Error = str(err.Error())
		} else {
			c.Output = str(out)
		}
		cases = append(cases, c)
	}
	return cases
}
