// Package iampolicy keeps the least-privilege policies under docs/iam/ in
// step with the code: it derives the IAM actions a command can call from
// the narrow AWS interfaces it declares, and reads the actions a policy
// document allows, so a test per command can require the two to agree.
package iampolicy

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"slices"
)

// renamed lists SDK operations whose IAM action has another name.
var renamed = map[string]string{
	"s3:ListObjectsV2": "s3:ListBucket",
}

// Actions returns prefix:Method for every method of the interface type
// iface (pass reflect.TypeFor[SomeAPI]()), using IAM's name where it
// differs from the operation's.
func Actions(prefix string, iface reflect.Type) []string {
	var out []string
	for m := range iface.Methods() {
		a := prefix + ":" + m.Name
		if r, ok := renamed[a]; ok {
			a = r
		}
		out = append(out, a)
	}
	return out
}

// Reached returns, sorted, the actions of every interface the roots hand
// out: each root is an interface whose methods return the narrow client
// interfaces (a Conn, a Dialer), and prefixes names each client
// interface's IAM service prefix. Results that are roots themselves, and
// error, are not clients. A client without a prefix is an error, so a new
// interface cannot slip past a policy test.
func Reached(prefixes map[string]string, roots ...reflect.Type) ([]string, error) {
	var lists [][]string
	for _, root := range roots {
		for m := range root.Methods() {
			out := m.Type.Out(0)
			if out.Kind() != reflect.Interface || out == reflect.TypeFor[error]() || slices.Contains(roots, out) {
				continue
			}
			prefix, ok := prefixes[out.Name()]
			if !ok {
				return nil, fmt.Errorf("interface %s has no IAM prefix", out.Name())
			}
			lists = append(lists, Actions(prefix, out))
		}
	}
	return Set(lists...), nil
}

// Set sorts and deduplicates actions.
func Set(actions ...[]string) []string {
	var all []string
	for _, a := range actions {
		all = append(all, a...)
	}
	slices.Sort(all)
	return slices.Compact(all)
}

// ReadActions returns the sorted actions a policy document's Allow
// statements name. A Deny statement or an unreadable document is an
// error: these files are meant to be copied into IAM as they are.
func ReadActions(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Version   string
		Statement []struct {
			Sid    string
			Effect string
			Action json.RawMessage
		}
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if doc.Version != "2012-10-17" {
		return nil, fmt.Errorf("%s: Version %q, want 2012-10-17", path, doc.Version)
	}
	var actions []string
	for _, st := range doc.Statement {
		if st.Effect != "Allow" {
			return nil, fmt.Errorf("%s: statement %q has Effect %q; these policies only allow", path, st.Sid, st.Effect)
		}
		var list []string
		if json.Unmarshal(st.Action, &list) != nil {
			var one string
			if err := json.Unmarshal(st.Action, &one); err != nil {
				return nil, fmt.Errorf("%s: statement %q: Action is neither a string nor a list", path, st.Sid)
			}
			list = []string{one}
		}
		actions = append(actions, list...)
	}
	return Set(actions), nil
}
