package report

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// No maintained Go library validates an event against the OCSF schema's
// own source files, so this is a small one over the vendored 1.1.0 tree:
// it compiles a class the way the OCSF schema server does (extends,
// $include, profiles, dictionary types, enums merged key by key) and
// checks an event for required attributes, unknown attributes, JSON
// types, enum values, enum captions of siblings and the uid arithmetic.

const ocsfDir = "testdata/schemas/ocsf-1.1.0"

type ocsfAttr struct {
	Type, Requirement, Profile, Sibling string
	IsArray                             bool
	Enum                                map[string]string // value → caption
}

type ocsfSchema struct {
	dict    map[string]map[string]any
	types   map[string]map[string]any
	events  map[string]string // name → file
	objects map[string]string
	cats    map[string]int
	catCaps map[string]string
}

func loadOCSF(t *testing.T) *ocsfSchema {
	t.Helper()
	s := &ocsfSchema{events: map[string]string{}, objects: map[string]string{}, cats: map[string]int{}, catCaps: map[string]string{}}
	var dict struct {
		Attributes map[string]map[string]any `json:"attributes"`
		Types      struct {
			Attributes map[string]map[string]any `json:"attributes"`
		} `json:"types"`
	}
	readJSON(t, filepath.Join(ocsfDir, "dictionary.json"), &dict)
	s.dict, s.types = dict.Attributes, dict.Types.Attributes
	var cats struct {
		Attributes map[string]struct {
			UID     int    `json:"uid"`
			Caption string `json:"caption"`
		} `json:"attributes"`
	}
	readJSON(t, filepath.Join(ocsfDir, "categories.json"), &cats)
	for k, v := range cats.Attributes {
		s.cats[k], s.catCaps[k] = v.UID, v.Caption
	}
	for _, kind := range []string{"events", "objects"} {
		err := filepath.WalkDir(filepath.Join(ocsfDir, kind), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
				return err
			}
			var h struct {
				Name string `json:"name"`
			}
			readJSON(t, p, &h)
			if kind == "events" {
				s.events[h.Name] = p
			} else {
				s.objects[h.Name] = p
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

type ocsfDef struct {
	UID        int                        `json:"uid"`
	Name       string                     `json:"name"`
	Caption    string                     `json:"caption"`
	Category   string                     `json:"category"`
	Extends    string                     `json:"extends"`
	Attributes map[string]json.RawMessage `json:"attributes"`
}

// compile resolves the attributes of an event class or object file.
func (s *ocsfSchema) compile(t *testing.T, file string, isEvent bool) (ocsfDef, map[string]ocsfAttr) {
	t.Helper()
	var d ocsfDef
	readJSON(t, file, &d)
	attrs := map[string]ocsfAttr{}
	if d.Extends != "" {
		parent := s.objects[d.Extends]
		if isEvent {
			parent = s.events[d.Extends]
		}
		if parent == "" {
			t.Fatalf("%s extends unknown %q", file, d.Extends)
		}
		_, attrs = s.compile(t, parent, isEvent)
	}
	if inc, ok := d.Attributes["$include"]; ok {
		var paths []string
		if err := json.Unmarshal(inc, &paths); err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			var f ocsfDef
			readJSON(t, filepath.Join(ocsfDir, p), &f)
			profile := ""
			if strings.HasPrefix(p, "profiles/") {
				profile = f.Name
			}
			s.merge(t, attrs, f.Attributes, profile)
		}
	}
	s.merge(t, attrs, d.Attributes, "")
	return d, attrs
}

func (s *ocsfSchema) merge(t *testing.T, into map[string]ocsfAttr, src map[string]json.RawMessage, profile string) {
	t.Helper()
	for name, raw := range src {
		if name == "$include" {
			continue
		}
		var o struct {
			Requirement string                    `json:"requirement"`
			Profile     string                    `json:"profile"`
			Enum        map[string]map[string]any `json:"enum"`
		}
		if err := json.Unmarshal(raw, &o); err != nil {
			t.Fatalf("attribute %s: %v", name, err)
		}
		a, ok := into[name]
		if !ok {
			d, known := s.dict[name]
			if !known {
				t.Fatalf("attribute %s is not in the dictionary", name)
			}
			a.Type, _ = d["type"].(string)
			a.IsArray, _ = d["is_array"].(bool)
			a.Sibling, _ = d["sibling"].(string)
			if e, ok := d["enum"].(map[string]any); ok {
				a.Enum = map[string]string{}
				for k, v := range e {
					a.Enum[k], _ = v.(map[string]any)["caption"].(string)
				}
			}
		}
		if o.Requirement != "" {
			a.Requirement = o.Requirement
		}
		if o.Profile != "" {
			a.Profile = o.Profile
		} else if profile != "" {
			a.Profile = profile
		}
		if o.Enum != nil {
			a.Enum = maps.Clone(a.Enum)
			if a.Enum == nil {
				a.Enum = map[string]string{}
			}
			for k, v := range o.Enum {
				a.Enum[k], _ = v["caption"].(string)
			}
		}
		into[name] = a
	}
}

// baseType follows a dictionary type to its primitive (url_t → string_t).
func (s *ocsfSchema) baseType(typ string) string {
	for range 5 {
		d, ok := s.types[typ]
		if !ok {
			return typ
		}
		next, _ := d["type"].(string)
		if next == "" {
			return typ
		}
		typ = next
	}
	return typ
}

// validateEvent checks one event against the class named by its class_uid.
func (s *ocsfSchema) validateEvent(t *testing.T, ev map[string]any) []string {
	t.Helper()
	var problems []string
	classUID, _ := ev["class_uid"].(float64)
	var file string
	var def ocsfDef
	var attrs map[string]ocsfAttr
	for _, f := range s.events {
		var d ocsfDef
		readJSON(t, f, &d)
		if d.UID != 0 && s.cats[d.Category]*1000+d.UID == int(classUID) {
			file = f
		}
	}
	if file == "" {
		return []string{fmt.Sprintf("class_uid %v is no class of OCSF 1.1.0", ev["class_uid"])}
	}
	def, attrs = s.compile(t, file, true)
	// As the schema server does, a class's uids are enums of one value:
	// its category, itself, and one type per activity.
	setEnum := func(name string, e map[string]string) {
		a := attrs[name]
		a.Enum = e
		attrs[name] = a
	}
	types := map[string]string{}
	for k, c := range attrs["activity_id"].Enum {
		n, _ := strconv.Atoi(k)
		types[strconv.Itoa(int(classUID)*100+n)] = def.Caption + ": " + c
	}
	setEnum("category_uid", map[string]string{strconv.Itoa(s.cats[def.Category]): s.catCaps[def.Category]})
	setEnum("class_uid", map[string]string{strconv.Itoa(int(classUID)): def.Caption})
	setEnum("type_uid", types)
	if got, want := ev["category_uid"], float64(s.cats[def.Category]); got != want {
		problems = append(problems, fmt.Sprintf("category_uid %v, want %v", got, want))
	}
	if act, _ := ev["activity_id"].(float64); ev["type_uid"] != classUID*100+act {
		problems = append(problems, fmt.Sprintf("type_uid %v, want class_uid*100+activity_id = %v", ev["type_uid"], classUID*100+act))
	}
	var profiles []string
	if md, ok := ev["metadata"].(map[string]any); ok {
		if v := md["version"]; v != "1.1.0" {
			problems = append(problems, fmt.Sprintf("metadata.version %v, want 1.1.0", v))
		}
		for _, p := range md["profiles"].([]any) {
			profiles = append(profiles, p.(string))
		}
	}
	s.check(t, "", ev, attrs, profiles, &problems, 0)
	return problems
}

func (s *ocsfSchema) check(t *testing.T, path string, obj map[string]any, attrs map[string]ocsfAttr, profiles []string, problems *[]string, depth int) {
	bad := func(f string, a ...any) { *problems = append(*problems, path+fmt.Sprintf(f, a...)) }
	if depth > 8 {
		bad("nested too deep")
		return
	}
	for name, a := range attrs {
		if a.Requirement != "required" {
			continue
		}
		if a.Profile != "" && !slices.Contains(profiles, a.Profile) {
			continue
		}
		if _, ok := obj[name]; !ok {
			bad("%s is required", name)
		}
	}
	for name, v := range obj {
		a, ok := attrs[name]
		if !ok {
			bad("%s is not an attribute here in OCSF 1.1.0", name)
			continue
		}
		if a.Profile != "" && !slices.Contains(profiles, a.Profile) {
			bad("%s belongs to profile %q, which metadata.profiles does not declare", name, a.Profile)
		}
		vals := []any{v}
		if a.IsArray {
			arr, ok := v.([]any)
			if !ok {
				bad("%s must be an array", name)
				continue
			}
			vals = arr
		}
		for _, x := range vals {
			s.checkValue(t, path+name, x, a, profiles, problems, depth)
		}
		if a.Enum != nil && a.Sibling != "" {
			if cap, ok := obj[a.Sibling].(string); ok {
				id := strconv.FormatFloat(v.(float64), 'f', -1, 64)
				if id != "99" && a.Enum[id] != cap {
					bad("%s is %q but %s %s means %q", a.Sibling, cap, name, id, a.Enum[id])
				}
			}
		}
	}
}

func (s *ocsfSchema) checkValue(t *testing.T, path string, v any, a ocsfAttr, profiles []string, problems *[]string, depth int) {
	bad := func(f string, x ...any) { *problems = append(*problems, path+": "+fmt.Sprintf(f, x...)) }
	switch base := s.baseType(a.Type); base {
	case "string_t":
		if _, ok := v.(string); !ok {
			bad("want a string, got %T", v)
		}
	case "integer_t", "long_t":
		f, ok := v.(float64)
		if !ok || f != math.Trunc(f) {
			bad("want an integer, got %v", v)
			return
		}
		if a.Enum != nil {
			if _, ok := a.Enum[strconv.FormatFloat(f, 'f', -1, 64)]; !ok {
				bad("%v is not one of its enum values", f)
			}
		}
	case "float_t":
		if _, ok := v.(float64); !ok {
			bad("want a number, got %T", v)
		}
	case "boolean_t":
		if _, ok := v.(bool); !ok {
			bad("want a boolean, got %T", v)
		}
	case "json_t":
	case "object":
		if _, ok := v.(map[string]any); !ok {
			bad("want an object, got %T", v)
		}
	default:
		file, ok := s.objects[a.Type]
		if !ok {
			bad("type %q is unknown", a.Type)
			return
		}
		m, ok := v.(map[string]any)
		if !ok {
			bad("want a %s object, got %T", a.Type, v)
			return
		}
		_, attrs := s.compile(t, file, false)
		s.check(t, path+".", m, attrs, profiles, problems, depth+1)
	}
}

func TestOCSFValidAgainstSchema(t *testing.T) {
	schema := loadOCSF(t)
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			events := ocsfEvents(t, name)
			if len(events) == 0 {
				t.Fatal("no events")
			}
			uids := map[string]bool{}
			for i, ev := range events {
				for _, p := range schema.validateEvent(t, ev) {
					t.Errorf("event %d: %s", i, p)
				}
				fi := ev["finding_info"].(map[string]any)
				uid := fi["uid"].(string)
				if uids[uid] {
					t.Errorf("finding_info.uid %s repeats", uid)
				}
				uids[uid] = true
				md := ev["metadata"].(map[string]any)
				if v := md["product"].(map[string]any)["version"]; v != testVersion {
					t.Errorf("product.version = %v", v)
				}
				if ev["cloud"].(map[string]any)["region"] == "" {
					t.Errorf("event %d has no cloud.region", i)
				}
			}
		})
	}
}

// The validator refuses what a strict 1.1.0 consumer refuses: the
// attributes the old output took from later versions.
func TestOCSFValidatorCatchesLaterVersions(t *testing.T) {
	schema := loadOCSF(t)
	ev := ocsfEvents(t, "snapshot.json")[0]
	ev["resources"] = []any{map[string]any{"uid": "x"}}
	ev["compliance"].(map[string]any)["checks"] = []any{}
	ev["compliance"].(map[string]any)["status"] = "Fail"
	delete(ev["finding_info"].(map[string]any), "uid")
	ev["severity_id"] = float64(42)
	got := strings.Join(schema.validateEvent(t, ev), "\n")
	for _, want := range []string{"resources is not an attribute", "checks is not an attribute", "uid is required", "severity_id: 42 is not one of", "status is \"Fail\""} {
		if !strings.Contains(got, want) {
			t.Errorf("validator missed %q in:\n%s", want, got)
		}
	}
}

func ocsfEvents(t *testing.T, fixture string) []map[string]any {
	t.Helper()
	_, _, out := render(t, fixture, func(o Options) Formatter { return OCSF{o} })
	var events []map[string]any
	if err := json.Unmarshal(out, &events); err != nil {
		t.Fatal(err)
	}
	return events
}
