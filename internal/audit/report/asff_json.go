package report

import "reflect"

// asffValue turns SDK values (types.AwsSecurityFinding and what it holds)
// into plain JSON values. The SDK types carry no JSON tags: encoded as
// they are, every unset member becomes null, which BatchImportFindings
// and the ASFF consumers reject or misread. Members keep their Go names,
// which are the ASFF member names; unset pointers, empty strings (unset
// enums), nil slices and maps are left out.
func asffValue(v any) any { return plain(reflect.ValueOf(v)) }

func plain(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return plain(v.Elem())
	case reflect.Struct:
		m := map[string]any{}
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			if x := plain(v.Field(i)); x != nil {
				m[f.Name] = x
			}
		}
		return m
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		out := make([]any, 0, v.Len())
		for i := range v.Len() {
			if x := plain(v.Index(i)); x != nil {
				out = append(out, x)
			}
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		m := map[string]any{}
		it := v.MapRange()
		for it.Next() {
			if x := plain(it.Value()); x != nil {
				m[it.Key().String()] = x
			}
		}
		return m
	case reflect.String:
		if v.Len() == 0 {
			return nil
		}
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Float32, reflect.Float64:
		return v.Float()
	}
	return nil
}
