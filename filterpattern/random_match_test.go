package filterpattern

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestMatchRandomAgainstReference generates JSON patterns and events from a
// small shared vocabulary, so that selectors often hit, values often
// compare equal and escapes, duplicates, nulls and arrays meet every
// operator, and checks the fast path against the reference evaluator.
// Random bytes (the fuzz target) seldom form JSON; this reaches the
// scanner and the prefilter with well-formed and nearly well-formed events.
func TestMatchRandomAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 3000
	if testing.Short() {
		n = 300
	}
	var checked int
	for range n {
		ps := randPattern(rng)
		p, err := Parse(ps)
		if err != nil {
			continue // the generator also makes patterns AWS rejects
		}
		m, err := NewMatcher(p)
		if err != nil {
			t.Fatalf("NewMatcher(%q): %v", ps, err)
		}
		for range 10 {
			ev := randEvent(rng, 0)
			if rng.IntN(10) == 0 {
				ev = ev[:rng.IntN(len(ev)+1)] // truncated
			}
			checked++
			if got, want := m.Match([]byte(ev)), refMatch(p, []byte(ev)); got != want {
				t.Fatalf("Match(%s, %s) = %v, reference says %v", ps, ev, got, want)
			}
		}
	}
	if checked < n {
		t.Fatalf("only %d checks; the pattern generator is broken", checked)
	}
}

var (
	randKeys   = []string{"a", "b", "type", "Root"}
	randValues = []string{`"x"`, `"xy"`, `"Root"`, `"R\u006fot"`, `"a\"b"`, `"a/b"`, `"a\/b"`, `"4xx"`, `""`,
		`1`, `400`, `1e3`, `1000.0`, `-2.5`, `null`, `true`, `false`}
	randPatValues = []string{`"x"`, `x*`, `"*y"`, `"Root"`, `Root`, `"a\"b"`, `"a/b"`, `4*`, `*`, `""`,
		`1`, `400`, `1000`, `-2.5`, `%^x%`, `%o+t$%`}
	randOps = []string{"=", "!=", "<", ">=", "IS NULL", "NOT EXISTS", "IS TRUE", "IS FALSE"}
)

func randEvent(rng *rand.Rand, depth int) string {
	if depth > 0 && rng.IntN(3) == 0 {
		if rng.IntN(2) == 0 {
			return randValues[rng.IntN(len(randValues))]
		}
		var b strings.Builder
		b.WriteByte('[')
		for i := range rng.IntN(3) {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(randEvent(rng, depth+1))
		}
		b.WriteByte(']')
		return b.String()
	}
	var b strings.Builder
	b.WriteByte('{')
	for i := range rng.IntN(4) {
		if i > 0 {
			b.WriteString(", ")
		}
		k := randKeys[rng.IntN(len(randKeys))]
		if rng.IntN(8) == 0 {
			k = strings.Replace(k, "a", `\u0061`, 1)
		}
		fmt.Fprintf(&b, "%q:", k)
		if depth < 3 && rng.IntN(2) == 0 {
			b.WriteString(randEvent(rng, depth+1))
		} else {
			b.WriteString(randValues[rng.IntN(len(randValues))])
		}
	}
	b.WriteByte('}')
	return strings.ReplaceAll(b.String(), `\\u0061`, `\u0061`)
}

func randSelector(rng *rand.Rand) string {
	var b strings.Builder
	// AWS wants a property first: $.name, never $[0].
	b.WriteString("$." + randKeys[rng.IntN(len(randKeys))])
	wild := false
	for range rng.IntN(3) {
		switch r := rng.IntN(8); {
		case r == 0 && !wild:
			b.WriteString(".*")
			wild = true
		case r == 1 && !wild:
			b.WriteString("[*]")
			wild = true
		case r == 2:
			fmt.Fprintf(&b, "[%d]", rng.IntN(2))
		default:
			b.WriteString("." + randKeys[rng.IntN(len(randKeys))])
		}
	}
	return b.String()
}

func randPattern(rng *rand.Rand) string {
	var cond func(depth int) string
	cond = func(depth int) string {
		if depth < 2 && rng.IntN(3) == 0 {
			op := " && "
			if rng.IntN(2) == 0 {
				op = " || "
			}
			return "(" + cond(depth+1) + op + cond(depth+1) + ")"
		}
		op := randOps[rng.IntN(len(randOps))]
		if strings.Contains(op, " ") {
			return randSelector(rng) + " " + op
		}
		return randSelector(rng) + " " + op + " " + randPatValues[rng.IntN(len(randPatValues))]
	}
	return "{ " + cond(0) + " }"
}

// TestMatchRandomTextAgainstReference does the same for term and
// space-delimited patterns over short lines built from a few words, quotes
// and brackets.
func TestMatchRandomTextAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	words := []string{"ERROR", "WARN", "404", "4xx", "1000", "-", "x", `"a b"`, "[c d]", `"`, "[", "ERRORCODE"}
	termWords := []string{"ERROR", "WARN", "404", "x", `"a b"`, `" "`, `"RR"`, "CODE"}
	values := []string{"ERROR", "4*", "*x*", `"a b"`, "404", "1000", "-", "%^E%", "%R{2}%"}
	ops := []string{"=", "!=", ">", "<="}
	n := 2000
	if testing.Short() {
		n = 200
	}
	var checked int
	for range n {
		var ps string
		if rng.IntN(2) == 0 {
			var parts []string
			for range 1 + rng.IntN(3) {
				prefix := []string{"", "", "-", "?"}[rng.IntN(4)]
				parts = append(parts, prefix+termWords[rng.IntN(len(termWords))])
			}
			ps = strings.Join(parts, " ")
		} else {
			var entries []string
			ellipsis := false
			for i := range 1 + rng.IntN(4) {
				switch r := rng.IntN(6); {
				case r == 0 && !ellipsis:
					entries = append(entries, "...")
					ellipsis = true
				case r == 1:
					entries = append(entries, "")
				default:
					name := fmt.Sprintf("f%d", i)
					e := name
					if rng.IntN(2) == 0 {
						e += ops[rng.IntN(len(ops))] + values[rng.IntN(len(values))]
						if rng.IntN(3) == 0 {
							e += " || " + name + "=" + values[rng.IntN(len(values))]
						}
					}
					entries = append(entries, e)
				}
			}
			ps = "[" + strings.Join(entries, ", ") + "]"
		}
		p, err := Parse(ps)
		if err != nil {
			continue
		}
		m, err := NewMatcher(p)
		if err != nil {
			t.Fatalf("NewMatcher(%q): %v", ps, err)
		}
		for range 10 {
			var parts []string
			for range rng.IntN(6) {
				sep := " "
				if rng.IntN(5) == 0 {
					sep = "  "
				}
				parts = append(parts, words[rng.IntN(len(words))]+sep)
			}
			ev := strings.Join(parts, "")
			checked++
			if got, want := m.Match([]byte(ev)), refMatch(p, []byte(ev)); got != want {
				t.Fatalf("Match(%s, %q) = %v, reference says %v", ps, ev, got, want)
			}
		}
	}
	if checked < n {
		t.Fatalf("only %d checks; the pattern generator is broken", checked)
	}
}
