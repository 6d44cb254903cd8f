package filterpattern

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Event generation for Compare: the finite set of values each selector is
// tried with, and the JSON event an assignment of values stands for.

// wkind is what a selector resolves to in an event.
type wkind uint8

const (
	wMissing wkind = iota
	wNull
	wTrue
	wFalse
	wNumber
	wString
	wObject
	wArray
)

// wval is one witness value: a representative of every value a selector can
// have that the patterns cannot tell apart.
type wval struct {
	kind wkind
	text string // wString: the string; wNumber: the JSON number text
}

func (v wval) String() string {
	switch v.kind {
	case wMissing:
		return "(missing)"
	case wNull:
		return "null"
	case wTrue:
		return "true"
	case wFalse:
		return "false"
	case wNumber:
		return v.text
	case wString:
		return strconv.Quote(v.text)
	case wObject:
		return "{}"
	case wArray:
		return "[]"
	}
	return "?"
}

// jsonNumberRE2 is the JSON number grammar. Cells of a field's string
// predicates that also satisfy it give the number witnesses, so a glob such
// as 4* that the matcher applies to a number's text is covered too.
const jsonNumberRE2 = `-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?`

// jsonNumberText matches a whole string that is a JSON number.
var jsonNumberText = regexp.MustCompile(`^` + jsonNumberRE2 + `$`)

// fieldInfo gathers everything both patterns say about one selector.
type fieldInfo struct {
	path     string
	steps    []Step
	atoms    []nfAtom // distinct by key
	wit      []wval
	missing  int // index of the wMissing witness
	exact    bool
	inexactW string // why the witnesses may not cover every case
}

// buildWitnesses fills f.wit with one value per class of values the field's
// atoms cannot tell apart, realistic ones first.
func (f *fieldInfo) buildWitnesses() error {
	f.exact = true
	if hasWildcardStep(f.steps) {
		f.exact, f.inexactW = false, "selector "+f.path+" has a wildcard step"
	}
	for _, s := range f.steps {
		if s.Kind == StepIndex && s.Index > maxRealizeIndex {
			f.exact, f.inexactW = false, "selector "+f.path+" indexes beyond element "+strconv.Itoa(maxRealizeIndex)
		}
	}
	var predSrc []string // whole-subject regexps of the string and regex values
	var nums []float64
	var seeds []string
	hasStrAtom, hasNumAtom := false, false
	allLiteral, literals := true, map[string]bool{}
	for _, a := range f.atoms {
		switch a.val.Kind {
		case ValueString:
			predSrc = append(predSrc, globRE2(a.val.Str))
			if strings.Contains(a.val.Str, "*") {
				allLiteral = false
			} else {
				literals[a.val.Str] = true
			}
			seeds = append(seeds, strings.ReplaceAll(a.val.Str, "*", ""))
			if a.val.Str != "*" {
				hasStrAtom = true
				seeds = append(seeds, strings.ReplaceAll(a.val.Str, "*", "Example"))
			}
		case ValueRegex:
			if a.val.Regex == nil {
				return fmt.Errorf("regex value without a regex in %s", a.key)
			}
			predSrc = append(predSrc, searchRE2(a.val.Regex.RE2()))
			hasStrAtom, allLiteral = true, false
		case ValueNumber:
			nums = append(nums, a.val.Num)
			hasNumAtom = true
		}
	}
	if hasStrAtom && hasNumAtom {
		f.exact, f.inexactW = false, "selector "+f.path+" is compared both with numbers and with strings"
	}
	seeds = append(cloudTrailSeeds(f.path), seeds...)
	seeds = append(seeds, "example")

	seenStr := map[string]bool{}
	seenNum := map[string]bool{}
	addStr := func(s string) {
		if !seenStr[s] {
			seenStr[s] = true
			f.wit = append(f.wit, wval{kind: wString, text: s})
		}
	}
	var numTexts []string
	addNum := func(t string) {
		if !seenNum[t] {
			seenNum[t] = true
			numTexts = append(numTexts, t)
		}
	}
	switch {
	case len(predSrc) > 0 && allLiteral:
		// Plain values only: the cells are each value and "none of them",
		// for strings and for number texts; no automaton needed.
		cell := func(s string) string {
			if literals[s] {
				return "=" + s
			}
			return ""
		}
		seenCell := map[string]bool{}
		for _, sd := range seeds {
			if c := cell(sd); !seenCell[c] {
				seenCell[c] = true
				addStr(sd)
			}
		}
		for _, lit := range slices.Sorted(maps.Keys(literals)) {
			if !seenCell["="+lit] {
				addStr(lit)
			}
			if jsonNumberText.MatchString(lit) {
				addNum(lit)
			}
		}
		if !seenCell[""] {
			addStr(unusedText(literals, "x"))
		}
		addNum(unusedText(literals, "1"))
	case len(predSrc) > 0:
		// The last predicate is "is a JSON number": its cells give the
		// numbers whose text the string values tell apart.
		preds := make([]strPred, 0, len(predSrc)+1)
		for _, src := range append(predSrc, jsonNumberRE2) {
			p, err := newStrPred(src)
			if err != nil {
				return err
			}
			preds = append(preds, p)
		}
		cs, complete := cells(preds, seeds, false)
		if !complete {
			f.exact, f.inexactW = false, "the strings compared with "+f.path+" are too many to enumerate"
		}
		for _, c := range cs {
			addStr(c.witness)
			if c.vec[len(preds)-1] {
				addNum(c.witness)
			}
		}
	default:
		addStr(seeds[0])
	}
	// Numbers: every bound, a point between bounds, and one beyond each end.
	slices.Sort(nums)
	nums = slices.Compact(nums)
	for i, n := range nums {
		if i == 0 {
			addNum(formatNum(n - 1))
		}
		addNum(formatNum(n))
		if i+1 < len(nums) {
			addNum(formatNum((n + nums[i+1]) / 2))
		} else {
			addNum(formatNum(n + 1))
		}
	}
	if len(numTexts) == 0 {
		addNum("1")
	}
	for _, t := range numTexts {
		if jsonNumberText.MatchString(t) {
			f.wit = append(f.wit, wval{kind: wNumber, text: t})
		}
	}
	// A numeric string could be read as a number by a lenient matcher; give
	// the search the same texts as strings.
	for _, t := range numTexts {
		addStr(t)
	}
	f.missing = len(f.wit)
	f.wit = append(f.wit, wval{kind: wMissing}, wval{kind: wNull}, wval{kind: wTrue}, wval{kind: wFalse},
		wval{kind: wObject}, wval{kind: wArray})
	return nil
}

