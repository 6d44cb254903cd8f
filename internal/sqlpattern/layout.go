package sqlpattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The Athena table's layout, loaded into DuckDB: for the differential
// tests and for the endpoint emulator's query engine. Loading is a model
// of the table's JSON SerDe, written down here so that what the tests
// prove is stated: a STRING column takes a JSON string's contents, the
// text of a number or boolean, or the compact JSON of an object or array;
// a struct column takes an object (anything else is NULL); keys match case
// insensitively, the last one winning; null and missing are NULL.

// DuckDBDDL is the CREATE TABLE for the Athena layout in DuckDB (table is
// already quoted), with an id column (rw_id) first and, last, a column raw
// holding the record as written (when raw is not "") and the `timestamp`
// partition column.
func DuckDBDDL(table, raw string) string {
	var cols []string
	cols = append(cols, "rw_id BIGINT")
	for _, m := range athenaTable().members {
		cols = append(cols, ident(m.sqlName())+" "+duckType(m))
	}
	if raw != "" {
		cols = append(cols, ident(raw)+" VARCHAR")
	}
	cols = append(cols, `"timestamp" VARCHAR`)
	return fmt.Sprintf("CREATE TABLE %s (%s)", table, strings.Join(cols, ", "))
}

func duckType(f *field) string {
	switch f.kind {
	case kindStruct:
		var ms []string
		for _, m := range f.members {
			ms = append(ms, ident(m.sqlName())+" "+duckType(m))
		}
		return "STRUCT(" + strings.Join(ms, ", ") + ")"
	case kindArray:
		return duckType(&field{kind: kindStruct, members: f.members}) + "[]"
	case kindOpaque:
		return "MAP(VARCHAR, VARCHAR)"
	}
	return "VARCHAR"
}

// LayoutRow converts one record to the values of DuckDBDDL's columns after
// rw_id and before `timestamp`, as the SerDe would load it: string, nil,
// map[string]any for a struct, []any for an array. A record that is not
// one JSON object is an error (the SerDe would fail the query).
func LayoutRow(record []byte) ([]any, error) {
	v, err := decodeOrdered(record)
	if err != nil {
		return nil, err
	}
	obj, ok := v.(orderedObject)
	if !ok {
		return nil, errors.New("not a JSON object")
	}
	root := athenaTable()
	row := make([]any, len(root.members))
	for i, m := range root.members {
		row[i] = loadValue(m, obj.get(m.sqlName()))
	}
	return row, nil
}

func loadValue(f *field, v any) any {
	if v == nil {
		return nil
	}
	switch f.kind {
	case kindStruct:
		obj, ok := v.(orderedObject)
		if !ok {
			return nil
		}
		out := make(map[string]any, len(f.members))
		for _, m := range f.members {
			out[m.sqlName()] = loadValue(m, obj.get(m.sqlName()))
		}
		return out
	case kindArray:
		arr, ok := v.([]any)
		if !ok {
			return nil
		}
		el := &field{kind: kindStruct, members: f.members}
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = loadValue(el, e)
		}
		return out
	case kindOpaque:
		return nil
	}
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return string(v)
	case bool:
		if v {
			return "true"
		}
		return "false"
	}
	var b bytes.Buffer
	writeOrdered(&b, v)
	return b.String()
}

// orderedObject keeps an object's members in order, duplicates included.
type orderedObject []member

type member struct {
	key string
	val any
}

// get finds a key case-insensitively; the last occurrence wins.
func (o orderedObject) get(lower string) any {
	var v any
	for _, m := range o {
		if strings.EqualFold(m.key, lower) {
			v = m.val
		}
	}
	return v
}

func decodeOrdered(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("text after the JSON value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			var o orderedObject
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				ks, _ := k.(string)
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				o = append(o, member{ks, v})
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			if o == nil {
				o = orderedObject{}
			}
			return o, nil
		case '[':
			arr := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return arr, nil
		}
		return nil, fmt.Errorf("unexpected %v", t)
	}
	return tok, nil
}

func writeOrdered(b *bytes.Buffer, v any) {
	switch v := v.(type) {
	case orderedObject:
		b.WriteByte('{')
		for i, m := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(quote(m.key))
			b.WriteByte(':')
			writeOrdered(b, m.val)
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			writeOrdered(b, e)
		}
		b.WriteByte(']')
	case string:
		b.Write(quote(v))
	case json.Number:
		b.WriteString(string(v))
	case bool:
		fmt.Fprint(b, v)
	default:
		b.WriteString("null")
	}
}

// KeepsContract reports whether a record keeps the table contract of the
// package documentation: fields typed as CloudTrail strings are JSON
// strings (never null), readOnly and managementEvent are booleans,
// structures are objects, resources an array of objects, and no key of a
// structure occurs twice or in two spellings. Exactness is proven on such
// records.
func KeepsContract(record []byte) bool {
	v, err := decodeOrdered(record)
	if err != nil {
		return false
	}
	return keeps(athenaTable(), v)
}

func keeps(f *field, v any) bool {
	switch f.kind {
	case kindStruct:
		obj, ok := v.(orderedObject)
		if !ok {
			return false
		}
		seen := map[string]bool{}
		for _, m := range obj {
			k := strings.ToLower(m.key)
			if seen[k] {
				return false
			}
			seen[k] = true
			var sub *field
			for _, c := range f.members {
				if strings.EqualFold(c.json, m.key) {
					sub = c
				}
			}
			if sub == nil {
				continue
			}
			if sub.json != m.key || !keeps(sub, m.val) {
				return false
			}
		}
		return true
	case kindArray:
		arr, ok := v.([]any)
		if !ok {
			return false
		}
		el := &field{kind: kindStruct, members: f.members}
		for _, e := range arr {
			if !keeps(el, e) {
				return false
			}
		}
		return true
	case kindString:
		_, ok := v.(string)
		return ok
	case kindBool:
		_, ok := v.(bool)
		return ok
	}
	return true
}
