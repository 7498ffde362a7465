package main

// Randomly generated templates (fixed seed), half from a grammar of valid constructs and half
// token soup, rendered by Go: a differential test of the parser, executor, builtins and fmt.

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"strings"
	"text/template"
)

const randomData = `{"A": [1, "two", 3.5, null, true], "B": {"C": "c", "D": [1, 2]}, "N": 42, "F": 0.1,
  "G": 1234567.891, "S": "héllo <&> \"q\"", "L": [], "M": {"x": 1, "y": "z", "é": [true]}, "T": true, "Z": 0}`

var (
	operands = []string{".A", ".B", ".B.C", ".B.D", "$", ".N", ".F", ".G", ".S", ".L", ".M", ".M.x", ".M.y", ".Missing", ".T", ".Z",
		"1", "-2", "0", "1.5", "2.0", "1e3", "0x10", `"str"`, `""`, `"a b"`, "'x'", "true", "false", "$v", "$i"}
	formats = []string{`"%v"`, `"%d"`, `"%s"`, `"%q"`, `"%x"`, `"%5.2f"`, `"%-4v|"`, `"%T"`, `"%+v"`, `"%e"`, `"%g"`, `"%08.3f"`,
		`"%t"`, `"%c"`, `"%U"`, `"%v %v"`, `"%6.2v"`, `"%#v"`, `"%X"`, `"%o"`, `"%b"`, `"%.3s"`, `"%+d"`, `"%x %X"`}
	funcs = []struct {
		name     string
		min, max int
	}{{"len", 1, 1}, {"index", 1, 3}, {"slice", 1, 3}, {"eq", 2, 3}, {"ne", 2, 2}, {"lt", 2, 2}, {"le", 2, 2}, {"gt", 2, 2},
		{"ge", 2, 2}, {"and", 1, 3}, {"or", 1, 3}, {"not", 1, 1}, {"print", 0, 3}, {"println", 0, 2}, {"html", 1, 2},
		{"js", 1, 1}, {"urlquery", 1, 2}, {"printf", 1, 3}}
	soup = []string{"{{", "}}", "{{-", "-}}", " ", ".", ".A", ".B.C", "$", "$x", ":=", "=", "|", "(", ")", `"s"`, "`r`", "'c'",
		"1", "1.5", "0x1F", "nil", "true", "if", "else", "end", "range", "with", "define", "template", "block", "break",
		"continue", "printf", "len", "index", "eq", "lt", "and", "or", "not", "print", "/*", "*/", "\n", "x", ",", `"t"`, "$y"}
)

type gen struct{ r *rand.Rand }

func (g gen) pick(list []string) string { return list[g.r.Intn(len(list))] }

func (g gen) operand(depth int) string {
	if depth < 2 && g.r.Intn(5) == 0 {
		return "(" + g.pipeline(depth+1) + ")"
	}
	return g.pick(operands)
}

func (g gen) call(depth int) string {
	f := funcs[g.r.Intn(len(funcs))]
	n := f.min + g.r.Intn(f.max-f.min+1)
	parts := []string{f.name}
	for i := 0; i < n; i++ {
		if f.name == "printf" && i == 0 {
			parts = append(parts, g.pick(formats))
			continue
		}
		parts = append(parts, g.operand(depth))
	}
	return strings.Join(parts, " ")
}

func (g gen) pipeline(depth int) string {
	p := g.operand(depth)
	if g.r.Intn(2) == 0 {
		p = g.call(depth)
	}
	for g.r.Intn(4) == 0 {
		f := funcs[g.r.Intn(len(funcs))]
		if f.name == "printf" {
			p += " | printf " + g.pick(formats)
		} else {
			p += " | " + f.name
		}
	}
	return p
}

func (g gen) body(depth int) string {
	var b strings.Builder
	for n := 1 + g.r.Intn(4); n > 0; n-- {
		switch k := g.r.Intn(15); {
		case k < 3 || depth > 2:
			b.WriteString("{{ " + g.pipeline(0) + " }}")
		case k == 3:
			b.WriteString(g.pick([]string{"x", " ", "\n", "<b>", "-"}))
		case k == 4:
			b.WriteString("{{ if " + g.pipeline(0) + " }}" + g.body(depth+1) + "{{ else }}" + g.body(depth+1) + "{{ end }}")
		case k == 5:
			b.WriteString("{{ range $i, $v := " + g.pick([]string{".A", ".B", ".M", ".L", ".S", ".N", ".B.D"}) + " }}" + g.body(depth+1) + "{{ else }}E{{ end }}")
		case k == 6:
			b.WriteString("{{ with " + g.pipeline(0) + " }}" + g.body(depth+1) + "{{ end }}")
		case k == 7:
			b.WriteString("{{ $v := " + g.pipeline(0) + " }}{{ $v }}")
		case k == 8:
			b.WriteString("{{- " + g.pipeline(0) + " -}}")
		case k == 9:
			b.WriteString("{{ template \"sub\" " + g.operand(0) + " }}")
		case k == 10:
			b.WriteString("{{ if " + g.pipeline(0) + " }}" + g.body(depth+1) + "{{ else if " + g.pipeline(0) + " }}" + g.body(depth+1) + "{{ end }}")
		case k == 11:
			b.WriteString("{{ range " + g.pick([]string{".A", ".M", ".B.D"}) + " }}{{ if " + g.pipeline(0) + " }}{{ " + g.pick([]string{"break", "continue"}) + " }}{{ end }}" + g.body(depth+1) + "{{ end }}")
		case k == 12:
			b.WriteString("{{ $i = " + g.pipeline(0) + " }}{{ $i }}")
		case k == 13:
			b.WriteString(g.pick([]string{" \n", "\t"}) + "{{- /* c */ -}}" + g.pick([]string{" x", "\n y"}) + "{{/* d */}}")
		default:
			b.WriteString("{{ block \"blk" + fmt.Sprint(g.r.Intn(3)) + "\" " + g.operand(0) + " }}<{{ . }}>{{ end }}")
		}
	}
	return b.String()
}

func randomCases(count int, seed int64) []textCase {
	g := gen{rand.New(rand.NewSource(seed))}
	var data interface{}
	if err := json.Unmarshal([]byte(randomData), &data); err != nil {
		panic(err)
	}
	var cases []textCase
	for i := 0; i < count; i++ {
		var text string
		if i%2 == 0 {
			// $i and $v exist only inside ranges; declare them so the grammar's templates parse.
			text = `{{ $i := 0 }}{{ $v := .A }}{{ define "sub" }}[{{ . }}]{{ end }}` + g.body(0)
		} else {
			var b strings.Builder
			for n := 1 + g.r.Intn(12); n > 0; n-- {
				b.WriteString(g.pick(soup))
			}
			text = b.String()
		}
		c := runRandom(textCase{Name: fmt.Sprintf("random %d", i), Templates: []string{text}, Data: data})
		c.Data = nil // the same for every case: written once, next to the cases
		cases = append(cases, c)
	}
	return cases
}

func runRandom(c textCase) textCase {
	t, err := template.New("t").Parse(c.Templates[0])
	if err != nil {
		c.Error = str(err.Error())
		return c
	}
	var out strings.Builder
	if err := t.Execute(&out, c.Data); err != nil {
		c.Error = str(err.Error())
		return c
	}
	c.Output = str(out.String())
	return c
}
