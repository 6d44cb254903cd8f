package filterpattern

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Relation says how the sets of events two patterns match relate.
type Relation int

// The zero Relation is deliberately none of these, so that a Comparison
// nobody filled in never reads as Equivalent.
const (
	// Equivalent: a and b match exactly the same events.
	Equivalent Relation = iota + 1
	// Broader: a matches every event b matches, and more.
	Broader
	// Narrower: b matches every event a matches, and more.
	Narrower
	// Different: neither contains the other (or containment could not be
	// proven; see Comparison.Proven).
	Different
)

func (r Relation) String() string {
	switch r {
	case Equivalent:
		return "equivalent"
	case Broader:
		return "broader"
	case Narrower:
		return "narrower"
	case Different:
		return "different"
	}
	return "unknown"
}

// Comparison is the result of Compare.
type Comparison struct {
	Relation Relation
	// OnlyA is an event a matches and b does not, nil if there is none.
	OnlyA []byte
	// OnlyB is an event b matches and a does not, nil if there is none.
	OnlyB []byte
	// Proven is true when Relation was decided over every case that can
	// occur. It is false only for Different answers given because
	// containment could not be decided (wildcard selectors, mixed pattern
	// kinds, patterns too large to enumerate): such an answer is on the safe
	// side for an audit, never a false "catches everything".
	Proven bool
	// Note says why the answer is not proven.
	Note string
}

// Compare parses two patterns and tells how the events they match relate,
// by meaning rather than by text.
func Compare(a, b string) (Comparison, error) {
	pa, err := Parse(a)
	if err != nil {
		return Comparison{}, fmt.Errorf("compare: first pattern: %w", err)
	}
	pb, err := Parse(b)
	if err != nil {
		return Comparison{}, fmt.Errorf("compare: second pattern: %w", err)
	}
	return CompareAST(pa, pb)
}

// CompareAST is Compare for parsed patterns.
//
// JSON patterns are decided exactly when no selector has a wildcard step:
// both are put in disjunctive normal form, every selector gets a finite set
// of witness values that covers every case the patterns can tell apart, and
// a search over those finds an event matched by one pattern and not the
// other, or proves there is none. Unstructured and regex patterns are
// decided exactly over message strings with an automaton. Every example is
// then replayed through the real matcher; if the matcher disagrees with the
// decision, CompareAST returns an error rather than a wrong verdict.
func CompareAST(a, b *Pattern) (Comparison, error) {
	if a == nil || b == nil {
		return Comparison{}, errors.New("compare: nil pattern")
	}
	ma, err := NewMatcher(a)
	if err != nil {
		return Comparison{}, fmt.Errorf("compare: first pattern: %w", err)
	}
	mb, err := NewMatcher(b)
	if err != nil {
		return Comparison{}, fmt.Errorf("compare: second pattern: %w", err)
	}
	c := &comparer{a: a, b: b, ma: ma, mb: mb}
	switch {
	case a.Kind == KindJSON && b.Kind == KindJSON:
		return c.compareJSON()
	case isText(a) && isText(b):
		return c.compareText()
	}
	return c.compareMixed()
}

func isText(p *Pattern) bool { return p.Kind == KindTerms || p.Kind == KindRegex }

type comparer struct {
	a, b   *Pattern
	ma, mb *Matcher
}

// relationOf turns "is there an event only a matches / only b matches" into
// a Relation.
func relationOf(onlyA, onlyB bool) Relation {
	switch {
	case onlyA && onlyB:
		return Different
	case onlyA:
		return Broader
	case onlyB:
		return Narrower
	}
	return Equivalent
}

// finish applies the rule for undecided searches: examples found are real,
// but without proof of containment the answer is Different.
func finish(onlyA, onlyB []byte, proven bool, note string) Comparison {
	c := Comparison{OnlyA: onlyA, OnlyB: onlyB, Proven: true}
	c.Relation = relationOf(onlyA != nil, onlyB != nil)
	if !proven && c.Relation != Different {
		c.Relation, c.Proven, c.Note = Different, false, note
	}
	return c
}

