package main

// Prometheus 2.42's template functions, copied from prometheus/prometheus template/template.go
// (v2.42.0, Apache-2.0) with the promql/model types replaced by stdlib equivalents, and the
// alerting-rule prelude from rules/alerting.go. Only the stdlib is used: there is no module proxy.

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"net"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	text_template "text/template"
	"time"
)

type sample struct {
	Labels map[string]string
	Value  float64
}
type queryResult []*sample

type queryResultByLabelSorter struct {
	results queryResult
	by      string
}

func (q queryResultByLabelSorter) Len() int { return len(q.results) }
func (q queryResultByLabelSorter) Less(i, j int) bool {
	return q.results[i].Labels[q.by] < q.results[j].Labels[q.by]
}
func (q queryResultByLabelSorter) Swap(i, j int) {
	q.results[i], q.results[j] = q.results[j], q.results[i]
}

var errNaNOrInf = errors.New("value is NaN or Inf")

func convertToFloat(i interface{}) (float64, error) {
	switch v := i.(type) {
	case float64:
		return v, nil
	case string:
		return strconv.ParseFloat(v, 64)
	case int:
		return float64(v), nil
	case uint:
		return float64(v), nil
	case int64:
		return float64(v), nil
	case uint64:
		return float64(v), nil
	default:
		return 0, fmt.Errorf("can't convert %T to float", v)
	}
}

func floatToTime(v float64) (*time.Time, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil, errNaNOrInf
	}
	timestamp := v * 1e9
	if timestamp > math.MaxInt64 || timestamp < math.MinInt64 {
		return nil, fmt.Errorf("%v cannot be represented as a nanoseconds timestamp since it overflows int64", v)
	}
	// model.TimeFromUnixNano(...).Time(): milliseconds precision.
	ms := int64(timestamp) / 1e6
	t := time.Unix(ms/1000, (ms%1000)*int64(time.Millisecond)).UTC()
	return &t, nil
}

// model.ParseDuration (prometheus/common), reduced to what the fixtures use.
var durationRE = regexp.MustCompile("^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$")

func parseDuration(d string) (float64, error) {
	if d == "0" {
		return 0, nil
	}
	m := durationRE.FindStringSubmatch(d)
	if d == "" || m == nil {
		return 0, fmt.Errorf("not a valid duration string: %q", d)
	}
	units := []float64{365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001}
	var total float64
	for i, unit := range units {
		if v := m[2*i+2]; v != "" {
			n, _ := strconv.Atoi(v)
			total += float64(n) * unit
		}
	}
	return total, nil
}

