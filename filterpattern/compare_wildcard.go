package filterpattern

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// Wildcard selectors ($.resources[*].type, $.userIdentity.*) hold when some
// element or member satisfies the condition. Compare turns them into
// concrete selectors before the search, so that they are decided exactly
// like the rest:
//
//   - the members are every element or member a concrete selector of either
//     pattern names (for arrays, every index up to the highest one, since the
//     elements before it exist too), plus n anonymous ones after them;
//   - "P[*].Q op v" becomes the OR of "P[m].Q op v" over the members, and
//     "P[*].Q NOT EXISTS" the AND of "P[m].Q NOT EXISTS".
//
// n is one more than the number of distinct conditions on wildcards under
// P. That is enough: take an event that one pattern matches and the other
// does not. Keep the members that witness the first pattern's true
// conditions, and one member that carries Q if the second pattern has a
// false NOT EXISTS. Drop every other anonymous member: existential
// conditions only become false, true NOT EXISTS conditions stay true, and
// nothing else changes. The result is still such an event and has at most n
// anonymous members (array elements slide down to fill the gaps, which no
// concrete selector sees because they sit beyond its indexes).

// maxWildMembers bounds the members one wildcard is expanded into; a
// pattern beyond it keeps its wildcards and gets an unproven answer.
const maxWildMembers = 12

type wildGroup struct {
	prefix []Step
	kind   StepKind // StepAnyIndex or StepAnyField
}

// expandWildcards rewrites the trees' wildcard conditions as described
// above. ok is false (with the reason) when a wildcard would need too many
// members; the trees are then returned unchanged.
func expandWildcards(trees []*nfTree) (out []*nfTree, ok bool, why string) {
	var groups []wildGroup
	seen := map[string]bool{}
	for _, t := range trees {
		t.eachAtom(func(a nfAtom) {
			for i, s := range a.steps {
				if isWildcardStep(s) {
					g := wildGroup{prefix: a.steps[:i], kind: s.Kind}
					k := canonicalPath(a.steps[:i+1])
					if !seen[k] {
						seen[k] = true
						groups = append(groups, g)
					}
				}
			}
		})
	}
	if len(groups) == 0 {
		return trees, true, ""
	}
	// Shorter prefixes first: expanding $.a[*].b names elements of $.a that
	// a longer prefix such as $.a[0].* then sees as concrete.
	slices.SortStableFunc(groups, func(x, y wildGroup) int { return len(x.prefix) - len(y.prefix) })
	out = trees
	for _, g := range groups {
		members, err := g.members(out)
		if err != nil {
			return trees, false, err.Error()
		}
		next := make([]*nfTree, len(out))
		for i, t := range out {
			next[i] = g.rewrite(t, members)
		}
		out = next
	}
	return out, true, ""
}

// inGroup reports whether steps are P followed by g's wildcard.
func (g wildGroup) inGroup(steps []Step) bool {
	return len(steps) > len(g.prefix) && steps[len(g.prefix)].Kind == g.kind && stepsEqual(steps[:len(g.prefix)], g.prefix)
}

func stepsEqual(a, b []Step) bool {
	return slices.EqualFunc(a, b, func(x, y Step) bool {
		return x.Kind == y.Kind && x.Name == y.Name && x.Index == y.Index
	})
}

// members lists the concrete steps the wildcard stands for.
func (g wildGroup) members(trees []*nfTree) ([]Step, error) {
	conds := map[string]bool{}
	maxIndex := -1
	keys := map[string]bool{}
	for _, t := range trees {
		t.eachAtom(func(a nfAtom) {
			if g.inGroup(a.steps) {
				conds[a.key] = true
				return
			}
			if len(a.steps) <= len(g.prefix) || !stepsEqual(a.steps[:len(g.prefix)], g.prefix) {
				return
			}
			switch s := a.steps[len(g.prefix)]; {
			case g.kind == StepAnyIndex && s.Kind == StepIndex:
				maxIndex = max(maxIndex, s.Index)
			case g.kind == StepAnyField && s.Kind == StepField:
				keys[s.Name] = true
			}
		})
	}
	anon := len(conds) + 1
	var out []Step
	if g.kind == StepAnyIndex {
		if maxIndex+1+anon > maxWildMembers {
			return nil, fmt.Errorf("wildcard selector %s[*] would stand for more than %d elements", canonicalPath(g.prefix), maxWildMembers)
		}
		for i := 0; i <= maxIndex+anon; i++ {
			out = append(out, Step{Kind: StepIndex, Index: i})
		}
		return out, nil
	}
	if len(keys)+anon > maxWildMembers {
		return nil, fmt.Errorf("wildcard selector %s.* would stand for more than %d members", canonicalPath(g.prefix), maxWildMembers)
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		out = append(out, Step{Kind: StepField, Name: k})
	}
	for i, n := 1, 0; n < anon; i++ {
		k := "member" + strconv.Itoa(i)
		if !keys[k] {
			out = append(out, Step{Kind: StepField, Name: k})
			n++
		}
	}
	return out, nil
}

// rewrite replaces every condition on g's wildcard by its expansion.
func (g wildGroup) rewrite(t *nfTree, members []Step) *nfTree {
	if t.op != 0 {
		return &nfTree{op: t.op, l: g.rewrite(t.l, members), r: g.rewrite(t.r, members)}
	}
	a := t.atom
	if !g.inGroup(a.steps) {
		return t
	}
	join := OpOr
	if a.op == OpNotExists {
		join = OpAnd
	}
	var out *nfTree
	for _, m := range members {
		steps := slices.Concat(g.prefix, []Step{m}, a.steps[len(g.prefix)+1:])
		leaf := &nfTree{atom: newAtom(steps, a.op, a.val)}
		if out == nil {
			out = leaf
		} else {
			out = &nfTree{op: join, l: out, r: leaf}
		}
	}
	return out
}