// unusedText returns base followed by digits, or base itself, so that the
// result is none of the literals.
func unusedText(literals map[string]bool, base string) string {
	s := base
	for i := 2; literals[s]; i++ {
		s = base + strconv.Itoa(i)
	}
	return s
}

func formatNum(n float64) string {
	if n == math.Trunc(n) && math.Abs(n) < 1e15 {
		return strconv.FormatInt(int64(n), 10)
	}
	return strconv.FormatFloat(n, 'f', -1, 64)
}

// cloudTrailSeeds are values CloudTrail really writes into well-known fields,
// so that example events read like real ones.
func cloudTrailSeeds(path string) []string {
	switch path {
	case "$.userIdentity.type":
		return []string{"Root", "IAMUser", "AssumedRole", "FederatedUser", "AWSService", "AWSAccount", "IdentityCenterUser"}
	case "$.eventType":
		return []string{"AwsApiCall", "AwsConsoleSignIn", "AwsServiceEvent", "AwsConsoleAction", "AwsVpceEvent"}
	case "$.userIdentity.invokedBy":
		return []string{"signin.amazonaws.com", "cloudformation.amazonaws.com", "AWS Internal"}
	case "$.eventName":
		return []string{"ConsoleLogin", "GetCallerIdentity", "ListBuckets", "CreateAccessKey"}
	case "$.eventSource":
		return []string{"iam.amazonaws.com", "signin.amazonaws.com", "sts.amazonaws.com", "s3.amazonaws.com", "ec2.amazonaws.com"}
	case "$.errorCode":
		return []string{"AccessDenied", "Client.UnauthorizedOperation", "ThrottlingException"}
	case "$.errorMessage":
		return []string{"Failed authentication", "No username found in supplied account"}
	case "$.additionalEventData.MFAUsed":
		return []string{"Yes", "No"}
	case "$.responseElements.ConsoleLogin":
		return []string{"Success", "Failure"}
	case "$.sourceIPAddress":
		return []string{"203.0.113.10", "delivery.logs.amazonaws.com", "AWS Internal"}
	case "$.userIdentity.sessionContext.attributes.mfaAuthenticated":
		return []string{"true", "false"}
	}
	return nil
}

// maxRealizeIndex is the highest array index a generated event fills in;
// a selector beyond it makes the comparison unproven rather than the event
// huge.
const maxRealizeIndex = 1000

// jnode is a node of a generated event; nil children are array holes.
type jnode struct {
	kind     wkind
	implicit bool // a container made only to hold a deeper field
	text     string
	keys     []string
	kids     map[string]*jnode
	elems    []*jnode
}

