package filterpattern

import (
	"slices"
	"strings"
)

// The search over witness values that decides containment of JSON patterns.

// searchBudget bounds the work of one search, counted in condition
// evaluations; the CIS patterns need a few thousand. At the limit the answer
// becomes an unproven Different instead of a long wait.
const searchBudget = 5_000_000

// maxConfirmClauses bounds how many clauses of each pattern get their own
// confirmation events.
const maxConfirmClauses = 64

// space is the set of selectors of two patterns with their witness values.
type space struct {
	fields []*fieldInfo
	index  map[string]int
	exact  bool
	why    string
	// order is the search order of the fields: by canonical path, so that
	// a parent comes before its children and array elements in index order,
	// and structural conflicts are caught early. fields keeps the order of
	// appearance, which is the key order of example events.
	order []int
	// links[i] are the structural constraints between field i and the
	// fields before it in search order, checked as soon as i gets a value.
	links [][]link
}

// link is a structural constraint between two fields: an ancestor must be
// an object (or array) for a descendant to be present, and array element
// k present needs element j < k present.
type link struct {
	other int
	// anc: other is an ancestor of this field and must be a container of
	// kind want whenever this field is present. desc: the reverse.
	// before: other is element j of an array whose later element (or its
	// content) is this field; after: the reverse.
	rel  linkRel
	want wkind
}

type linkRel uint8

const (
	relAnc linkRel = iota + 1
	relDesc
	relBefore
	relAfter
)

// buildLinks precomputes the constraints between every pair of fields.
func (sp *space) buildLinks() {
	sp.order = make([]int, len(sp.fields))
	for i := range sp.order {
		sp.order[i] = i
	}
	slices.SortStableFunc(sp.order, func(a, b int) int { return strings.Compare(sp.fields[a].path, sp.fields[b].path) })
	sp.links = make([][]link, len(sp.fields))
	for oi, i := range sp.order {
		fi := sp.fields[i]
		for _, j := range sp.order[:oi] {
			fj := sp.fields[j]
			if r, want, ok := ancestry(fj.steps, fi.steps); ok {
				sp.links[i] = append(sp.links[i], link{other: j, rel: r, want: want})
				continue
			}
			if r, want, ok := ancestry(fi.steps, fj.steps); ok {
				// The same relation seen from the other side.
				if r == relAnc {
					r = relDesc
				} else {
					r = relAfter
				}
				sp.links[i] = append(sp.links[i], link{other: j, rel: r, want: want})
			}
		}
	}
}

// ancestry relates field a to field b: relAnc (want = container kind) when
// a is a proper prefix of b; relBefore when a is exactly element j of an
// array and b lies in a later element of the same array.
func ancestry(a, b []Step) (linkRel, wkind, bool) {
	if len(a) < len(b) && stepsEqual(a, b[:len(a)]) {
		if b[len(a)].Kind == StepIndex {
			return relAnc, wArray, true
		}
		return relAnc, wObject, true
	}
	if len(a) == 0 || len(a) > len(b) {
		return 0, 0, false
	}
	last := a[len(a)-1]
	at := b[len(a)-1]
	if last.Kind == StepIndex && at.Kind == StepIndex && at.Index > last.Index && stepsEqual(a[:len(a)-1], b[:len(a)-1]) {
		return relBefore, 0, true
	}
	return 0, 0, false
}

// consistent reports whether field i's value fits the values of the fields
// before it.
func (sp *space) consistent(i int, assign []int) bool {
	vi := sp.fields[i].wit[assign[i]]
	for _, l := range sp.links[i] {
		vo := sp.fields[l.other].wit[assign[l.other]]
		switch l.rel {
		case relAnc: // other is i's ancestor
			if vi.kind != wMissing && vo.kind != l.want {
				return false
			}
		case relDesc: // other is i's descendant
			if vo.kind != wMissing && vi.kind != l.want {
				return false
			}
		case relBefore: // other is an earlier element, i lies in a later one
			if vi.kind != wMissing && vo.kind == wMissing {
				return false
			}
		case relAfter: // i is an earlier element, other lies in a later one
			if vo.kind != wMissing && vi.kind == wMissing {
				return false
			}
		}
	}
	return true
}

func newSpace(trees ...*nfTree) (*space, error) {
	sp := &space{index: map[string]int{}, exact: true}
	seen := map[string]bool{}
	for _, t := range trees {
		t.eachAtom(func(a nfAtom) {
			i, ok := sp.index[a.path]
			if !ok {
				i = len(sp.fields)
				sp.index[a.path] = i
				sp.fields = append(sp.fields, &fieldInfo{path: a.path, steps: a.steps})
			}
			if !seen[a.key] {
				seen[a.key] = true
				sp.fields[i].atoms = append(sp.fields[i].atoms, a)
			}
		})
	}
	sp.buildLinks()
	for _, f := range sp.fields {
		if err := f.buildWitnesses(); err != nil {
			return nil, err
		}
		if !f.exact && sp.exact {
			sp.exact, sp.why = false, f.inexactW
		}
	}
	return sp, nil
}

// catom is an atom with its truth value precomputed for every witness of its
// field.
type catom struct {
	field int
	tab   []bool
}

type cdnf [][]catom

