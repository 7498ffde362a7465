package main

// Alertmanager 0.25's template data types and functions, copied from prometheus/alertmanager
// template/template.go (v0.25.0, Apache-2.0). `title` uses golang.org/x/text/cases upstream, which
// is not in the stdlib, so the fixtures do not call it. default.tmpl and email.tmpl are read from
// ../../assets (Alertmanager 0.25's files as Debian's prometheus-alertmanager 0.25.0 ships them).

import (
	"bytes"
	tmplhtml "html/template"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	tmpltext "text/template"
	"time"
)

var amFuncs = map[string]interface{}{
	"toUpper": strings.ToUpper,
	"toLower": strings.ToLower,
	"join": func(sep string, s []string) string {
		return strings.Join(s, sep)
	},
	"match": regexp.MatchString,
	"safeHtml": func(text string) tmplhtml.HTML {
		return tmplhtml.HTML(text)
	},
	"reReplaceAll": func(pattern, repl, text string) string {
		re := regexp.MustCompile(pattern)
		return re.ReplaceAllString(text, repl)
	},
	"stringSlice": func(s ...string) []string {
		return s
	},
}

type Pair struct {
	Name, Value string
}

type Pairs []Pair

func (ps Pairs) Names() []string {
	ns := make([]string, 0, len(ps))
	for _, p := range ps {
		ns = append(ns, p.Name)
	}
	return ns
}

func (ps Pairs) Values() []string {
	vs := make([]string, 0, len(ps))
	for _, p := range ps {
		vs = append(vs, p.Value)
	}
	return vs
}

type KV map[string]string

