package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
)

// No pure-Go XSD validator is maintained (libxml2 bindings need cgo, and
// the binary and CI are CGO_ENABLED=0), so this test reads the vendored
// Jenkins xUnit junit-10.xsd itself and applies the part of XML Schema
// that file uses: global elements with complex types, sequence and
// choice with minOccurs/maxOccurs (compiled to a regular expression over
// child element names), element refs, required and undeclared
// attributes, mixed versus element-only content, and simple types
// restricted by a pattern. A construct outside that subset fails the
// test rather than being skipped.

type xsdNode struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Children []xsdNode  `xml:",any"`
}

func (n xsdNode) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

type xsdAttr struct {
	required bool
	pattern  *regexp.Regexp
}

type xsdElement struct {
	mixed, simple bool
	attrs         map[string]xsdAttr
	content       *regexp.Regexp // over "<name>" tokens
}

type xsdSchema struct {
	elements map[string]*xsdElement
}

func loadJUnitXSD(t *testing.T) *xsdSchema {
	t.Helper()
	b, err := os.ReadFile("testdata/schemas/junit/junit-10.xsd")
	if err != nil {
		t.Fatal(err)
	}
	var root xsdNode
	if err := xml.Unmarshal(b, &root); err != nil {
		t.Fatal(err)
	}
	simple := map[string]*regexp.Regexp{}
	complexTypes := map[string]xsdNode{}
	for _, c := range root.Children {
		switch c.XMLName.Local {
		case "simpleType":
			for _, r := range c.Children {
				if r.XMLName.Local != "restriction" || r.attr("base") != "xs:string" || len(r.Children) != 1 || r.Children[0].XMLName.Local != "pattern" {
					t.Fatalf("simpleType %s: unsupported restriction", c.attr("name"))
				}
				simple[c.attr("name")] = regexp.MustCompile("^(?:" + r.Children[0].attr("value") + ")$")
			}
		case "complexType":
			complexTypes[c.attr("name")] = c
		}
	}
	s := &xsdSchema{elements: map[string]*xsdElement{}}
	locals := map[string]*xsdElement{}
	for _, c := range root.Children {
		if c.XMLName.Local != "element" {
			continue
		}
		e := &xsdElement{attrs: map[string]xsdAttr{}}
		var ct *xsdNode
		switch typ := c.attr("type"); {
		case typ == "xs:string":
			e.simple = true
		case typ != "":
			n, ok := complexTypes[typ]
			if !ok {
				t.Fatalf("element %s: unknown type %s", c.attr("name"), typ)
			}
			ct = &n
		default:
			for i := range c.Children {
				if c.Children[i].XMLName.Local == "complexType" {
					ct = &c.Children[i]
				}
			}
		}
		if ct != nil {
			e.mixed = ct.attr("mixed") == "true"
			model := ""
			for _, p := range ct.Children {
				switch p.XMLName.Local {
				case "attribute":
					a := xsdAttr{required: p.attr("use") == "required"}
					switch typ := p.attr("type"); typ {
					case "xs:string":
					default:
						re, ok := simple[typ]
						if !ok {
							t.Fatalf("attribute %s: unsupported type %s", p.attr("name"), typ)
						}
						a.pattern = re
					}
					e.attrs[p.attr("name")] = a
				case "sequence", "choice":
					model = particle(t, p, locals)
				default:
					t.Fatalf("element %s: unsupported %s", c.attr("name"), p.XMLName.Local)
				}
			}
			e.content = regexp.MustCompile("^" + model + "$")
		}
		s.elements[c.attr("name")] = e
	}
	for name, e := range locals {
		if _, global := s.elements[name]; !global {
			s.elements[name] = e
		}
	}
	return s
}

// particle compiles a sequence, choice or element ref to a regular
// expression over "<name>" tokens.
func particle(t *testing.T, n xsdNode, locals map[string]*xsdElement) string {
	t.Helper()
	var re string
	switch n.XMLName.Local {
	case "element":
		name := n.attr("ref")
		if name == "" {
			// A local element: only text ones (rerunType's stackTrace).
			if name = n.attr("name"); n.attr("type") != "xs:string" {
				t.Fatalf("local element %s: only xs:string is supported", name)
			}
			locals[name] = &xsdElement{simple: true, attrs: map[string]xsdAttr{}}
		}
		re = "(?:<" + regexp.QuoteMeta(name) + ">)"
	case "sequence", "choice":
		var parts []string
		for _, c := range n.Children {
			parts = append(parts, particle(t, c, locals))
		}
		sep := ""
		if n.XMLName.Local == "choice" {
			sep = "|"
		}
		re = "(?:" + strings.Join(parts, sep) + ")"
	default:
		t.Fatalf("unsupported particle %s", n.XMLName.Local)
	}
	lo, hi := n.attr("minOccurs"), n.attr("maxOccurs")
	if lo == "" {
		lo = "1"
	}
	if hi == "" {
		hi = "1"
	}
	switch {
	case lo == "1" && hi == "1":
		return re
	case hi == "unbounded":
		return re + "{" + lo + ",}"
	default:
		return re + "{" + lo + "," + hi + "}"
	}
}

