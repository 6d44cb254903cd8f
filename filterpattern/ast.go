// The AST below is shared by the parser, the canonical printer, the compiler
// and the semantic comparer. It is a plain value tree: a parsed *Pattern is
// never mutated after Parse returns, which is what makes compiled matchers
// safe for concurrent use.

package filterpattern

// Kind is the family of a pattern, chosen by AWS from its first non-blank
// character.
type Kind int

const (
	// KindTerms is an unstructured pattern: words and quoted phrases with
	// optional '-' (exclude) and '?' (any-of) prefixes. An empty or blank
	// pattern is KindTerms with no terms and matches every event.
	KindTerms Kind = iota + 1
	// KindRegex is a standalone regular expression pattern: %...%.
	KindRegex
	// KindJSON is a JSON pattern: { $.selector op value && ... }.
	KindJSON
	// KindDelimited is a space-delimited pattern: [field, field=value, ...].
	KindDelimited
)

func (k Kind) String() string {
	switch k {
	case KindTerms:
		return "terms"
	case KindRegex:
		return "regex"
	case KindJSON:
		return "json"
	case KindDelimited:
		return "space-delimited"
	}
	return "unknown"
}

// Pattern is a parsed filter pattern. Exactly one of Terms, Regex, JSON or
// Delimited is set, according to Kind.
type Pattern struct {
	Kind      Kind
	Source    string // the pattern as written
	Terms     []Term
	Regex     *Regex
	JSON      Expr
	Delimited []Field
}

// TermPrefix is the optional prefix of an unstructured term.
type TermPrefix int

const (
	PrefixNone     TermPrefix = iota // must occur
	PrefixExclude                    // -term: must not occur
	PrefixOptional                   // ?term: any of the ?-terms (ignored when mixed with others)
)

// Term is one word or quoted phrase of an unstructured pattern.
type Term struct {
	Prefix TermPrefix
	Text   string // unescaped text
	Quoted bool
	Pos    int // byte offset of the term (including its prefix) in Source
}

// Regex is a %...% regular expression in AWS's supported subset.
type Regex struct {
	Source string // the text between the percent signs, as written
	Pos    int    // byte offset of the opening '%'
}

// Expr is a boolean expression of a JSON pattern or of one space-delimited
// field entry: *Binary or *Condition.
type Expr interface {
	exprNode()
	Offset() int
}

// LogicalOp joins two expressions. && binds tighter than ||.
type LogicalOp int

const (
	OpAnd LogicalOp = iota + 1
	OpOr
)

// Binary is Left && Right or Left || Right. Parentheses in the source are
// not kept: the printer adds them where precedence needs them.
type Binary struct {
	Op          LogicalOp
	Left, Right Expr
	Pos         int
}

// CompareOp is the operator of a condition.
type CompareOp int

const (
	OpEq CompareOp = iota + 1
	OpNe
	OpLt
	OpLe
	OpGt
	OpGe
	OpIsNull    // IS NULL (no value)
	OpIsTrue    // IS TRUE (no value)
	OpIsFalse   // IS FALSE (no value)
	OpNotExists // NOT EXISTS (no value)
)

// Condition is one comparison. In a JSON pattern Selector is set; in a
// space-delimited entry Field names the entry's own field and Selector is
// nil. Value is the zero Value for the unary operators.
type Condition struct {
	Selector *Selector
	Field    string
	Op       CompareOp
	Value    Value
	Pos      int
}

func (*Binary) exprNode()    {}
func (*Condition) exprNode() {}

func (b *Binary) Offset() int    { return b.Pos }
func (c *Condition) Offset() int { return c.Pos }

// StepKind is one step of a JSON selector.
type StepKind int

const (
	StepField    StepKind = iota + 1 // .name or .['name']
	StepIndex                        // [N]
	StepAnyIndex                     // [*]
	StepAnyField                     // .*
)

// Step is one step of a selector path below $.
type Step struct {
	Kind    StepKind
	Name    string // StepField
	Index   int    // StepIndex
	Bracket bool   // StepField written as .['name']
}

// Selector is a JSON path such as $.userIdentity.type or $.resources[0].ARN.
type Selector struct {
	Steps []Step
	Pos   int
}

// ValueKind is the kind of the right-hand side of a comparison.
type ValueKind int

const (
	ValueNone   ValueKind = iota // unary operators
	ValueString                  // bare or double-quoted string; may hold '*' wildcards
	ValueNumber                  // numeric literal
	ValueRegex                   // %...%
)

// Value is the right-hand side of a comparison.
type Value struct {
	Kind   ValueKind
	Str    string  // ValueString: unescaped text; ValueNumber: the literal as written
	Quoted bool    // ValueString written in double quotes
	Num    float64 // ValueNumber
	Regex  *Regex  // ValueRegex
	Pos    int
}

// Field is one entry of a space-delimited pattern.
type Field struct {
	Name     string // "" for an unnamed entry
	Ellipsis bool   // the "..." entry
	Cond     Expr   // nil when the entry has no condition
	Pos      int
}
