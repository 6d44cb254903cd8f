package filterpattern

// The search over witness values that decides containment of JSON patterns.

// searchBudget bounds the work of one search, counted in condition
// evaluations; the CIS patterns need a few thousand. At the limit the answer
// becomes an unproven Different instead of a long wait.
const searchBudget = 20_000_000

// maxConfirmClauses bounds how many clauses of each pattern get their own
// confirmation events.
const maxConfirmClauses = 64

// space is the set of selectors of two patterns with their witness values.
type space struct {
	fields []*fieldInfo
	index  map[string]int
	exact  bool
	why    string
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
	var rec func(i int) bool
	rec = func(i int) bool {
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
		if i == n {
			_, ok := realize(sp.fields, assign)
			return ok
		}
		f := sp.fields[i]
		try := func(w int) bool {
			assign[i] = w
			if rec(i + 1) {
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
func (sp *space) enrich(assign []int, ts []target) {
	for i, f := range sp.fields {
		if assign[i] != f.missing {
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
