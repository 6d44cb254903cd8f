package awsemu

import (
	"math/big"
	"time"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/document"
)

type nodeKind int

const (
	scalarNode nodeKind = iota
	structNode
	listNode
	mapNode
)

// node is one value of an SDK output shape, captured through
// smithy.ShapeSerializer so each wire format renders the same tree.
type node struct {
	kind   nodeKind
	schema *smithy.Schema // the member schema the value was written with
	// name overrides schema.MemberName() (union variants).
	name  string
	key   string // map entry key
	value any    // scalar: string, bool, int64, float64, []byte, time.Time, nil
	items []*node
}

func (n *node) memberName() string {
	if n.name != "" {
		return n.name
	}
	if n.schema == nil {
		return ""
	}
	return n.schema.MemberName()
}

// treeSerializer implements smithy.ShapeSerializer by building a node tree.
type treeSerializer struct {
	root  *node
	stack []*node
	// pendingKey is the map key the next value belongs to.
	pendingKey string
	// pendingName is the union variant the next value is.
	pendingName string
}

var _ smithy.ShapeSerializer = (*treeSerializer)(nil)

func capture(v smithy.Serializable) *node {
	s := &treeSerializer{}
	v.Serialize(s)
	if s.root == nil {
		return &node{kind: structNode}
	}
	return s.root
}

func (s *treeSerializer) add(n *node) {
	if len(s.stack) == 0 {
		if s.root == nil {
			s.root = n
		}
		return
	}
	top := s.stack[len(s.stack)-1]
	if top.kind == mapNode {
		n.key, s.pendingKey = s.pendingKey, ""
	}
	if s.pendingName != "" {
		n.name, s.pendingName = s.pendingName, ""
	}
	top.items = append(top.items, n)
}

func (s *treeSerializer) push(n *node) { s.add(n); s.stack = append(s.stack, n) }
func (s *treeSerializer) pop() {
	if len(s.stack) > 0 {
		s.stack = s.stack[:len(s.stack)-1]
	}
}

func (s *treeSerializer) scalar(sc *smithy.Schema, v any) {
	s.add(&node{kind: scalarNode, schema: sc, value: v})
}

func (s *treeSerializer) Bytes() []byte                         { return nil }
func (s *treeSerializer) WriteInt8(sc *smithy.Schema, v int8)   { s.scalar(sc, int64(v)) }
func (s *treeSerializer) WriteInt16(sc *smithy.Schema, v int16) { s.scalar(sc, int64(v)) }
func (s *treeSerializer) WriteInt32(sc *smithy.Schema, v int32) { s.scalar(sc, int64(v)) }
func (s *treeSerializer) WriteInt64(sc *smithy.Schema, v int64) { s.scalar(sc, v) }
func (s *treeSerializer) WriteFloat32(sc *smithy.Schema, v float32) {
	s.scalar(sc, float64(v))
}
func (s *treeSerializer) WriteFloat64(sc *smithy.Schema, v float64) { s.scalar(sc, v) }
func (s *treeSerializer) WriteBool(sc *smithy.Schema, v bool)       { s.scalar(sc, v) }
func (s *treeSerializer) WriteString(sc *smithy.Schema, v string)   { s.scalar(sc, v) }
func (s *treeSerializer) WriteBigInt(sc *smithy.Schema, v *big.Int) {
	s.scalar(sc, v.String())
}
func (s *treeSerializer) WriteBigFloat(sc *smithy.Schema, v *big.Float) {
	s.scalar(sc, v.String())
}
func (s *treeSerializer) WriteBlob(sc *smithy.Schema, v []byte)    { s.scalar(sc, v) }
func (s *treeSerializer) WriteTime(sc *smithy.Schema, v time.Time) { s.scalar(sc, v) }
func (s *treeSerializer) WriteNil(sc *smithy.Schema)               { s.scalar(sc, nil) }

// WriteDocument is not used by any output rootwatch reads; an empty
// value keeps the shape well-formed.
func (s *treeSerializer) WriteDocument(sc *smithy.Schema, _ document.Value) { s.scalar(sc, nil) }

func (s *treeSerializer) WriteUnion(sc, variant *smithy.Schema) {
	s.push(&node{kind: structNode, schema: sc})
	s.pendingName = variant.MemberName()
}
func (s *treeSerializer) CloseUnion() { s.pop() }

func (s *treeSerializer) WriteStruct(sc *smithy.Schema) { s.push(&node{kind: structNode, schema: sc}) }
func (s *treeSerializer) CloseStruct()                  { s.pop() }
func (s *treeSerializer) WriteList(sc *smithy.Schema)   { s.push(&node{kind: listNode, schema: sc}) }
func (s *treeSerializer) CloseList()                    { s.pop() }
func (s *treeSerializer) WriteMap(sc *smithy.Schema)    { s.push(&node{kind: mapNode, schema: sc}) }
func (s *treeSerializer) WriteKey(_ *smithy.Schema, k string) {
	s.pendingKey = k
}
func (s *treeSerializer) CloseMap() { s.pop() }