func prometheusFuncs(queryResults map[string][]sample, externalURL *url.URL) text_template.FuncMap {
	return text_template.FuncMap{
		"query": func(q string) (queryResult, error) {
			samples, ok := queryResults[q]
			if !ok {
				return nil, fmt.Errorf("no fixture result for query %q", q)
			}
			result := make(queryResult, len(samples))
			for i := range samples {
				s := samples[i]
				result[i] = &s
			}
			return result, nil
		},
		"first": func(v queryResult) (*sample, error) {
			if len(v) > 0 {
				return v[0], nil
			}
			return nil, errors.New("first() called on vector with no elements")
		},
		"label":    func(label string, s *sample) string { return s.Labels[label] },
		"value":    func(s *sample) float64 { return s.Value },
		"strvalue": func(s *sample) string { return s.Labels["__value__"] },
		"args": func(args ...interface{}) map[string]interface{} {
			result := make(map[string]interface{})
			for i, a := range args {
				result[fmt.Sprintf("arg%d", i)] = a
			}
			return result
		},
		"reReplaceAll": func(pattern, repl, text string) string {
			re := regexp.MustCompile(pattern)
			return re.ReplaceAllString(text, repl)
		},
		"safeHtml": func(text string) string { return text },
		"match":    regexp.MatchString,
		"title":    strings.Title,
		"toUpper":  strings.ToUpper,
		"toLower":  strings.ToLower,
		"graphLink": func(expr string) string {
			return fmt.Sprintf("/graph?g0.expr=%s&g0.tab=0", url.QueryEscape(expr))
		},
		"tableLink": func(expr string) string {
			return fmt.Sprintf("/graph?g0.expr=%s&g0.tab=1", url.QueryEscape(expr))
		},
		"sortByLabel": func(label string, v queryResult) queryResult {
			sorter := queryResultByLabelSorter{v[:], label}
			sort.Stable(sorter)
			return v
		},
		"humanize": func(i interface{}) (string, error) {
			v, err := convertToFloat(i)
			if err != nil {
				return "", err
			}
			if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Sprintf("%.4g", v), nil
			}
			if math.Abs(v) >= 1 {
				prefix := ""
				for _, p := range []string{"k", "M", "G", "T", "P", "E", "Z", "Y"} {
					if math.Abs(v) < 1000 {
						break
					}
					prefix = p
					v /= 1000
				}
				return fmt.Sprintf("%.4g%s", v, prefix), nil
			}
			prefix := ""
			for _, p := range []string{"m", "u", "n", "p", "f", "a", "z", "y"} {
				if math.Abs(v) >= 1 {
					break
				}
				prefix = p
				v *= 1000
			}
			return fmt.Sprintf("%.4g%s", v, prefix), nil
		},
		"humanize1024": func(i interface{}) (string, error) {
			v, err := convertToFloat(i)
			if err != nil {
				return "", err
			}
			if math.Abs(v) <= 1 || math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Sprintf("%.4g", v), nil
			}
			prefix := ""
			for _, p := range []string{"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"} {
				if math.Abs(v) < 1024 {
					break
				}
				prefix = p
				v /= 1024
			}
			return fmt.Sprintf("%.4g%s", v, prefix), nil
		},
		"humanizeDuration": func(i interface{}) (string, error) {
			v, err := convertToFloat(i)
			if err != nil {
				return "", err
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Sprintf("%.4g", v), nil
			}
			if v == 0 {
				return fmt.Sprintf("%.4gs", v), nil
			}
			if math.Abs(v) >= 1 {
				sign := ""
				if v < 0 {
					sign = "-"
					v = -v
				}
				seconds := int64(v) % 60
				minutes := (int64(v) / 60) % 60
				hours := (int64(v) / 60 / 60) % 24
				days := int64(v) / 60 / 60 / 24
				if days != 0 {
					return fmt.Sprintf("%s%dd %dh %dm %ds", sign, days, hours, minutes, seconds), nil
				}
				if hours != 0 {
					return fmt.Sprintf("%s%dh %dm %ds", sign, hours, minutes, seconds), nil
				}
				if minutes != 0 {
					return fmt.Sprintf("%s%dm %ds", sign, minutes, seconds), nil
				}
				return fmt.Sprintf("%s%.4gs", sign, v), nil
			}
			prefix := ""
			for _, p := range []string{"m", "u", "n", "p", "f", "a", "z", "y"} {
				if math.Abs(v) >= 1 {
					break
				}
				prefix = p
				v *= 1000
			}
			return fmt.Sprintf("%.4g%ss", v, prefix), nil
		},
		"humanizePercentage": func(i interface{}) (string, error) {
			v, err := convertToFloat(i)
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("%.4g%%", v*100), nil
		},
		"humanizeTimestamp": func(i interface{}) (string, error) {
			v, err := convertToFloat(i)
			if err != nil {
				return "", err
			}
			tm, err := floatToTime(v)
			switch {
			case errors.Is(err, errNaNOrInf):
				return fmt.Sprintf("%.4g", v), nil
			case err != nil:
				return "", err
			}
			return fmt.Sprint(tm), nil
		},
		"toTime": func(i interface{}) (*time.Time, error) {
			v, err := convertToFloat(i)
			if err != nil {
				return nil, err
			}
			return floatToTime(v)
		},
		"pathPrefix":    func() string { return externalURL.Path },
		"externalURL":   func() string { return externalURL.String() },
		"parseDuration": parseDuration,
		"stripPort": func(hostPort string) string {
			host, _, err := net.SplitHostPort(hostPort)
			if err != nil {
				return hostPort
			}
			return host
		},
		"stripDomain": func(hostPort string) string {
			host, port, err := net.SplitHostPort(hostPort)
			if err != nil {
				host = hostPort
			}
			ip := net.ParseIP(host)
			if ip != nil {
				return hostPort
			}
			host = strings.Split(host, ".")[0]
			if port != "" {
				return net.JoinHostPort(host, port)
			}
			return host
		},
	}
}

