package build

import (
	"fmt"
	"reflect"

	"github.com/rootwatch/rootwatch/internal/secret"
)

// expandEnv returns a copy of v (a config struct) with ${ENV} expanded in
// every string, secret, string slice and string map, so expanded values
// never pass through the YAML parser (an environment value cannot inject
// config). path names the field in errors.
func expandEnv[T any](v T, path string, getenv func(string) string) (T, error) {
	rv := reflect.ValueOf(&v).Elem()
	out, err := expandValue(rv, path, getenv)
	if err != nil {
		return v, err
	}
	return out.Interface().(T), nil
}

func expandValue(v reflect.Value, path string, getenv func(string) string) (reflect.Value, error) {
	switch v.Kind() {
	case reflect.String:
		s, err := secret.ExpandEnv(v.String(), getenv)
		if err != nil {
			// The error quotes only offsets and variable names, never the value.
			return v, fmt.Errorf("%s: %w", path, err)
		}
		out := reflect.New(v.Type()).Elem()
		out.SetString(s)
		return out, nil
	case reflect.Pointer:
		if v.IsNil() {
			return v, nil
		}
		inner, err := expandValue(v.Elem(), path, getenv)
		if err != nil {
			return v, err
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(inner)
		return p, nil
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v)
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			name := f.Tag.Get("yaml")
			if name == "" {
				name = f.Name
			}
			fpath := path
			if t := trimTag(name); t != "" {
				fpath += "." + t // an inline-embedded struct's keys sit at this level
			}
			ev, err := expandValue(v.Field(i), fpath, getenv)
			if err != nil {
				return v, err
			}
			out.Field(i).Set(ev)
		}
		return out, nil
	case reflect.Slice:
		if v.IsNil() {
			return v, nil
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			ev, err := expandValue(v.Index(i), fmt.Sprintf("%s[%d]", path, i), getenv)
			if err != nil {
				return v, err
			}
			out.Index(i).Set(ev)
		}
		return out, nil
	case reflect.Map:
		if v.IsNil() {
			return v, nil
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		iter := v.MapRange()
		for iter.Next() {
			ev, err := expandValue(iter.Value(), fmt.Sprintf("%s.%v", path, iter.Key()), getenv)
			if err != nil {
				return v, err
			}
			out.SetMapIndex(iter.Key(), ev)
		}
		return out, nil
	}
	return v, nil
}

func trimTag(tag string) string {
	for i := 0; i < len(tag); i++ {
		if tag[i] == ',' {
			return tag[:i]
		}
	}
	return tag
}
