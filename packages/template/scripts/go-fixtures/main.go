// Command go-fixtures runs template cases through Go 1.19's own text/template (and html/template
// for Alertmanager's HTML templates) and writes what Go printed as JSON fixtures for the
// TypeScript tests. Stdlib only (there is no module proxy here):
//
//	cd packages/template/scripts/go-fixtures && go run .
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/template"
)

func str(s string) *string { return &s }

func runText(c textCase) textCase {
	t := template.New("t")
	if c.MissingKey != "" {
		t.Option("missingkey=" + c.MissingKey)
	}
	var err error
	for _, text := range c.Templates {
		if t, err = t.Parse(text); err != nil {
			c.Error = str(err.Error())
			return c
		}
	}
	name := "t"
	if c.Execute != "" {
		name = c.Execute
	}
	var out strings.Builder
	if err := t.ExecuteTemplate(&out, name, c.Data); err != nil {
		c.Error = str(err.Error())
		return c
	}
	c.Output = str(out.String())
	return c
}

func write(path string, value interface{}) {
	b, err := json.MarshalIndent(value, "", "  ")
	if err != nil {
		panic(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		panic(err)
	}
	fmt.Println("wrote", path)
}

func main() {
	root := flag.String("root", "../..", "the packages/template directory")
	extraHTML := flag.String("random-html-only", "", "like -random-only, for random HTML templates")
	extra := flag.String("random-only", "", "write only N random cases with seed S to this file (N:S:FILE), for exploratory runs")
	flag.Parse()
	if *extra != "" {
		var n int
		var seed int64
		var file string
		if _, err := fmt.Sscanf(strings.Replace(*extra, ":", " ", 2), "%d %d %s", &n, &seed, &file); err != nil {
			panic(err)
		}
		write(file, map[string]interface{}{"data": json.RawMessage(randomData), "cases": randomCases(n, seed)})
		return
	}
	out := filepath.Join(*root, "src", "__fixtures__", "go")
	assets := filepath.Join(*root, "assets")
	if err := os.MkdirAll(out, 0o755); err != nil {
		panic(err)
	}

	if *extraHTML != "" {
		var n int
		var seed int64
		var file string
		if _, err := fmt.Sscanf(strings.Replace(*extraHTML, ":", " ", 2), "%d %d %s", &n, &seed, &file); err != nil {
			panic(err)
		}
		var data Data
		if err := json.Unmarshal([]byte(amPayload), &data); err != nil {
			panic(err)
		}
		t, err := loadAMTemplates(assets)
		if err != nil {
			panic(err)
		}
		writeRandomHTML(file, t, &data, n, seed)
		if strings.HasSuffix(file, ".am.json") {
			write(file, map[string]interface{}{"payload": json.RawMessage(amPayload), "cases": randomAMCases(t, &data, n, seed)})
		}
		return
	}

	var text []textCase
	for _, c := range append(append([]textCase{}, docCases...), edgeCases...) {
		text = append(text, runText(c))
	}
	write(filepath.Join(out, "text.json"), text)
	write(filepath.Join(out, "random.json"), map[string]interface{}{"data": json.RawMessage(randomData), "cases": randomCases(1200, 20261126)})

	var prom []promCase
	for _, c := range append(append([]promCase{}, promCases...), randomPromCases(300, 20261126)...) {
		result, err := expandPrometheus(c)
		if err != nil {
			c.Error = str(err.Error())
		} else {
			c.Output = str(result)
		}
		prom = append(prom, c)
	}
	write(filepath.Join(out, "prometheus.json"), prom)

	var data Data
	if err := json.Unmarshal([]byte(amPayload), &data); err != nil {
		panic(err)
	}
	defaults, err := loadAMTemplates(assets)
	if err != nil {
		panic(err)
	}
	var am []amCase
	for _, t := range defaults.text.Templates() {
		name := t.Name()
		if name == "" || strings.HasPrefix(name, "__") {
			continue
		}
		am = append(am, amCase{Name: name, Template: fmt.Sprintf(`{{ template %q . }}`, name)})
		if strings.HasPrefix(name, "email.") {
			am = append(am, amCase{Name: name + " (html)", Template: fmt.Sprintf(`{{ template %q . }}`, name), HTML: true})
		}
	}
	sortCases(am)
	am = append(am, amExtraCases[:len(amExtraCases)-1]...)
	for i := range am {
		run := defaults.ExecuteTextString
		if am[i].HTML {
			run = defaults.ExecuteHTMLString
		}
		result, err := run(am[i].Template, &data)
		if err != nil {
			am[i].Error = str(err.Error())
		} else {
			am[i].Output = str(result)
		}
	}
	writeRandomHTML(filepath.Join(out, "random-html.json"), defaults, &data, 400, 20261126)
	write(filepath.Join(out, "random-alertmanager.json"), map[string]interface{}{"payload": json.RawMessage(amPayload), "cases": randomAMCases(defaults, &data, 300, 20261126)})
	withUser, err := loadAMTemplates(assets, amUserTemplate)
	if err != nil {
		panic(err)
	}
	for _, c := range append(amExtraCases[len(amExtraCases)-1:], amCase{Name: "user template", Template: `{{ template "custom.list" . }}`}) {
		result, err := withUser.ExecuteTextString(c.Template, &data)
		if err != nil {
			c.Error = str(err.Error())
		} else {
			c.Output = str(result)
		}
		c.Name = "user: " + c.Name
		am = append(am, c)
	}
	write(filepath.Join(out, "alertmanager.json"), map[string]interface{}{
		"payload":      json.RawMessage(amPayload),
		"userTemplate": amUserTemplate,
		"cases":        am,
	})
}

func sortCases(cases []amCase) {
	for i := 1; i < len(cases); i++ {
		for j := i; j > 0 && cases[j].Name < cases[j-1].Name; j-- {
			cases[j], cases[j-1] = cases[j-1], cases[j]
		}
	}
}