type promCase struct {
	Name           string              `json:"name"`
	Template       string              `json:"template"`
	Labels         map[string]string   `json:"labels"`
	ExternalLabels map[string]string   `json:"externalLabels"`
	ExternalURL    string              `json:"externalURL"`
	Value          float64             `json:"value"`
	RuleName       string              `json:"ruleName"`
	QueryResults   map[string][]sample `json:"queryResults,omitempty"`
	Output         *string             `json:"output,omitempty"`
	Error          *string             `json:"error,omitempty"`
}

// Expander.Expand with rules/alerting.go's prelude.
func expandPrometheus(c promCase) (string, error) {
	defs := []string{
		"{{$labels := .Labels}}",
		"{{$externalLabels := .ExternalLabels}}",
		"{{$externalURL := .ExternalURL}}",
		"{{$value := .Value}}",
	}
	name := "__alert_" + c.RuleName
	u, err := url.Parse(c.ExternalURL)
	if err != nil {
		return "", err
	}
	data := struct {
		Labels         map[string]string
		ExternalLabels map[string]string
		ExternalURL    string
		Value          float64
	}{c.Labels, c.ExternalLabels, c.ExternalURL, c.Value}
	tmpl, err := text_template.New(name).Funcs(prometheusFuncs(c.QueryResults, u)).Option("missingkey=zero").Parse(strings.Join(append(defs, c.Template), ""))
	if err != nil {
		return "", fmt.Errorf("error parsing template %v: %w", name, err)
	}
	var buffer bytes.Buffer
	if err := tmpl.Execute(&buffer, data); err != nil {
		return "", fmt.Errorf("error executing template %v: %w", name, err)
	}
	return buffer.String(), nil
}

