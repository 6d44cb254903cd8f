package safetext

import (
	"testing"
	"unicode/utf8"
)

func TestTerminal(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain ascii is kept", "aws-cli/2.15 Python/3.11", "aws-cli/2.15 Python/3.11"},
		{"non-ascii letters are kept", "Jürgen 東京", "Jürgen 東京"},
		{"SGR colour", "\x1b[31mred\x1b[0m", "red"},
		{"cursor movement and erase", "ok\x1b[2K\x1b[1Afake line", "okfake line"},
		{"OSC title ended by BEL", "\x1b]0;pwned\x07after", "after"},
		{"OSC 8 hyperlink ended by ST", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"unterminated OSC eats the rest", "a\x1b]0;never ends", "a"},
		{"8-bit CSI", "x\u009b31my", "xy"},
		{"two-character escape", "a\x1bcb", "ab"},
		{"charset designation", "a\x1b(Bb", "ab"},
		{"lone ESC at end", "abc\x1b", "abc"},
		{"newline and CR become spaces", "line1\nline2\rover", "line1 line2 over"},
		{"tab and NUL become spaces", "a\tb\x00c", "a b c"},
		{"DEL becomes a space", "a\x7fb", "a b"},
		{"bidi override dropped", "evil\u202etxt.exe", "eviltxt.exe"},
		{"bidi isolate dropped", "a\u2066b\u2069c", "abc"},
		{"invalid utf-8 replaced", "a\xffb", "a\uFFFDb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Terminal(tt.in); got != tt.want {
				t.Errorf("Terminal(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCSVCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"=HYPERLINK(\"https://evil\",\"x\")", "'=HYPERLINK(\"https://evil\",\"x\")"},
		{"+1+1", "'+1+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tcmd", "'\tcmd"},
		{"\rcmd", "'\rcmd"},
		{"203.0.113.9", "203.0.113.9"},
		{"arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:root"},
		{"a=b", "a=b"},
	}
	for _, tt := range tests {
		if got := CSVCell(tt.in); got != tt.want {
			t.Errorf("CSVCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	row := CSVRow([]string{"ok", "=1"})
	if row[0] != "ok" || row[1] != "'=1" {
		t.Errorf("CSVRow = %q", row)
	}
}

// FuzzTerminal checks what a terminal must never see in Terminal's output,
// whatever the input: ESC, other control characters, bidi controls or
// invalid UTF-8.
func FuzzTerminal(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[31mred", "\x1b]8;;u\x1b\\t", "\u009b1m", "a\u202eb", "\xff\xfe", "\x1b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Terminal(s)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q: %q", s, out)
		}
		for _, r := range out {
			if r < 0x20 || (r >= 0x7f && r < 0xa0) || isBidiControl(r) {
				t.Fatalf("control %U left in %q (from %q)", r, out, s)
			}
		}
		if Terminal(out) != out {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, out, Terminal(out))
		}
	})
}
