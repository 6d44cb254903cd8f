package filterpattern

import (
	"fmt"
	"slices"
)

// Deciding two JSON patterns: search the witness space, then confirm.

func (c *comparer) compareJSON() (Comparison, error) {
	ta, err := jsonTree(c.a.JSON)
	if err != nil {
		return Comparison{}, fmt.Errorf("compare: first pattern: %w", err)
	}
	tb, err := jsonTree(c.b.JSON)
	if err != nil {
		return Comparison{}, fmt.Errorf("compare: second pattern: %w", err)
	}
	// The DNF is optional: a pattern too large to expand is still searched,
	// it only loses the shortcut and the per-clause confirmation events.
	// treeNormalForm returns a nil DNF with its error.
	da, errA := treeNormalForm(ta)
	db, errB := treeNormalForm(tb)
	if errA == nil && errB == nil && da.String() == db.String() {
		return Comparison{Relation: Equivalent, Proven: true}, nil
	}
	// The search runs on the patterns with wildcard selectors expanded into
	// concrete ones; the event evaluator keeps the originals, so the two
	// check each other.
	search := []*nfTree{ta, tb}
	expanded, ok, why := expandWildcards(search)
	if ok {
		search = expanded
		da, _ = treeNormalForm(search[0])
		db, _ = treeNormalForm(search[1])
	}
	sp, err := newSpace(search...)
	if err != nil {
		return Comparison{}, fmt.Errorf("compare: %w", err)
	}
	if !ok {
		sp.exact, sp.why = false, why
	}
	ca, cb := sp.compileTree(search[0]), sp.compileTree(search[1])
	wantA := []target{{ca, true}, {cb, false}}
	wantB := []target{{ca, false}, {cb, true}}
	asgA, foundA, fullA := sp.search(wantA, searchBudget)
	asgB, foundB, fullB := sp.search(wantB, searchBudget)
	proven := sp.exact && fullA && fullB
	note := sp.why
	if note == "" && !proven {
		note = "the patterns have too many combinations of values to examine them all"
	}

	named := map[string]bool{}
	for _, t := range []*nfTree{ta, tb} {
		t.eachAtom(func(a nfAtom) { named[a.path] = true })
	}
	chk := &jsonChecker{c: c, sp: sp, ta: ta, tb: tb, ca: ca, cb: cb, strict: sp.exact}
	var onlyA, onlyB []byte
	if foundA {
		sp.enrich(asgA, wantA, named)
		if onlyA, err = chk.example(asgA, true); err != nil {
			return Comparison{}, err
		}
	}
	if foundB {
		sp.enrich(asgB, wantB, named)
		if onlyB, err = chk.example(asgB, false); err != nil {
			return Comparison{}, err
		}
	}
	for _, d := range []nfDNF{da, db} {
		if err := chk.confirm(sp.compile(d)); err != nil {
			return Comparison{}, err
		}
	}
	// Realistic CloudTrail records are a second, independent check, and a
	// source of examples when the search could not finish.
	fixA, fixB, err := chk.fixtureHits()
	if err != nil {
		return Comparison{}, err
	}
	if fixA != nil && onlyA == nil {
		if proven {
			return Comparison{}, disagreement(fixA, "the search found no event only the first pattern matches")
		}
		onlyA = fixA
	}
	if fixB != nil && onlyB == nil {
		if proven {
			return Comparison{}, disagreement(fixB, "the search found no event only the second pattern matches")
		}
		onlyB = fixB
	}
	return finish(onlyA, onlyB, proven, note), nil
}

// jsonChecker replays generated events through the real matcher and through
// the normal-form evaluator and insists that they agree with the decision.
type jsonChecker struct {
	c      *comparer
	sp     *space
	ta, tb *nfTree
	ca, cb *ctree
	strict bool // the decision claims to be exact: any disagreement is an error
}

// check evaluates one assignment three ways; ok reports agreement.
func (k *jsonChecker) check(assign []int) (event []byte, realA, realB bool, err error) {
	ev, ok := realize(k.sp.fields, assign)
	if !ok {
		return nil, false, false, fmt.Errorf("compare: internal error: unrealizable assignment")
	}
	absA, absB := holds(k.ca, assign), holds(k.cb, assign)
	realA, realB = k.c.ma.Match(ev), k.c.mb.Match(ev)
	ownA, ownB := evalTreeOnEvent(k.ta, ev), evalTreeOnEvent(k.tb, ev)
	if k.strict && (absA != realA || absB != realB || ownA != absA || ownB != absB) {
		return ev, realA, realB, disagreement(ev, fmt.Sprintf(
			"normal form says first=%v second=%v, event evaluator says first=%v second=%v, matcher says first=%v second=%v",
			absA, absB, ownA, ownB, realA, realB))
	}
	return ev, realA, realB, nil
}

// example realizes an OnlyA (onlyA=true) or OnlyB assignment and confirms
// it with the matcher. Outside strict mode an unconfirmed example is
// dropped: only events the matcher agrees with are ever reported.
func (k *jsonChecker) example(assign []int, onlyA bool) ([]byte, error) {
	ev, realA, realB, err := k.check(assign)
	if err != nil {
		return nil, err
	}
	if realA == onlyA && realB == !onlyA {
		return ev, nil
	}
	if k.strict {
		return nil, disagreement(ev, "the matcher does not confirm the example")
	}
	return nil, nil
}

// confirm evaluates a generated set of events: one satisfying each clause of
// a pattern's DNF, and for each of its conditions one where only that
// condition fails.
func (k *jsonChecker) confirm(d cdnf) error {
	for _, cl := range d[:min(len(d), maxConfirmClauses)] {
		ts := [][]target{{{cdnf{cl}, true}}}
		for j := range cl {
			rest := slices.Delete(slices.Clone(cl), j, j+1)
			ts = append(ts, []target{{cdnf{rest}, true}, {cdnf{{cl[j]}}, false}})
		}
		for _, t := range ts {
			asg, found, _ := k.sp.search(t, 20_000)
			if !found {
				continue
			}
			if _, _, _, err := k.check(asg); err != nil {
				return err
			}
		}
	}
	return nil
}

// fixtureHits returns the first realistic CloudTrail record only the first
// pattern matches and the first only the second matches, checking along the
// way that the normal-form evaluator agrees with the matcher on each.
func (k *jsonChecker) fixtureHits() (onlyA, onlyB []byte, err error) {
	for i, doc := range decodedFixtures() {
		ev := cloudTrailFixtures[i]
		realA, realB := k.c.ma.Match(ev), k.c.mb.Match(ev)
		if k.strict && (realA != evalTreeOnDoc(k.ta, doc) || realB != evalTreeOnDoc(k.tb, doc)) {
			return nil, nil, disagreement(ev, "the event evaluator and the matcher disagree on a CloudTrail record")
		}
		if realA && !realB && onlyA == nil {
			onlyA = ev
		}
		if realB && !realA && onlyB == nil {
			onlyB = ev
		}
	}
	return onlyA, onlyB, nil
}