// validate checks an XML document against the schema; root is the
// element the document must start with.
func (s *xsdSchema) validate(doc []byte, root string) []string {
	var problems []string
	dec := xml.NewDecoder(bytes.NewReader(doc))
	type frame struct {
		name     string
		children strings.Builder
		text     bool
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return append(problems, "not well-formed XML: "+err.Error())
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			name := tk.Name.Local
			if len(stack) == 0 && name != root {
				problems = append(problems, fmt.Sprintf("root element <%s>, want <%s>", name, root))
			}
			if len(stack) > 0 {
				stack[len(stack)-1].children.WriteString("<" + name + ">")
			}
			e, ok := s.elements[name]
			if !ok {
				problems = append(problems, fmt.Sprintf("<%s> is not declared", name))
				e = &xsdElement{mixed: true, attrs: map[string]xsdAttr{}}
			}
			seen := map[string]bool{}
			for _, a := range tk.Attr {
				seen[a.Name.Local] = true
				d, ok := e.attrs[a.Name.Local]
				if !ok && !e.simple {
					problems = append(problems, fmt.Sprintf("<%s %s=...>: attribute not declared", name, a.Name.Local))
					continue
				}
				if d.pattern != nil && !d.pattern.MatchString(a.Value) {
					problems = append(problems, fmt.Sprintf("<%s %s=%q>: does not match its type", name, a.Name.Local, a.Value))
				}
			}
			for an, d := range e.attrs {
				if d.required && !seen[an] {
					problems = append(problems, fmt.Sprintf("<%s>: required attribute %s missing", name, an))
				}
			}
			stack = append(stack, &frame{name: name})
		case xml.CharData:
			if len(stack) > 0 && strings.TrimSpace(string(tk)) != "" {
				stack[len(stack)-1].text = true
			}
		case xml.EndElement:
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			e := s.elements[f.name]
			if e == nil {
				continue
			}
			if e.simple {
				if f.children.Len() > 0 {
					problems = append(problems, fmt.Sprintf("<%s> holds elements but is text only", f.name))
				}
				continue
			}
			if f.text && !e.mixed {
				problems = append(problems, fmt.Sprintf("<%s> holds text but is element-only", f.name))
			}
			if !e.content.MatchString(f.children.String()) {
				problems = append(problems, fmt.Sprintf("<%s> children %s do not fit its content model", f.name, f.children.String()))
			}
		}
	}
	return problems
}

func TestJUnitValidAgainstJenkinsXSD(t *testing.T) {
	xsd := loadJUnitXSD(t)
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			r, _, out := render(t, name, func(o Options) Formatter { return JUnit{o} })
			buf := bytes.NewBuffer(out)
			for _, p := range xsd.validate(buf.Bytes(), "testsuites") {
				t.Errorf("junit-10.xsd: %s", p)
			}
			// GitLab and Jenkins: no root skipped count, errors on every suite,
			// and an UNKNOWN is an error, never a skip or a pass.
			var doc struct {
				Skipped *string `xml:"skipped,attr"`
				Suites  []struct {
					Errors *string `xml:"errors,attr"`
					Cases  []struct {
						Error *struct{} `xml:"error"`
					} `xml:"testcase"`
				} `xml:"testsuite"`
			}
			if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Skipped != nil {
				t.Error("root <testsuites> has a skipped attribute")
			}
			errs := 0
			for _, s := range doc.Suites {
				if s.Errors == nil {
					t.Error("a <testsuite> has no errors attribute")
				}
				for _, c := range s.Cases {
					if c.Error != nil {
						errs++
					}
				}
			}
			unknownLinks := 0
			for _, a := range r.Accounts {
				for _, l := range a.Links {
					if l.Status == "UNKNOWN" {
						unknownLinks++
					}
				}
			}
			if errs != unknownLinks {
				t.Errorf("%d <error> cases for %d UNKNOWN links", errs, unknownLinks)
			}
			if !strings.Contains(buf.String(), `name="rootwatch.version" value="`+testVersion+`"`) {
				t.Error("suites do not state the rootwatch version")
			}
		})
	}
}

// The validator refuses what Jenkins refused: the old output's root
// skipped attribute and suites without errors.
func TestJUnitXSDCatchesOldShape(t *testing.T) {
	xsd := loadJUnitXSD(t)
	old := `<testsuites name="x" tests="1" failures="0" skipped="1"><testsuite name="a" tests="1" failures="0" skipped="1"><testcase name="c" classname="k"><skipped message="m"></skipped><bogus/></testcase></testsuite></testsuites>`
	got := strings.Join(xsd.validate([]byte(old), "testsuites"), "\n")
	for _, want := range []string{"<testsuites skipped=...>: attribute not declared", "<testsuite>: required attribute errors missing", "<bogus> is not declared", "do not fit its content model"} {
		if !strings.Contains(got, want) {
			t.Errorf("validator missed %q in:\n%s", want, got)
		}
	}
}