func (kv KV) SortedPairs() Pairs {
	var (
		pairs     = make([]Pair, 0, len(kv))
		keys      = make([]string, 0, len(kv))
		sortStart = 0
	)
	for k := range kv {
		if k == "alertname" {
			keys = append([]string{k}, keys...)
			sortStart = 1
		} else {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys[sortStart:])
	for _, k := range keys {
		pairs = append(pairs, Pair{k, kv[k]})
	}
	return pairs
}

func (kv KV) Remove(keys []string) KV {
	keySet := make(map[string]struct{}, len(keys))
	for _, k := range keys {
		keySet[k] = struct{}{}
	}
	res := KV{}
	for k, v := range kv {
		if _, ok := keySet[k]; !ok {
			res[k] = v
		}
	}
	return res
}

func (kv KV) Names() []string  { return kv.SortedPairs().Names() }
func (kv KV) Values() []string { return kv.SortedPairs().Values() }

type Data struct {
	Receiver          string `json:"receiver"`
	Status            string `json:"status"`
	Alerts            Alerts `json:"alerts"`
	GroupLabels       KV     `json:"groupLabels"`
	CommonLabels      KV     `json:"commonLabels"`
	CommonAnnotations KV     `json:"commonAnnotations"`
	ExternalURL       string `json:"externalURL"`
}

type Alert struct {
	Status       string    `json:"status"`
	Labels       KV        `json:"labels"`
	Annotations  KV        `json:"annotations"`
	StartsAt     time.Time `json:"startsAt"`
	EndsAt       time.Time `json:"endsAt"`
	GeneratorURL string    `json:"generatorURL"`
	Fingerprint  string    `json:"fingerprint"`
}

type Alerts []Alert

func (as Alerts) Firing() []Alert {
	res := []Alert{}
	for _, a := range as {
		if a.Status == "firing" {
			res = append(res, a)
		}
	}
	return res
}

func (as Alerts) Resolved() []Alert {
	res := []Alert{}
	for _, a := range as {
		if a.Status == "resolved" {
			res = append(res, a)
		}
	}
	return res
}

// Template is Alertmanager's template.Template: a text and an html set, both missingkey=zero.
type Template struct {
	text *tmpltext.Template
	html *tmplhtml.Template
}

func loadAMTemplates(assets string, userTemplates ...string) (*Template, error) {
	t := &Template{
		text: tmpltext.New("").Option("missingkey=zero").Funcs(tmpltext.FuncMap(amFuncs)),
		html: tmplhtml.New("").Option("missingkey=zero").Funcs(tmplhtml.FuncMap(amFuncs)),
	}
	for _, file := range []string{"default.tmpl", "email.tmpl"} {
		b, err := os.ReadFile(filepath.Join(assets, file))
		if err != nil {
			return nil, err
		}
		if t.text, err = t.text.Parse(string(b)); err != nil {
			return nil, err
		}
		if t.html, err = t.html.Parse(string(b)); err != nil {
			return nil, err
		}
	}
	for _, text := range userTemplates {
		var err error
		if t.text, err = t.text.Parse(text); err != nil {
			return nil, err
		}
		if t.html, err = t.html.Parse(text); err != nil {
			return nil, err
		}
	}
	return t, nil
}

func (t *Template) ExecuteTextString(text string, data interface{}) (string, error) {
	if text == "" {
		return "", nil
	}
	tmpl, err := t.text.Clone()
	if err != nil {
		return "", err
	}
	tmpl, err = tmpl.New("").Option("missingkey=zero").Parse(text)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	err = tmpl.Execute(&buf, data)
	return buf.String(), err
}

func (t *Template) ExecuteHTMLString(html string, data interface{}) (string, error) {
	if html == "" {
		return "", nil
	}
	tmpl, err := t.html.Clone()
	if err != nil {
		return "", err
	}
	tmpl, err = tmpl.New("").Option("missingkey=zero").Parse(html)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	err = tmpl.Execute(&buf, data)
	return buf.String(), err
}

type amCase struct {
	Name     string  `json:"name"`
	Template string  `json:"template"`
	HTML     bool    `json:"html,omitempty"`
	Output   *string `json:"output,omitempty"`
	Error    *string `json:"error,omitempty"`
}

// The sample payload: two firing alerts and one resolved, with characters that need escaping.
const amPayload = `{
  "receiver": "team-x\\.pager",
  "status": "firing",
  "alerts": [
    {
      "status": "firing",
      "labels": {"alertname": "HighLatency", "instance": "api-1:9090", "job": "orchestrator", "severity": "critical", "team": "x"},
      "annotations": {"summary": "p99 latency is 734ms", "description": "Latency above 500ms for 10m <check> & \"fix\" + retry", "runbook_url": "https://runbooks.example.com/high-latency"},
      "startsAt": "2026-11-26T10:00:00.123456789Z",
      "endsAt": "0001-01-01T00:00:00Z",
      "generatorURL": "http://prometheus.example.com/graph?g0.expr=histogram_quantile%280.99%29+%3E+0.5&g0.tab=1",
      "fingerprint": "1a2b3c4d5e6f7a8b"
    },
    {
      "status": "firing",
      "labels": {"alertname": "HighLatency", "instance": "api-2:9090", "job": "orchestrator", "severity": "critical", "team": "x"},
      "annotations": {"summary": "p99 latency is 612ms", "runbook_url": "https://runbooks.example.com/high-latency"},
      "startsAt": "2026-11-26T10:05:00+02:00",
      "endsAt": "0001-01-01T00:00:00Z",
      "generatorURL": "http://prometheus.example.com/graph?g0.expr=up&g0.tab=1",
      "fingerprint": "2b3c4d5e6f7a8b9c"
    },
    {
      "status": "resolved",
      "labels": {"alertname": "HighLatency", "instance": "api-3:9090", "job": "orchestrator", "severity": "critical", "team": "x"},
      "annotations": {"summary": "p99 latency is back to 120ms", "runbook_url": "https://runbooks.example.com/high-latency"},
      "startsAt": "2026-11-26T09:00:00Z",
      "endsAt": "2026-11-26T09:45:30.5Z",
      "generatorURL": "javascript:alert(1)",
      "fingerprint": "3c4d5e6f7a8b9c0d"
    }
  ],
  "groupLabels": {"alertname": "HighLatency", "job": "orchestrator"},
  "commonLabels": {"alertname": "HighLatency", "job": "orchestrator", "severity": "critical", "team": "x"},
  "commonAnnotations": {"runbook_url": "https://runbooks.example.com/high-latency"},
  "externalURL": "http://alertmanager.example.com:9093"
}`

var amExtraCases = []amCase{
	{Name: "data: print everything", Template: `{{ . }}`},
	{Name: "data: alerts and times", Template: `{{ range .Alerts }}{{ .Status }} {{ .StartsAt }} {{ .EndsAt }} {{ .StartsAt.Format "2006-01-02 15:04" }} {{ .Fingerprint }}
{{ end }}`},
	{Name: "data: kv helpers", Template: `{{ .CommonLabels.SortedPairs }}|{{ .CommonLabels.Names }}|{{ .CommonLabels.Values | join "," }}|{{ (.CommonLabels.Remove .GroupLabels.Names).Values }}|{{ .CommonLabels.missing }}|{{ index .CommonLabels "team" }}`},
	{Name: "data: firing and resolved", Template: `{{ len .Alerts.Firing }} firing, {{ len .Alerts.Resolved }} resolved{{ range .Alerts.Resolved }} ({{ .Labels.instance }}){{ end }}`},
	{Name: "functions: alertmanager", Template: `{{ toUpper .Status }} {{ toLower "ABC" }} {{ match "^High" .CommonLabels.alertname }} {{ reReplaceAll "api-(\\d+):.*" "node$1" "api-1:9090" }} {{ stringSlice "a" "b" | join "+" }} {{ safeHtml "<b>x</b>" }}`},
	{Name: "html: escaping", Template: `<p title="{{ .CommonAnnotations.runbook_url }}">{{ (index .Alerts 0).Annotations.description }}</p><a href="{{ (index .Alerts 0).GeneratorURL }}">x</a><a href="{{ (index .Alerts 2).GeneratorURL }}">bad</a>{{ safeHtml "<b>ok</b>" }}`, HTML: true},
	{Name: "html: url parts", Template: `<a href="{{ .ExternalURL }}/#/alerts?receiver={{ .Receiver | urlquery }}">a</a><a href="/silences?filter={{ .CommonLabels.alertname }} &amp; {{ (index .Alerts 0).Annotations.description }}">b</a><a href="/p/{{ (index .Alerts 0).Annotations.description }}/x">c</a><a href='{{ .ExternalURL }}'>d</a><img src="{{ (index .Alerts 2).GeneratorURL }}"><a href="mailto:{{ .Receiver }}">e</a>`, HTML: true},
	{Name: "html: attributes and text", Template: `<td title='{{ (index .Alerts 0).Annotations.description }}' class="{{ .Status }} x">{{ .Alerts.Firing | len }} & {{ printf "%q" .Status }}</td><!-- {{ .Status }} --><p>{{ "a+b" }}</p>`, HTML: true},
	{Name: "html: nested templates and safeHtml", Template: `{{ define "cell" }}<td>{{ . }}</td>{{ end }}<tr>{{ range .Alerts }}{{ template "cell" .Labels.instance }}{{ template "cell" (safeHtml "<i>x</i>") }}{{ end }}</tr>`, HTML: true},
	{Name: "html: missing values", Template: `<p>[{{ .CommonLabels.nope }}]</p><a href="{{ .CommonLabels.nope }}">x</a>`, HTML: true},
	{Name: "user template overrides a default", Template: `{{ template "slack.default.title" . }}`},
}

// A user template file parsed after the defaults, redefining one default template.
const amUserTemplate = `{{ define "slack.default.title" }}[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ len .Alerts.Firing }}){{ end }}
{{ define "custom.list" }}{{ range .Alerts }}- {{ .Labels.instance }}: {{ .Annotations.summary }}
{{ end }}{{ end }}`
