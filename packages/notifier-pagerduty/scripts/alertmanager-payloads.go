// Generates src/__fixtures__/alertmanager-payloads.json: what Alertmanager 0.25's PagerDuty
// notifier computes and sends, for the TypeScript tests to compare byte for byte. The types and
// helpers below are copied from prometheus/alertmanager v0.25 (notify/pagerduty/pagerduty.go:
// pagerDutyMessage and friends; notify/util.go: Truncate, Key.Hash), Apache-2.0, so that the
// generator needs only the Go standard library.
//
// Run: go run scripts/alertmanager-payloads.go > src/__fixtures__/alertmanager-payloads.json
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
)

type pagerDutyMessage struct {
	RoutingKey  string            `json:"routing_key,omitempty"`
	ServiceKey  string            `json:"service_key,omitempty"`
	DedupKey    string            `json:"dedup_key,omitempty"`
	IncidentKey string            `json:"incident_key,omitempty"`
	EventType   string            `json:"event_type,omitempty"`
	Description string            `json:"description,omitempty"`
	EventAction string            `json:"event_action"`
	Payload     *pagerDutyPayload `json:"payload"`
	Client      string            `json:"client,omitempty"`
	ClientURL   string            `json:"client_url,omitempty"`
	Details     map[string]string `json:"details,omitempty"`
	Images      []pagerDutyImage  `json:"images,omitempty"`
	Links       []pagerDutyLink   `json:"links,omitempty"`
}

type pagerDutyLink struct {
	HRef string `json:"href"`
	Text string `json:"text"`
}

type pagerDutyImage struct {
	Src  string `json:"src"`
	Alt  string `json:"alt"`
	Href string `json:"href"`
}

type pagerDutyPayload struct {
	Summary       string            `json:"summary"`
	Source        string            `json:"source"`
	Severity      string            `json:"severity"`
	Timestamp     string            `json:"timestamp,omitempty"`
	Class         string            `json:"class,omitempty"`
	Component     string            `json:"component,omitempty"`
	Group         string            `json:"group,omitempty"`
	CustomDetails map[string]string `json:"custom_details,omitempty"`
}

func Truncate(s string, n int) (string, bool) {
	r := []rune(s)
	if len(r) <= n {
		return s, false
	}
	if n <= 3 {
		return string(r[:n]), true
	}
	return string(r[:n-1]) + "…", true
}

func hash(k string) string {
	h := sha256.New()
	h.Write([]byte(k))
	return fmt.Sprintf("%x", h.Sum(nil))
}

func encode(msg *pagerDutyMessage) string {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(msg); err != nil {
		panic(err)
	}
	return buf.String()
}

type truncation struct {
	Input     string `json:"input"`
	N         int    `json:"n"`
	Output    string `json:"output"`
	Truncated bool   `json:"truncated"`
}

func main() {
	groupKeys := []string{`{}:{alertname="DiskFull"}`, `{}/{severity="critical"}:{alertname="HighLatency", team="web"}`, `{}:{}`}
	hashes := map[string]string{}
	for _, k := range groupKeys {
		hashes[k] = hash(k)
	}
	long := ""
	for i := 0; i < 1100; i++ {
		long += "é"
	}
	truncations := []truncation{}
	for _, c := range []struct {
		s string
		n int
	}{{"short", 1024}, {long, 1024}, {"abcdef", 3}, {"abcdef", 5}} {
		out, t := Truncate(c.s, c.n)
		truncations = append(truncations, truncation{c.s, c.n, out, t})
	}

	summary, _ := Truncate(long, 1024)
	key := groupKeys[1]
	v2 := &pagerDutyMessage{
		Client:      "Alertmanager",
		ClientURL:   "http://am.example.com/#/alerts?receiver=pd",
		RoutingKey:  "R0UTINGKEY0123456789abcdefABCDEF",
		EventAction: "trigger",
		DedupKey:    hash(key),
		Images:      []pagerDutyImage{{Src: "https://img.example.com/a.png", Alt: "graph <1>", Href: "https://grafana.example.com/d?a=1&b=2"}},
		Links:       []pagerDutyLink{{HRef: "https://runbooks.example.com/x", Text: "Runbook"}},
		Payload: &pagerDutyPayload{
			Summary:       summary,
			Source:        "Alertmanager",
			Severity:      "error",
			CustomDetails: map[string]string{"num_firing": "2", "firing": "Labels:\n - alertname = X\n", "num_resolved": "0", "resolved": "", "b<&>": "\u2028"},
			Class:         "",
			Component:     "db",
			Group:         "",
		},
	}
	v2resolve := &pagerDutyMessage{
		RoutingKey:  "R0UTINGKEY0123456789abcdefABCDEF",
		EventAction: "resolve",
		DedupKey:    hash(key),
		Images:      []pagerDutyImage{},
		Links:       []pagerDutyLink{},
		Payload:     &pagerDutyPayload{Summary: "[RESOLVED] X", Source: "Alertmanager", Severity: "error", CustomDetails: map[string]string{}},
	}
	v1 := &pagerDutyMessage{
		ServiceKey:  "SERV1CEKEY0123456789abcdefABCDEF",
		EventType:   "trigger",
		IncidentKey: hash(key),
		Description: "[FIRING:2] HighLatency",
		Client:      "Alertmanager",
		ClientURL:   "http://am.example.com/#/alerts?receiver=pd",
		Details:     map[string]string{"num_firing": "2", "z": "last", "a": "first"},
	}
	out := map[string]any{
		"hashes":      hashes,
		"truncations": truncations,
		"v2Trigger":   encode(v2),
		"v2Resolve":   encode(v2resolve),
		"v1Trigger":   encode(v1),
		"groupKey":    key,
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		panic(err)
	}
}
