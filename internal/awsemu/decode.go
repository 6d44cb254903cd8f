package awsemu

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"
)

// The SDK's input types can serialise themselves but not decode, so
// requests are parsed into a generic tree (maps, lists, scalars) and
// assigned to the input struct by field name, case-insensitively: the
// wire names are the model's member names, which the Go field names
// spell with a capital first letter.

func parseJSON(body []byte) (any, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return map[string]any{}, nil
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("request body is not JSON: %w", err)
	}
	return v, nil
}

func parseCBOR(body []byte) (any, error) {
	if len(body) == 0 {
		return map[string]any{}, nil
	}
	v, err := cbor.Decode(body)
	if err != nil {
		return nil, fmt.Errorf("request body is not CBOR: %w", err)
	}
	return fromCBOR(v), nil
}

func fromCBOR(v cbor.Value) any {
	switch x := v.(type) {
	case cbor.Map:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = fromCBOR(e)
		}
		return m
	case cbor.List:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = fromCBOR(e)
		}
		return l
	case cbor.String:
		return string(x)
	case cbor.Uint:
		return json.Number(strconv.FormatUint(uint64(x), 10))
	case cbor.NegInt:
		return json.Number("-" + strconv.FormatUint(uint64(x), 10))
	case cbor.Float32:
		return json.Number(strconv.FormatFloat(float64(x), 'g', -1, 64))
	case cbor.Float64:
		return json.Number(strconv.FormatFloat(float64(x), 'g', -1, 64))
	case cbor.Bool:
		return bool(x)
	case cbor.Slice:
		return []byte(x)
	case *cbor.Tag:
		if x.ID == 1 {
			return fromCBOR(x.Value)
		}
		return fromCBOR(x.Value)
	}
	return nil
}

// parseForm turns awsQuery parameters ("Tags.member.1.Key=x") into a tree:
// every dotted segment is a map level; lists and maps are unwrapped by
// assign when the target field says which it is.
func parseForm(form url.Values) map[string]any {
	root := map[string]any{}
	for key, vals := range form {
		if key == "Action" || key == "Version" || len(vals) == 0 {
			continue
		}
		parts := strings.Split(key, ".")
		m := root
		for i, p := range parts {
			if i == len(parts)-1 {
				m[p] = vals[0]
				break
			}
			next, ok := m[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[p] = next
			}
			m = next
		}
	}
	return root
}

// indexed returns the values of a map keyed "1", "2", ... in order.
func indexed(m map[string]any) []any {
	type kv struct {
		i int
		v any
	}
	var l []kv
	for k, v := range m {
		i, err := strconv.Atoi(k)
		if err != nil {
			continue
		}
		l = append(l, kv{i, v})
	}
	sort.Slice(l, func(a, b int) bool { return l[a].i < l[b].i })
	out := make([]any, len(l))
	for i, e := range l {
		out[i] = e.v
	}
	return out
}

var timeType = reflect.TypeOf(time.Time{})

// assign stores data into v, converting as the field's Go type says.
func assign(v reflect.Value, data any, path string) error {
	if data == nil {
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		e := reflect.New(v.Type().Elem())
		if err := assign(e.Elem(), data, path); err != nil {
			return err
		}
		v.Set(e)
		return nil
	case reflect.Interface:
		// Unions are not used by any request rootwatch makes.
		return nil
	case reflect.String:
		s, ok := text(data)
		if !ok {
			return fmt.Errorf("%s: expected a string", path)
		}
		v.SetString(s)
		return nil
	case reflect.Bool:
		switch b := data.(type) {
		case bool:
			v.SetBool(b)
			return nil
		case string:
			p, err := strconv.ParseBool(b)
			if err != nil {
				return fmt.Errorf("%s: expected a boolean, got %q", path, b)
			}
			v.SetBool(p)
			return nil
		}
		return fmt.Errorf("%s: expected a boolean", path)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		s, _ := text(data)
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			f, ferr := strconv.ParseFloat(s, 64)
			if ferr != nil || f != math.Trunc(f) {
				return fmt.Errorf("%s: expected an integer, got %q", path, s)
			}
			i = int64(f)
		}
		v.SetInt(i)
		return nil
	case reflect.Float32, reflect.Float64:
		s, _ := text(data)
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("%s: expected a number, got %q", path, s)
		}
		v.SetFloat(f)
		return nil
	case reflect.Struct:
		if v.Type() == timeType {
			t, err := parseTime(data)
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			v.Set(reflect.ValueOf(t))
			return nil
		}
		m, ok := data.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: expected a structure", path)
		}
		for key, val := range m {
			f := fieldByName(v, key)
			if !f.IsValid() {
				continue // unknown members are ignored, as AWS does
			}
			if err := assign(f, val, path+"."+key); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			switch b := data.(type) {
			case []byte:
				v.SetBytes(b)
			case string:
				d, err := base64.StdEncoding.DecodeString(b)
				if err != nil {
					return fmt.Errorf("%s: expected base64: %w", path, err)
				}
				v.SetBytes(d)
			}
			return nil
		}
		var items []any
		switch l := data.(type) {
		case []any:
			items = l
		case map[string]any:
			if inner, ok := l["member"].(map[string]any); ok {
				l = inner
			}
			items = indexed(l)
		default:
			return fmt.Errorf("%s: expected a list", path)
		}
		s := reflect.MakeSlice(v.Type(), len(items), len(items))
		for i, it := range items {
			if err := assign(s.Index(i), it, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		v.Set(s)
		return nil
	case reflect.Map:
		m, ok := data.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: expected a map", path)
		}
		out := reflect.MakeMap(v.Type())
		put := func(k string, val any) error {
			e := reflect.New(v.Type().Elem()).Elem()
			if err := assign(e, val, path+"."+k); err != nil {
				return err
			}
			out.SetMapIndex(reflect.ValueOf(k).Convert(v.Type().Key()), e)
			return nil
		}
		if entries, ok := m["entry"].(map[string]any); ok {
			// awsQuery: Attributes.entry.N.key / .value
			for _, e := range indexed(entries) {
				em, _ := e.(map[string]any)
				k, _ := text(em["key"])
				if err := put(k, em["value"]); err != nil {
					return err
				}
			}
		} else {
			for k, val := range m {
				if err := put(k, val); err != nil {
					return err
				}
			}
		}
		v.Set(out)
		return nil
	}
	return fmt.Errorf("%s: cannot decode into %s", path, v.Type())
}

func text(data any) (string, bool) {
	switch x := data.(type) {
	case string:
		return x, true
	case json.Number:
		return string(x), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

func parseTime(data any) (time.Time, error) {
	s, ok := text(data)
	if !ok {
		return time.Time{}, fmt.Errorf("expected a timestamp")
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
	}
	for _, layout := range []string{time.RFC3339Nano, time.RFC1123} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a timestamp", s)
}

func fieldByName(v reflect.Value, name string) reflect.Value {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if f.IsExported() && strings.EqualFold(f.Name, name) {
			return v.Field(i)
		}
	}
	return reflect.Value{}
}