func promLabels(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

var promBase = promCase{
	Labels:         promLabels("alertname", "HighLatency", "instance", "api-1.example.com:9090", "job", "orchestrator", "severity", "critical"),
	ExternalLabels: promLabels("cluster", "prod-eu", "replica", "a"),
	ExternalURL:    "https://prometheus.example.com/prom",
	Value:          0.734512,
	RuleName:       "HighLatency",
}

func prom(name, template string, value float64, queries map[string][]sample) promCase {
	c := promBase
	c.Name = name
	c.Template = template
	c.Value = value
	c.QueryResults = queries
	return c
}

var promCases = []promCase{
	prom("summary with labels and value", `{{ $labels.instance }} of job {{ $labels.job }} has p99 latency {{ $value }}s`, 0.734512, nil),
	prom("humanize family", `{{ humanize $value }} {{ humanize 1234567 }} {{ humanize 0.000012 }} {{ humanize 0 }} {{ humanize1024 1048576 }} {{ humanize1024 512 }} {{ humanizePercentage 0.12345 }} {{ humanize "1e6" }}`, 0.734512, nil),
	prom("humanizeDuration", `{{ humanizeDuration 0 }}|{{ humanizeDuration 0.25 }}|{{ humanizeDuration 1.5 }}|{{ humanizeDuration 61 }}|{{ humanizeDuration 3700 }}|{{ humanizeDuration 90061 }}|{{ humanizeDuration -75 }}|{{ humanizeDuration $value }}`, 0.0000123, nil),
	prom("humanizeTimestamp and toTime", `{{ humanizeTimestamp 1435065584.128 }}|{{ humanizeTimestamp $value }}|{{ toTime 1700000000 }}|{{ (toTime 1700000000.5).Format "2006-01-02T15:04:05Z07:00" }}`, 1700000000.123, nil),
	prom("missing label is empty", `[{{ $labels.nosuch }}] [{{ index $labels "nosuch" }}] [{{ $externalLabels.cluster }}]`, 1, nil),
	prom("value formatting", `{{ $value }} {{ printf "%.2f" $value }} {{ $value | humanize }}`, 12345678.9, nil),
	prom("string functions", `{{ title "hello wORLD foo-bar" }} {{ toUpper $labels.job }} {{ toLower "ABC" }} {{ match "^api-" $labels.instance }} {{ reReplaceAll "(.*)-(\\d+)" "$2:${1}" "api-1" }} {{ reReplaceAll "a*" "-" "baaac" }}`, 1, nil),
	prom("host helpers", `{{ stripPort $labels.instance }} {{ stripPort "[::1]:80" }} {{ stripPort "nohost" }} {{ stripDomain $labels.instance }} {{ stripDomain "10.0.0.1:80" }} {{ stripDomain "host.example.com" }}`, 1, nil),
	prom("links and urls", `{{ externalURL }} {{ pathPrefix }} {{ $externalURL }} {{ graphLink "rate(x[5m]) > 0" }} {{ tableLink "up" }}`, 1, nil),
	prom("parseDuration and args", `{{ parseDuration "1h30m" }} {{ parseDuration "500ms" }} {{ with args 1 "x" }}{{ .arg0 }}-{{ .arg1 }}{{ end }}`, 1, nil),
	prom("query first label value", `{{ with query "up" }}{{ . | first | label "instance" }}={{ . | first | value }}{{ end }} {{ range query "up" | sortByLabel "instance" }}{{ .Labels.instance }}:{{ .Value }} {{ end }}`, 1, map[string][]sample{
		"up": {{Labels: promLabels("instance", "b"), Value: 1}, {Labels: promLabels("instance", "a"), Value: 0}},
	}),
	prom("if and comparisons on value", `{{ if gt $value 0.5 }}high{{ else }}low{{ end }} {{ if eq $labels.severity "critical" }}page{{ end }}`, 0.734512, nil),
	prom("runbook style annotation", `Instance {{ $labels.instance }} ({{ $externalLabels.cluster }}) error rate is {{ $value | humanizePercentage }}. See {{ $externalURL }}/alerts?alertname={{ $labels.alertname | urlquery }}`, 0.0523, nil),
	prom("print dot and maps", `{{ . }}|{{ $labels }}|{{ $externalLabels }}|{{ len $labels }}`, 2.5, nil),
	prom("humanize edge values", `{{ humanize -1234 }} {{ humanize "NaN" }} {{ humanize "-Inf" }} {{ humanize 1e30 }} {{ humanize -0.0005 }} {{ humanize1024 -2048 }} {{ humanizeDuration "Inf" }} {{ humanizePercentage 1 }} {{ humanizeTimestamp "NaN" }}`, 1, nil),
	prom("labels in range", `{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}`, 1, nil),
	prom("error: first on empty", `{{ query "none" | first | value }}`, 1, map[string][]sample{"none": {}}),
	prom("error: bad function use", `{{ humanize "abc" }}`, 1, nil),
	prom("error: parse", "{{ $labels.x ", 1, nil),
	prom("error: undefined function", `{{ nosuch }}`, 1, nil),
}

// Random values of every magnitude through the humanize family and float formatting.
func randomPromCases(count int, seed int64) []promCase {
	r := rand.New(rand.NewSource(seed))
	const text = `{{ humanize $value }}|{{ humanize1024 $value }}|{{ humanizeDuration $value }}|{{ humanizePercentage $value }}|{{ humanizeTimestamp $value }}|{{ $value }}|{{ printf "%.3e %.2f %g %v %10.4g %.0f" $value $value $value $value $value $value }}`
	var cases []promCase
	for i := 0; i < count; i++ {
		var v float64
		switch i % 4 {
		case 0:
			v = math.Pow(10, r.Float64()*40-20) * float64(1-2*r.Intn(2))
		case 1:
			v = float64(r.Int63n(1e12)) / math.Pow(10, float64(r.Intn(8)))
		case 2:
			v = r.NormFloat64() * 1e5
		default:
			v = math.Round(r.Float64()*1e6) / 8
		}
		c := prom(fmt.Sprintf("random value %d", i), text, v, nil)
		cases = append(cases, c)
	}
	return cases
}