// realize builds the JSON event in which each field has its assigned value.
// ok is false when no event can have these values together (a child present
// under a missing or scalar parent, a[1] present while a[0] is missing).
func realize(fields []*fieldInfo, assign []int) (event []byte, ok bool) {
	root := &jnode{kind: wObject, kids: map[string]*jnode{}}
	// Wildcard selectors go last and get an element or member of their own,
	// after the ones concrete selectors need.
	for _, wild := range []bool{false, true} {
		for i, f := range fields {
			v := f.wit[assign[i]]
			if v.kind == wMissing || hasWildcardStep(f.steps) != wild {
				continue
			}
			if !setPath(root, f.steps, v) {
				return nil, false
			}
		}
	}
	for i, f := range fields {
		if f.wit[assign[i]].kind == wMissing && pathExists(root, f.steps) {
			return nil, false
		}
	}
	var b bytes.Buffer
	writeNode(&b, root)
	return b.Bytes(), true
}

func stepKey(s Step) (key string, index int, isIndex bool) {
	switch s.Kind {
	case StepIndex:
		return "", s.Index, true
	case StepAnyIndex:
		return "", 0, true
	case StepAnyField:
		return "anyField", 0, false
	}
	return s.Name, 0, false
}

// wildSlot picks where a wildcard step puts its value: a new last element,
// or a new member.
func wildSlot(n *jnode, s Step) (key string, index int) {
	if s.Kind == StepAnyIndex {
		return "", len(n.elems)
	}
	key = "anyField"
	for i := 2; n.kids != nil && n.kids[key] != nil; i++ {
		key = "anyField" + strconv.Itoa(i)
	}
	return key, 0
}

func setPath(n *jnode, steps []Step, v wval) bool {
	for i, s := range steps {
		key, idx, isIndex := stepKey(s)
		if (s.Kind == StepAnyIndex && n.kind == wArray) || (s.Kind == StepAnyField && n.kind == wObject) {
			key, idx = wildSlot(n, s)
		}
		var cur *jnode
		if isIndex {
			if n.kind != wArray || idx > maxRealizeIndex {
				return false
			}
			for len(n.elems) <= idx {
				n.elems = append(n.elems, nil)
			}
			cur = n.elems[idx]
		} else {
			if n.kind != wObject {
				return false
			}
			cur = n.kids[key]
		}
		switch {
		case i == len(steps)-1:
			// The field may already stand as the container of a deeper
			// field; that is consistent when it is meant to be one.
			if cur != nil {
				if !cur.implicit || cur.kind != v.kind {
					return false
				}
				cur.implicit = false
				return true
			}
			cur = &jnode{kind: v.kind, text: v.text, kids: map[string]*jnode{}}
		case cur == nil:
			if next := steps[i+1].Kind; next == StepIndex || next == StepAnyIndex {
				cur = &jnode{kind: wArray, implicit: true}
			} else {
				cur = &jnode{kind: wObject, implicit: true, kids: map[string]*jnode{}}
			}
		}
		if isIndex {
			n.elems[idx] = cur
		} else {
			if n.kids[key] == nil {
				n.keys = append(n.keys, key)
			}
			n.kids[key] = cur
		}
		n = cur
	}
	return true
}

func pathExists(n *jnode, steps []Step) bool {
	for i, s := range steps {
		key, idx, isIndex := stepKey(s)
		switch {
		case isIndex && n.kind == wArray:
			if idx >= len(n.elems) {
				return false
			}
			if n.elems[idx] == nil {
				// A hole is written as null: it exists, its children do not.
				return i == len(steps)-1
			}
			n = n.elems[idx]
		case !isIndex && n.kind == wObject:
			c := n.kids[key]
			if c == nil {
				return false
			}
			n = c
		default:
			return false
		}
	}
	return true
}

func writeNode(b *bytes.Buffer, n *jnode) {
	if n == nil {
		b.WriteString("null")
		return
	}
	switch n.kind {
	case wNull:
		b.WriteString("null")
	case wTrue:
		b.WriteString("true")
	case wFalse:
		b.WriteString("false")
	case wNumber:
		b.WriteString(n.text)
	case wString:
		writeJSONString(b, n.text)
	case wObject:
		b.WriteByte('{')
		for i, k := range n.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, k)
			b.WriteByte(':')
			writeNode(b, n.kids[k])
		}
		b.WriteByte('}')
	case wArray:
		b.WriteByte('[')
		for i, e := range n.elems {
			if i > 0 {
				b.WriteByte(',')
			}
			writeNode(b, e)
		}
		b.WriteByte(']')
	}
}

func writeJSONString(b *bytes.Buffer, s string) {
	var tmp bytes.Buffer
	enc := json.NewEncoder(&tmp)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Write(bytes.TrimRight(tmp.Bytes(), "\n"))
}
