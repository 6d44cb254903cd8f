package bytesearch

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// reference is what Index must equal: the earliest bytes.Index.
func reference(b []byte, lits [][]byte) int {
	best := -1
	for _, l := range lits {
		if len(l) == 0 {
			continue
		}
		if i := bytes.Index(b, l); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	return best
}

func TestIndex(t *testing.T) {
	long := strings.Repeat(`{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/Ro"}}`+"\n", 40)
	tests := []struct {
		name string
		text string
		lits []string
	}{
		{"absent", long, []string{"Root", `\u`}},
		{"at start", "Root" + long, []string{"Root", `\u`}},
		{"at end", long + "Root", []string{"Root", `\u`}},
		{"cut at end", long + "Roo", []string{"Root"}},
		{"escape first", long + `\u0052oot Root`, []string{"Root", `\u`}},
		{"second literal earlier", long + `xx\uRoot`, []string{"Root", `\u`}},
		{"short input", "aRoot", []string{"Root"}},
		{"empty input", "", []string{"Root"}},
		{"one-byte literal", long + "#", []string{"#"}},
		{"three literals", long + "ConsoleLogin Root", []string{"Root", "ConsoleLogin", `\u`}},
		{"overlapping candidates", strings.Repeat("R", 100) + "RRRoot", []string{"Root"}},
		{"same literal twice", long + "Root", []string{"Root", "Root"}},
		{"empty literal ignored", long + "Root", []string{"", "Root"}},
		{"earlier start, later pair", long + "xyzAB..Q", []string{"xyzAB..Q", "B..Q"}},
		// Both searched by the pair Q, e two bytes later, found at the
		// same position; "eQee" starts a byte before "Qee".
		{"same pair, second starts earlier", long + "xeQee", []string{"Qee", "eQee"}},
		{"same pair, first starts earlier", long + "xeQee", []string{"eQee", "Qee"}},
	}
	for _, tt := range tests {
		lits := make([][]byte, len(tt.lits))
		for i, l := range tt.lits {
			lits[i] = []byte(l)
		}
		f := New(lits)
		for _, vec := range vectorModes() {
			t.Run(tt.name+vec.name, func(t *testing.T) {
				defer vec.set()()
				for cut := 0; cut <= 70 && cut <= len(tt.text); cut += 7 {
					b := []byte(tt.text[cut:])
					if got, want := f.Index(b), reference(b, lits); got != want {
						t.Fatalf("from %d: Index = %d, want %d", cut, got, want)
					}
				}
			})
		}
	}
}

// TestIndexRandom compares against bytes.Index on text dense with the
// pair bytes, so hits, false pairs and block edges all occur.
func TestIndexRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// A rich alphabet for varied pairs; a poor one so that two literals
	// often share a pair at different offsets.
	for _, alphabet := range [][]byte{[]byte(`Root\u"ab`), []byte("Qe")} {
		for _, vec := range vectorModes() {
			t.Run(string(alphabet)+vec.name, func(t *testing.T) {
				defer vec.set()()
				for range 3000 {
					b := make([]byte, rng.IntN(300))
					for i := range b {
						b[i] = alphabet[rng.IntN(len(alphabet))]
						if rng.IntN(4) > 0 {
							b[i] = 'x'
						}
					}
					var lits [][]byte
					for range 1 + rng.IntN(3) {
						l := make([]byte, 1+rng.IntN(5))
						for i := range l {
							l[i] = alphabet[rng.IntN(len(alphabet))]
						}
						lits = append(lits, l)
					}
					if got, want := New(lits).Index(b), reference(b, lits); got != want {
						t.Fatalf("Index(%q, %q) = %d, want %d", b, lits, got, want)
					}
				}
			})
		}
	}
}

func TestRarestPair(t *testing.T) {
	tests := []struct {
		lit   string
		lo, d int
	}{
		{"Root", 0, 3},    // 'R' and 't' (o is commoner than t? no: rank decides)
		{`\u`, 0, 1},      // both bytes
		{"x", 0, 0},       // one byte pairs with itself
		{"aaaZaaQ", 3, 3}, // the two upper-case letters
	}
	for _, tt := range tests {
		lo, d := rarestPair([]byte(tt.lit))
		if lo != tt.lo || d != tt.d {
			t.Errorf("rarestPair(%q) = %d, %d; want %d, %d", tt.lit, lo, d, tt.lo, tt.d)
		}
	}
}

func FuzzIndex(f *testing.F) {
	f.Add([]byte(`{"type":"Root"}`), []byte("Root"), []byte(`\u`))
	f.Add([]byte(`\u0052oot`), []byte("Root"), []byte(`\u`))
	f.Add(bytes.Repeat([]byte("Ro"), 40), []byte("Root"), []byte("oR"))
	f.Fuzz(func(t *testing.T, b, x, y []byte) {
		lits := [][]byte{x, y}
		for _, vec := range vectorModes() {
			restore := vec.set()
			got, want := New(lits).Index(b), reference(b, lits)
			restore()
			if got != want {
				t.Fatalf("%s: Index(%q, %q) = %d, want %d", vec.name, b, lits, got, want)
			}
		}
	})
}

type vectorMode struct {
	name string
	set  func() (restore func())
}

// vectorModes runs a test with the portable path and with each vector
// kernel the CPU has.
func vectorModes() []vectorMode {
	modes := []vectorMode{{"/portable", func() func() { return setKernels(false, false) }}}
	if haveVector {
		modes = append(modes, vectorMode{"/avx2", func() func() { return setKernels(true, false) }})
	}
	if have512 {
		modes = append(modes, vectorMode{"/avx512", func() func() { return setKernels(true, true) }})
	}
	return modes
}
