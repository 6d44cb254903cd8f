package awsemu

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/encoding/cbor"
	"github.com/aws/smithy-go/traits"
)

// timeFormat is the member's @timestampFormat, else the protocol default.
func timeFormat(sc *smithy.Schema, def string) string {
	if t, ok := smithy.SchemaTrait[*traits.TimestampFormat](sc); ok && t.Format != "" {
		return t.Format
	}
	return def
}

func formatTime(t time.Time, format string) any {
	switch format {
	case "date-time":
		return t.UTC().Format("2006-01-02T15:04:05.999Z")
	case "http-date":
		return t.UTC().Format(time.RFC1123)
	default: // epoch-seconds
		return float64(t.UnixMilli()) / 1000
	}
}

// jsonValue renders n for the JSON protocols; useJSONName is restJson1's
// rule (awsJson ignores @jsonName).
func jsonValue(n *node, useJSONName bool) any {
	switch n.kind {
	case structNode:
		m := make(map[string]any, len(n.items))
		for _, it := range n.items {
			if it.kind == scalarNode && it.value == nil {
				continue
			}
			name := it.memberName()
			if useJSONName {
				if t, ok := smithy.SchemaTrait[*traits.JSONName](it.schema); ok && t.Name != "" && it.name == "" {
					name = t.Name
				}
			}
			m[name] = jsonValue(it, useJSONName)
		}
		return m
	case listNode:
		l := make([]any, 0, len(n.items))
		for _, it := range n.items {
			l = append(l, jsonValue(it, useJSONName))
		}
		return l
	case mapNode:
		m := make(map[string]any, len(n.items))
		for _, it := range n.items {
			m[it.key] = jsonValue(it, useJSONName)
		}
		return m
	}
	switch v := n.value.(type) {
	case time.Time:
		return formatTime(v, timeFormat(n.schema, "epoch-seconds"))
	case []byte:
		return base64.StdEncoding.EncodeToString(v)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return strconv.FormatFloat(v, 'g', -1, 64)
		}
	}
	return n.value
}

func encodeJSON(n *node, useJSONName bool) []byte {
	b, err := json.Marshal(jsonValue(n, useJSONName))
	if err != nil {
		// Every value in the tree is a JSON scalar, slice or map.
		panic("awsemu: encode JSON: " + err.Error())
	}
	return b
}

// xmlName is the element name of a member: @xmlName (or, for ec2Query,
// @ec2QueryName / the member name with a lower-case first letter).
func xmlElementName(sc *smithy.Schema, fallback string, ec2 bool) string {
	if ec2 {
		if t, ok := smithy.SchemaTrait[*traits.EC2QueryName](sc); ok && t.Name != "" {
			return t.Name
		}
	}
	if t, ok := smithy.SchemaTrait[*traits.XMLName](sc); ok && t.Name != "" {
		return t.Name
	}
	if sc != nil && sc.MemberName() != "" {
		fallback = sc.MemberName()
	}
	if ec2 && fallback != "" {
		return string(bytes.ToLower([]byte(fallback[:1]))) + fallback[1:]
	}
	return fallback
}

func flattened(sc *smithy.Schema) bool {
	_, ok := smithy.SchemaTrait[*traits.XMLFlattened](sc)
	return ok
}

// xmlWriter renders the tree the way awsQuery, ec2Query and restXml
// bodies carry it.
type xmlWriter struct {
	buf bytes.Buffer
	// ec2 lists are always <name><item>..</item></name>.
	ec2 bool
}

func (w *xmlWriter) text(s string) { _ = xml.EscapeText(&w.buf, []byte(s)) }
func (w *xmlWriter) open(name string) {
	w.buf.WriteByte('<')
	w.buf.WriteString(name)
	w.buf.WriteByte('>')
}
func (w *xmlWriter) close(name string) {
	w.buf.WriteString("</")
	w.buf.WriteString(name)
	w.buf.WriteByte('>')
}

// members writes a structure's members (without its own element).
func (w *xmlWriter) members(n *node) {
	for _, it := range n.items {
		if it.kind == scalarNode && it.value == nil {
			continue
		}
		w.member(it, xmlElementName(it.schema, it.name, w.ec2))
	}
}

func (w *xmlWriter) member(n *node, name string) {
	switch n.kind {
	case structNode:
		w.open(name)
		w.members(n)
		w.close(name)
	case listNode:
		item := "member"
		if w.ec2 {
			item = "item"
		} else if n.schema == nil {
			// reflected value: the default member name
		} else if lm := n.schema.ListMember(); lm != nil {
			if t, ok := smithy.SchemaTrait[*traits.XMLName](lm); ok && t.Name != "" {
				item = t.Name
			}
		}
		if flattened(n.schema) && !w.ec2 {
			for _, it := range n.items {
				w.member(it, name)
			}
			return
		}
		w.open(name)
		for _, it := range n.items {
			w.member(it, item)
		}
		w.close(name)
	case mapNode:
		keyName, valueName := "key", "value"
		if n.schema != nil {
			if k := n.schema.MapKey(); k != nil {
				keyName = xmlElementName(k, "key", false)
			}
			if v := n.schema.MapValue(); v != nil {
				valueName = xmlElementName(v, "value", false)
			}
		}
		entries := append([]*node(nil), n.items...)
		sort.SliceStable(entries, func(i, j int) bool { return entries[i].key < entries[j].key })
		flat := flattened(n.schema)
		if !flat {
			w.open(name)
		}
		for _, it := range entries {
			entry := "entry"
			if flat {
				entry = name
			}
			w.open(entry)
			w.open(keyName)
			w.text(it.key)
			w.close(keyName)
			w.member(it, valueName)
			w.close(entry)
		}
		if !flat {
			w.close(name)
		}
	default:
		w.open(name)
		w.text(scalarText(n))
		w.close(name)
	}
}

func scalarText(n *node) string {
	switch v := n.value.(type) {
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case []byte:
		return base64.StdEncoding.EncodeToString(v)
	case time.Time:
		switch f := formatTime(v, timeFormat(n.schema, "date-time")).(type) {
		case string:
			return f
		case float64:
			return strconv.FormatFloat(f, 'f', -1, 64)
		}
	}
	return ""
}

// cborValue renders n for smithy-rpcv2-cbor.
func cborValue(n *node) cbor.Value {
	switch n.kind {
	case structNode:
		m := cbor.Map{}
		for _, it := range n.items {
			if it.kind == scalarNode && it.value == nil {
				continue
			}
			m[it.memberName()] = cborValue(it)
		}
		return m
	case listNode:
		l := cbor.List{}
		for _, it := range n.items {
			l = append(l, cborValue(it))
		}
		return l
	case mapNode:
		m := cbor.Map{}
		for _, it := range n.items {
			m[it.key] = cborValue(it)
		}
		return m
	}
	switch v := n.value.(type) {
	case string:
		return cbor.String(v)
	case bool:
		return cbor.Bool(v)
	case int64:
		if v < 0 {
			return cbor.NegInt(uint64(-v))
		}
		return cbor.Uint(uint64(v))
	case float64:
		return cbor.Float64(v)
	case []byte:
		return cbor.Slice(v)
	case time.Time:
		return &cbor.Tag{ID: 1, Value: cbor.Float64(float64(v.UnixMilli()) / 1000)}
	}
	return &cbor.Nil{}
}