func (sp *space) compileAtom(a nfAtom) catom {
	f := sp.index[a.path]
	tab := make([]bool, len(sp.fields[f].wit))
	for w, v := range sp.fields[f].wit {
		tab[w] = evalAtom(a, v)
	}
	return catom{field: f, tab: tab}
}

func (sp *space) compile(d nfDNF) cdnf {
	out := make(cdnf, len(d))
	for i, cl := range d {
		for _, a := range cl {
			out[i] = append(out[i], sp.compileAtom(a))
		}
	}
	return out
}

// ctree is an nfTree with compiled atoms.
type ctree struct {
	op   LogicalOp
	l, r *ctree
	a    catom
	n    int // atoms below
}

func (sp *space) compileTree(t *nfTree) *ctree {
	if t.op == 0 {
		return &ctree{a: sp.compileAtom(t.atom), n: 1}
	}
	l, r := sp.compileTree(t.l), sp.compileTree(t.r)
	return &ctree{op: t.op, l: l, r: r, n: l.n + r.n}
}

func (t *ctree) eval(assign []int) tri {
	switch t.op {
	case OpAnd:
		l := t.l.eval(assign)
		if l == triFalse {
			return triFalse
		}
		r := t.r.eval(assign)
		if r == triFalse {
			return triFalse
		}
		if l == triTrue && r == triTrue {
			return triTrue
		}
		return triUnknown
	case OpOr:
		l := t.l.eval(assign)
		if l == triTrue {
			return triTrue
		}
		r := t.r.eval(assign)
		if r == triTrue {
			return triTrue
		}
		if l == triFalse && r == triFalse {
			return triFalse
		}
		return triUnknown
	}
	w := assign[t.a.field]
	switch {
	case w < 0:
		return triUnknown
	case t.a.tab[w]:
		return triTrue
	}
	return triFalse
}

func (t *ctree) size() int { return t.n }

// evaler is a compiled condition the search can evaluate on a partial
// assignment.
type evaler interface {
	eval(assign []int) tri
	size() int
}

func holds(e evaler, assign []int) bool { return e.eval(assign) == triTrue }

// tri is a three-valued truth: decided true, decided false, or not yet known
// because some field has no value yet.
type tri int8

const (
	triUnknown tri = iota
	triTrue
	triFalse
)

func (d cdnf) eval(assign []int) tri {
	res := triFalse
	for _, cl := range d {
		st := triTrue
		for _, a := range cl {
			w := assign[a.field]
			if w < 0 {
				st = triUnknown
				continue
			}
			if !a.tab[w] {
				st = triFalse
				break
			}
		}
		switch st {
		case triTrue:
			return triTrue
		case triUnknown:
			res = triUnknown
		}
	}
	return res
}

func (d cdnf) size() int {
	n := 0
	for _, cl := range d {
		n += len(cl)
	}
	return n
}

type target struct {
	d    evaler
	want bool
}

// search looks for an assignment of witness values, realizable as a JSON
// event, under which every target has its wanted truth value. complete is
// false when the budget ran out before the search space was exhausted.
func (sp *space) search(ts []target, budget int) (assign []int, found, complete bool) {
	n := len(sp.fields)
	assign = make([]int, n)
	for i := range assign {
		assign[i] = -1
	}
	cost := 1
	for _, t := range ts {
		cost += t.d.size()
	}
	nodes := 0
	var rec func(d int) bool // d: how many fields (in search order) have values
	rec = func(d int) bool {
		nodes += cost
		if nodes > budget {
			return false
		}
		for _, t := range ts {
			switch t.d.eval(assign) {
			case triTrue:
				if !t.want {
					return false
				}
			case triFalse:
				if t.want {
					return false
				}
			}
		}
		if d == n {
			_, ok := realize(sp.fields, assign)
			return ok
		}
		i := sp.order[d]
		f := sp.fields[i]
		try := func(w int) bool {
			assign[i] = w
			if sp.consistent(i, assign) && rec(d+1) {
				return true
			}
			assign[i] = -1
			return false
		}
		// Leaving a field out of the event comes first: it keeps examples
		// small and shows the missing-field cases AWS is strict about.
		if try(f.missing) {
			return true
		}
		for w := range f.wit {
			if w == f.missing {
				continue
			}
			if try(w) {
				return true
			}
			if nodes > budget {
				return false
			}
		}
		return false
	}
	found = rec(0)
	return assign, found, found || nodes <= budget
}

// enrich fills fields the search left out of an example with the first
// string value that keeps every target, so that examples read like real
// records (a root call made through a service rather than "{}") while still
// telling the patterns apart. A field whose absence is the point stays out.
func (sp *space) enrich(assign []int, ts []target, named map[string]bool) {
	for i, f := range sp.fields {
		// Members a wildcard was expanded into stay out unless needed.
		if assign[i] != f.missing || !named[f.path] {
			continue
		}
		for w, v := range f.wit {
			if v.kind != wString {
				continue
			}
			assign[i] = w
			ok := true
			for _, t := range ts {
				if holds(t.d, assign) != t.want {
					ok = false
					break
				}
			}
			if ok {
				if _, ok = realize(sp.fields, assign); ok {
					break
				}
			}
			assign[i] = f.missing
		}
	}
}
