package cli

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzEventReader feeds arbitrary input to the pattern-test event reader:
// it must not panic or loop, and input without a CloudTrail log file must
// come out as exactly its non-empty lines. Seeds live in
// testdata/fuzz/FuzzEventReader.
func FuzzEventReader(f *testing.F) {
	f.Add("a\nb\r\n\nc")
	f.Add(`{"Records":[{"a":1},{"b":2}]}` + "\n" + `{"x":1}`)
	f.Add("{\n \"Records\": [\n{\"a\":1}\n]\n}\nz\n")
	f.Add(`{"Records":[{"a":1}]}{"Records":[]}` + " x\n")
	f.Add(`{"Records":[{"a":` + "\nnext\n")
	f.Fuzz(func(t *testing.T, in string) {
		var events [][]byte
		er, err := newEventReader(strings.NewReader(in), func(error) {})
		if err != nil {
			return // a broken gzip header
		}
		err = er.each(func(ev inputEvent) error {
			if ev.Line < 1 {
				t.Fatalf("event at line %d", ev.Line)
			}
			events = append(events, bytes.Clone(ev.Data))
			return nil
		})
		if err != nil {
			t.Fatalf("each: %v", err)
		}
		if strings.Contains(in, `"Records"`) || strings.HasPrefix(in, "\x1f\x8b") {
			return
		}
		var want [][]byte
		for _, line := range strings.Split(in, "\n") {
			if l := strings.TrimRight(line, "\r\n"); l != "" {
				want = append(want, []byte(l))
			}
		}
		if len(events) != len(want) {
			t.Fatalf("%d events, want %d lines", len(events), len(want))
		}
		for i := range want {
			if !bytes.Equal(events[i], want[i]) {
				t.Fatalf("event %d = %q, want %q", i, events[i], want[i])
			}
		}
	})
}
