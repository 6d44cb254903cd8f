package template

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// hclExpr is a Terraform expression written verbatim (a reference such as
// aws_sns_topic.alerts.arn, or a function call).
type hclExpr string

// block is one Terraform block with ordered attributes and nested blocks.
type block struct {
	typ    string
	labels []string
	attrs  []attr
	blocks []*block
}

type attr struct {
	name  string
	value any
}

func newBlock(typ string, labels ...string) *block { return &block{typ: typ, labels: labels} }

func (b *block) set(name string, v any) *block {
	b.attrs = append(b.attrs, attr{name, v})
	return b
}

func (b *block) child(c *block) *block {
	b.blocks = append(b.blocks, c)
	return b
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// tokens converts a Go value to HCL: strings are quoted (and escaped so
// "${" stays literal), hclExpr is written as is, maps become objects with
// sorted keys, slices become tuples.
func tokens(v any) hclwrite.Tokens {
	switch v := v.(type) {
	case hclExpr:
		return hclwrite.Tokens{{Type: hclsyntax.TokenIdent, Bytes: []byte(v)}}
	case string:
		return hclwrite.TokensForValue(cty.StringVal(v))
	case bool:
		return hclwrite.TokensForValue(cty.BoolVal(v))
	case int:
		return hclwrite.TokensForValue(cty.NumberIntVal(int64(v)))
	case float64:
		return hclwrite.TokensForValue(cty.NumberFloatVal(v))
	case []string:
		elems := make([]hclwrite.Tokens, len(v))
		for i, e := range v {
			elems[i] = tokens(e)
		}
		return hclwrite.TokensForTuple(elems)
	case []any:
		elems := make([]hclwrite.Tokens, len(v))
		for i, e := range v {
			elems[i] = tokens(e)
		}
		return hclwrite.TokensForTuple(elems)
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		attrs := make([]hclwrite.ObjectAttrTokens, len(keys))
		for i, k := range keys {
			name := hclwrite.TokensForValue(cty.StringVal(k))
			if identRE.MatchString(k) {
				name = hclwrite.TokensForIdentifier(k)
			}
			attrs[i] = hclwrite.ObjectAttrTokens{Name: name, Value: tokens(v[k])}
		}
		return hclwrite.TokensForObject(attrs)
	case map[string]string:
		m := make(map[string]any, len(v))
		for k, s := range v {
			m[k] = s
		}
		return tokens(m)
	}
	panic(fmt.Sprintf("template: no HCL form for %T", v))
}

// jsonencode wraps a policy document so Terraform renders it as JSON.
func jsonencode(doc map[string]any) hclExpr {
	return hclExpr("jsonencode(" + string(tokens(doc).Bytes()) + ")")
}

func renderHCL(blocks []*block) []byte {
	f := hclwrite.NewEmptyFile()
	body := f.Body()
	for i, b := range blocks {
		if i > 0 {
			body.AppendNewline()
		}
		writeBlock(body, b)
	}
	return hclwrite.Format(f.Bytes())
}

func writeBlock(parent *hclwrite.Body, b *block) {
	blk := parent.AppendNewBlock(b.typ, b.labels)
	body := blk.Body()
	for _, a := range b.attrs {
		body.SetAttributeRaw(a.name, tokens(a.value))
	}
	for _, c := range b.blocks {
		writeBlock(body, c)
	}
}
