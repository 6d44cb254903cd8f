// Package bytesearch finds the earliest occurrence of any of a few short
// literals in a byte slice: the prefilter of scan's fast path, which must
// skip a gigabyte of CloudTrail JSON per core per second and stop only
// where a candidate literal really is.
//
// bytes.Index is fast only while the literal's first byte is rare. In
// CloudTrail JSON the 'R' of "Root" occurs every 170 bytes, so one call
// costs an IndexByte restart per false start. Here each literal is instead
// searched by a pair of its bytes at their distance apart (the "packed
// pair" of Rust's memchr; rarestPair says which), 64 positions at a time
// with AVX-512BW or 32 with AVX2 where the CPU has them, and two literals
// in the same pass. Each pair hit is verified against the whole literal,
// so results are exact; the pair only decides how often verification
// runs.
package bytesearch

import "bytes"

// Finder searches for a fixed set of literals. It is immutable and safe
// for concurrent use.
type Finder struct {
	lits  []literal
	maxLo int // the largest lo of any literal
}

// literal is one needle and the pair it is searched by: the bytes at
// offsets lo and lo+d of s, lo+d < len(s).
type literal struct {
	s      []byte
	lo, d  int
	c0, c1 byte
}

// New returns a Finder for lits. Empty literals are ignored (they would
// match everywhere, which no prefilter wants).
func New(lits [][]byte) *Finder {
	f := &Finder{}
	for _, s := range lits {
		if len(s) == 0 {
			continue
		}
		l := literal{s: append([]byte(nil), s...)}
		l.lo, l.d = rarestPair(l.s)
		l.c0, l.c1 = l.s[l.lo], l.s[l.lo+l.d]
		f.lits = append(f.lits, l)
		f.maxLo = max(f.maxLo, l.lo)
	}
	return f
}

// rarestPair returns the pair a literal is searched by, as the offset lo
// of its first byte and the distance d to the second (0 for a one-byte
// literal): the literal's rarest byte, and the rarer of the literal's two
// ends (the farther on a tie). An end, because neighbouring bytes are
// correlated: in CloudTrail "Ro" begins every "Role", while "R" three
// bytes before "t" is rare; and for a record start {"eventVersion":" the
// '{' seven bytes before the 'V' is far rarer than the closing quote,
// which "tlsVersion":" and "SignatureVersion":" also have.
func rarestPair(s []byte) (lo, d int) {
	if len(s) == 1 {
		return 0, 0
	}
	a := 0
	for i := range s {
		if rank[s[i]] < rank[s[a]] {
			a = i
		}
	}
	first, last := 0, len(s)-1
	var b int
	switch {
	case a == first:
		b = last
	case a == last:
		b = first
	case rank[s[first]] < rank[s[last]]:
		b = first
	case rank[s[last]] < rank[s[first]]:
		b = last
	case a-first >= last-a:
		b = first
	default:
		b = last
	}
	if a > b {
		a, b = b, a
	}
	return a, b - a
}

// Index returns the offset in b of the earliest occurrence of any of the
// Finder's literals, or -1.
func (f *Finder) Index(b []byte) int {
	best := -1
	for g := 0; g < len(f.lits); g += 2 {
		x := &f.lits[g]
		y := x
		if g+1 < len(f.lits) {
			y = &f.lits[g+1]
		}
		lim := b
		if best >= 0 {
			// Only an earlier start can improve on best.
			lim = b[:min(len(b), best+max(len(x.s), len(y.s))-1)]
		}
		if i := f.indexPair(lim, x, y); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	return best
}

// indexPair returns the earliest start of x or y in b, or -1.
func (f *Finder) indexPair(b []byte, x, y *literal) int {
	if !haveVector {
		return indexEach(b, x, y)
	}
	for q := 0; q < len(b); {
		h := nextPair(b, q, x, y)
		if h < 0 {
			return -1
		}
		// Both may occur here, the one with the larger lo starting
		// earlier.
		s := x.verify(b, h)
		if t := y.verify(b, h); t >= 0 && (s < 0 || t < s) {
			s = t
		}
		if s >= 0 {
			return f.settle(b, h, s, x, y)
		}
		q = h + 1
	}
	return -1
}

// settle returns the earliest start given a verified start s found at
// pair position h: a literal starting before s has its pair after h only
// if its lo is larger, so at most maxLo more positions need a look.
func (f *Finder) settle(b []byte, h, s int, x, y *literal) int {
	for q := h + 1; q <= s+f.maxLo && q < len(b); q++ {
		for _, l := range [2]*literal{x, y} {
			if l.pairAt(b, q) {
				if t := l.verify(b, q); t >= 0 && t < s {
					s = t
				}
			}
		}
	}
	return s
}

// nextPair returns the first position at or after from where x's or y's
// pair occurs, or -1.
func nextPair(b []byte, from int, x, y *literal) int {
	// The vector kernel looks at positions whose pair bytes both lie in
	// b; the last few, where only the shorter pair fits, are done here.
	n := len(b) - max(x.d, y.d) - from
	if n >= 32 {
		if i := pairIndex(&b[from], n, x.c0, x.c1, x.d, y.c0, y.c1, y.d); i >= 0 {
			return from + i
		}
		from += n &^ 31
	}
	for q := from; q < len(b); q++ {
		if x.pairAt(b, q) || y.pairAt(b, q) {
			return q
		}
	}
	return -1
}

func (l *literal) pairAt(b []byte, q int) bool {
	return q+l.d < len(b) && b[q] == l.c0 && b[q+l.d] == l.c1
}

// verify returns the start of l if its pair at q is part of a whole
// occurrence of l, or -1.
func (l *literal) verify(b []byte, q int) int {
	s := q - l.lo
	if s < 0 || s+len(l.s) > len(b) || !l.pairAt(b, q) || !bytes.Equal(b[s:s+len(l.s)], l.s) {
		return -1
	}
	return s
}

// indexEach is the portable path: one bytes.Index per literal.
func indexEach(b []byte, x, y *literal) int {
	i := bytes.Index(b, x.s)
	if y != x {
		if j := bytes.Index(b, y.s); j >= 0 && (i < 0 || j < i) {
			i = j
		}
	}
	return i
}