// ----- JSON patterns -----

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
	da, errA := jsonNormalForm(c.a.JSON)
	db, errB := jsonNormalForm(c.b.JSON)
	if errA != nil {
		da = nil
	}
	if errB != nil {
		db = nil
	}
	if errA == nil && errB == nil && da.String() == db.String() {
		return Comparison{Relation: Equivalent, Proven: true}, nil
	}
	sp, err := newSpace(ta, tb)
	if err != nil {
		return Comparison{}, fmt.Errorf("compare: %w", err)
	}
	ca, cb := sp.compileTree(ta), sp.compileTree(tb)
	wantA := []target{{ca, true}, {cb, false}}
	wantB := []target{{ca, false}, {cb, true}}
	asgA, foundA, fullA := sp.search(wantA, searchBudget)
	asgB, foundB, fullB := sp.search(wantB, searchBudget)
	proven := sp.exact && fullA && fullB
	note := sp.why
	if note == "" && !proven {
		note = "the patterns have too many combinations of values to examine them all"
	}

	chk := &jsonChecker{c: c, sp: sp, ta: ta, tb: tb, ca: ca, cb: cb, strict: sp.exact}
	var onlyA, onlyB []byte
	if foundA {
		sp.enrich(asgA, wantA)
		if onlyA, err = chk.example(asgA, true); err != nil {
			return Comparison{}, err
		}
	}
	if foundB {
		sp.enrich(asgB, wantB)
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

func disagreement(event []byte, what string) error {
	return fmt.Errorf("compare: internal disagreement between the normal form and the matcher on event %s: %s", event, what)
}

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

// decodedFixtures decodes cloudTrailFixtures once; the result is never
// modified.
var decodedFixtures = sync.OnceValue(func() []any {
	out := make([]any, len(cloudTrailFixtures))
	for i, ev := range cloudTrailFixtures {
		doc, ok := decodeEvent(ev)
		if !ok {
			panic(fmt.Sprintf("filterpattern: CloudTrail fixture %d is not a JSON object", i))
		}
		out[i] = doc
	}
	return out
})

// cloudTrailFixtures are small but real-shaped CloudTrail records: the cases
// every CIS 4.3 discussion turns on.
var cloudTrailFixtures = [][]byte{
	// Root API call.
	[]byte(`{"eventVersion":"1.09","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE"},"eventTime":"2026-01-02T03:04:05Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.10","userAgent":"aws-cli/2.15.0","requestParameters":null,"responseElements":null,"readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333"}`),
	// Root console sign-in.
	[]byte(`{"eventVersion":"1.09","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},"eventTime":"2026-01-02T03:04:05Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.10","userAgent":"Mozilla/5.0","requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/","MobileVersion":"No","MFAUsed":"No"},"eventType":"AwsConsoleSignIn","managementEvent":true,"recipientAccountId":"111122223333"}`),
	// Failed root sign-in.
	[]byte(`{"eventVersion":"1.09","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},"eventTime":"2026-01-02T03:04:05Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.10","errorMessage":"Failed authentication","requestParameters":null,"responseElements":{"ConsoleLogin":"Failure"},"additionalEventData":{"MFAUsed":"No"},"eventType":"AwsConsoleSignIn","managementEvent":true,"recipientAccountId":"111122223333"}`),
	// Root call made on the root user's behalf by a service.
	[]byte(`{"eventVersion":"1.09","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","invokedBy":"cloudformation.amazonaws.com"},"eventTime":"2026-01-02T03:04:05Z","eventSource":"iam.amazonaws.com","eventName":"CreateRole","awsRegion":"us-east-1","sourceIPAddress":"cloudformation.amazonaws.com","eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333"}`),
	// Service event attributed to the account root.
	[]byte(`{"eventVersion":"1.09","userIdentity":{"type":"Root","principalId":"111122223333","accountId":"111122223333"},"eventTime":"2026-01-02T03:04:05Z","eventSource":"kms.amazonaws.com","eventName":"RotateKey","awsRegion":"us-east-1","sourceIPAddress":"kms.amazonaws.com","eventType":"AwsServiceEvent","managementEvent":true,"recipientAccountId":"111122223333"}`),
	// Root event without eventType.
	[]byte(`{"userIdentity":{"type":"Root","principalId":"111122223333","accountId":"111122223333"},"eventSource":"iam.amazonaws.com","eventName":"GetAccountSummary","awsRegion":"us-east-1"}`),
	// IAM user API call, denied.
	[]byte(`{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice","sessionContext":{"attributes":{"creationDate":"2026-01-02T03:00:00Z","mfaAuthenticated":"false"}}},"eventTime":"2026-01-02T03:04:05Z","eventSource":"iam.amazonaws.com","eventName":"DeleteUserPolicy","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.10","errorCode":"AccessDenied","errorMessage":"User is not authorized","eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333"}`),
	// IAM user console sign-in without MFA.
	[]byte(`{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},"eventTime":"2026-01-02T03:04:05Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.10","responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"No"},"eventType":"AwsConsoleSignIn","managementEvent":true,"recipientAccountId":"111122223333"}`),
	// Assumed role changing a security group.
	[]byte(`{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:bob","arn":"arn:aws:sts::111122223333:assumed-role/Admin/bob","accountId":"111122223333"},"eventTime":"2026-01-02T03:04:05Z","eventSource":"ec2.amazonaws.com","eventName":"AuthorizeSecurityGroupIngress","awsRegion":"eu-west-1","sourceIPAddress":"198.51.100.7","eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333"}`),
}

// ----- unstructured and regex patterns -----

// lit is a predicate literal of a text formula.
type lit struct {
	pred int
	pos  bool
}

// textFormula is an OR of ANDs of predicate literals over the whole message.
type textFormula [][]lit

func (f textFormula) eval(vec []bool) bool {
	for _, cl := range f {
		ok := true
		for _, l := range cl {
			if vec[l.pred] != l.pos {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// textPreds collects message predicates shared by both patterns.
type textPreds struct {
	preds []strPred
	index map[string]int
	seeds []string
}

func (t *textPreds) add(re string) (int, error) {
	if i, ok := t.index[re]; ok {
		return i, nil
	}
	p, err := newStrPred(re)
	if err != nil {
		return 0, err
	}
	t.index[re] = len(t.preds)
	t.preds = append(t.preds, p)
	return len(t.preds) - 1, nil
}

func (t *textPreds) formula(p *Pattern) (textFormula, string, error) {
	switch p.Kind {
	case KindRegex:
		i, err := t.add(searchRE2(p.Regex.RE2()))
		return textFormula{{{i, true}}}, "%" + p.Regex.Source + "%", err
	case KindTerms:
		nf := termsNormalForm(p.Terms)
		var f textFormula
		for _, c := range nf {
			var cl []lit
			for _, r := range c.req {
				i, err := t.add(containsRE2(r))
				if err != nil {
					return nil, "", err
				}
				cl = append(cl, lit{i, true})
			}
			for _, e := range c.exc {
				i, err := t.add(containsRE2(e))
				if err != nil {
					return nil, "", err
				}
				cl = append(cl, lit{i, false})
			}
			f = append(f, cl)
			t.seeds = append(t.seeds, strings.Join(c.req, " "))
			for _, e := range c.exc {
				t.seeds = append(t.seeds, strings.Join(append(slices.Clone(c.req), e), " "))
			}
		}
		return f, nf.String(), nil
	}
	return nil, "", fmt.Errorf("not a text pattern: %s", p.Kind)
}

func (c *comparer) compareText() (Comparison, error) {
	tp := &textPreds{index: map[string]int{}}
	fa, nfa, err := tp.formula(c.a)
	if err != nil {
		return Comparison{}, fmt.Errorf("compare: first pattern: %w", err)
	}
	fb, nfb, err := tp.formula(c.b)
	if err != nil {
		return Comparison{}, fmt.Errorf("compare: second pattern: %w", err)
	}
	if c.a.Kind == c.b.Kind && nfa == nfb {
		return Comparison{Relation: Equivalent, Proven: true}, nil
	}
	cs, complete := cells(tp.preds, append(tp.seeds, "example log line"), true)
	var onlyA, onlyB []byte
	for _, cl := range cs {
		absA, absB := fa.eval(cl.vec), fb.eval(cl.vec)
		ev := []byte(cl.witness)
		realA, realB := c.ma.Match(ev), c.mb.Match(ev)
		if realA != absA || realB != absB {
			if complete {
				return Comparison{}, disagreement([]byte(fmt.Sprintf("%q", ev)), fmt.Sprintf(
					"normal form says first=%v second=%v, matcher says first=%v second=%v", absA, absB, realA, realB))
			}
			continue
		}
		if absA && !absB && onlyA == nil {
			onlyA = ev
		}
		if absB && !absA && onlyB == nil {
			onlyB = ev
		}
	}
	return finish(onlyA, onlyB, complete, "the strings these patterns look for are too many to enumerate"), nil
}

// ----- patterns of different kinds -----

// compareMixed handles pairs the engine cannot decide (different kinds, or
// two space-delimited patterns): identical canonical forms are equivalent;
// otherwise events generated for either side are tried on both matchers, and
// the answer is Different, proven only if both directions have an example.
func (c *comparer) compareMixed() (Comparison, error) {
	if c.a.Kind == c.b.Kind && c.a.String() == c.b.String() {
		return Comparison{Relation: Equivalent, Proven: true}, nil
	}
	var candidates [][]byte
	for _, p := range []*Pattern{c.a, c.b} {
		evs, err := candidateEvents(p)
		if err != nil {
			return Comparison{}, fmt.Errorf("compare: %w", err)
		}
		candidates = append(candidates, evs...)
	}
	candidates = append(candidates, cloudTrailFixtures...)
	var onlyA, onlyB []byte
	for _, ev := range candidates {
		realA, realB := c.ma.Match(ev), c.mb.Match(ev)
		if realA && !realB && onlyA == nil {
			onlyA = ev
		}
		if realB && !realA && onlyB == nil {
			onlyB = ev
		}
	}
	note := fmt.Sprintf("a %s pattern and a %s pattern are compared by example only", c.a.Kind, c.b.Kind)
	if c.a.Kind == c.b.Kind {
		note = fmt.Sprintf("%s patterns are compared by example only", c.a.Kind)
	}
	return finish(onlyA, onlyB, false, note), nil
}

// candidateEvents generates events that exercise p: for a JSON pattern one
// per clause and one per failed condition, for text patterns one per
// combination of its terms.
func candidateEvents(p *Pattern) ([][]byte, error) {
	switch p.Kind {
	case KindJSON:
		t, err := jsonTree(p.JSON)
		if err != nil {
			return nil, err
		}
		sp, err := newSpace(t)
		if err != nil {
			return nil, err
		}
		ct := sp.compileTree(t)
		ts := [][]target{{{ct, true}}, {{ct, false}}}
		if d, err := jsonNormalForm(p.JSON); err == nil {
			cd := sp.compile(d)
			for _, cl := range cd[:min(len(cd), maxConfirmClauses)] {
				ts = append(ts, []target{{cdnf{cl}, true}})
				for j := range cl {
					ts = append(ts, []target{{cdnf{{cl[j]}}, false}})
				}
			}
		}
		var out [][]byte
		for _, t := range ts {
			if asg, found, _ := sp.search(t, 20_000); found {
				if ev, ok := realize(sp.fields, asg); ok {
					out = append(out, ev)
				}
			}
		}
		return out, nil
	case KindTerms, KindRegex:
		tp := &textPreds{index: map[string]int{}}
		if _, _, err := tp.formula(p); err != nil {
			return nil, err
		}
		cs, _ := cells(tp.preds, tp.seeds, true)
		var out [][]byte
		for _, c := range cs {
			out = append(out, []byte(c.witness))
		}
		return out, nil
	}
	return nil, nil
}
