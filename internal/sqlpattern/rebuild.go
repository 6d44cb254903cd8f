package sqlpattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Rebuild writes a record back from one result row: values[i] is the
// value of cols[i], nil for SQL NULL. A NULL leaves the key out (the table
// cannot tell a JSON null from a missing key; see Reason.Rebuildable). For
// a ColumnRaw column the value is the record itself.
func Rebuild(cols []Column, values []*string) ([]byte, error) {
	if len(cols) != len(values) {
		return nil, fmt.Errorf("sqlpattern: %d values for %d columns", len(values), len(cols))
	}
	root := &obj{}
	for i, c := range cols {
		v := values[i]
		if c.Kind == ColumnRaw {
			if v == nil || *v == "" {
				return nil, errors.New("the row has no record JSON (eventjson is empty)")
			}
			return []byte(*v), nil
		}
		if v == nil {
			continue
		}
		var raw json.RawMessage
		switch c.Kind {
		case ColumnBool:
			switch *v {
			case "true", "false":
				raw = json.RawMessage(*v)
			default:
				raw = quote(*v)
			}
		case ColumnJSON:
			if json.Valid([]byte(*v)) {
				raw = json.RawMessage(*v)
			} else {
				raw = quote(*v)
			}
		default:
			raw = quote(*v)
		}
		root.set(c.Path, raw)
	}
	var b bytes.Buffer
	root.write(&b)
	return b.Bytes(), nil
}

// quote is a JSON string of s, without HTML escaping: the record keeps the
// bytes the table holds.
func quote(s string) json.RawMessage {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// obj is an object under construction, keys in column order.
type obj struct {
	keys []string
	vals []any // json.RawMessage or *obj
}

func (o *obj) set(path []string, v json.RawMessage) {
	for i, k := range o.keys {
		if k != path[0] {
			continue
		}
		if len(path) == 1 {
			o.vals[i] = v
			return
		}
		if sub, ok := o.vals[i].(*obj); ok {
			sub.set(path[1:], v)
		}
		return
	}
	o.keys = append(o.keys, path[0])
	if len(path) == 1 {
		o.vals = append(o.vals, v)
		return
	}
	sub := &obj{}
	sub.set(path[1:], v)
	o.vals = append(o.vals, sub)
}

func (o *obj) write(b *bytes.Buffer) {
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(quote(k))
		b.WriteByte(':')
		switch v := o.vals[i].(type) {
		case json.RawMessage:
			b.Write(v)
		case *obj:
			v.write(b)
		}
	}
	b.WriteByte('}')
}
