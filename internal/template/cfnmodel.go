package template

import (
	"encoding/json"
	"fmt"
)

// The CloudFormation output is built from these few types and plain maps
// for resource properties, then written with encoding/json. goformation
// (a typed struct for every CloudFormation resource) wrote it before; its
// registry of every resource type kept all of them in the binary, about
// 11 MB of the release binary for the 20 types rootwatch emits. The tests
// still parse every output with goformation, which rejects unknown
// resource types and properties (a test-only dependency now).

// cfnTemplate is a CloudFormation template.
type cfnTemplate struct {
	AWSTemplateFormatVersion string                  `json:"AWSTemplateFormatVersion"`
	Description              string                  `json:"Description,omitempty"`
	Parameters               map[string]cfnParameter `json:"Parameters,omitempty"`
	Conditions               map[string]any          `json:"Conditions,omitempty"`
	Resources                map[string]cfnResource  `json:"Resources"`
	Outputs                  map[string]cfnOutput    `json:"Outputs,omitempty"`
}

func newCFNTemplate() *cfnTemplate {
	return &cfnTemplate{
		AWSTemplateFormatVersion: "2010-09-09",
		Parameters:               map[string]cfnParameter{},
		Conditions:               map[string]any{},
		Resources:                map[string]cfnResource{},
		Outputs:                  map[string]cfnOutput{},
	}
}

type cfnParameter struct {
	Type           string `json:"Type"`
	Default        any    `json:"Default,omitempty"`
	Description    string `json:"Description,omitempty"`
	AllowedPattern string `json:"AllowedPattern,omitempty"`
	AllowedValues  []any  `json:"AllowedValues,omitempty"`
	MinLength      int    `json:"MinLength,omitempty"`
	NoEcho         bool   `json:"NoEcho,omitempty"`
}

type cfnOutput struct {
	Description string `json:"Description,omitempty"`
	Value       any    `json:"Value"`
}

// cfnResource is one resource; Properties are CloudFormation's property
// names and values (intrinsic functions as the maps ref, getAtt and join
// build).
type cfnResource struct {
	Type       string   `json:"Type"`
	Properties props    `json:"Properties"`
	DependsOn  []string `json:"DependsOn,omitempty"`
	Condition  string   `json:"Condition,omitempty"`
}

type props = map[string]any

func (t *cfnTemplate) add(id, typ string, p props) {
	t.Resources[id] = cfnResource{Type: typ, Properties: p}
}

// JSON renders the template indented by two spaces with keys sorted,
// numbers as JSON numbers and <, >, & escaped: the form the golden files
// (first written through goformation) have.
func (t *cfnTemplate) JSON() ([]byte, error) {
	b, err := json.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("render CloudFormation: %w", err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("render CloudFormation: %w", err)
	}
	return json.MarshalIndent(v, "", "  ")
}

// Intrinsic functions.

func ref(name string) map[string]any { return map[string]any{"Ref": name} }

func getAtt(resource, attr string) map[string]any {
	return map[string]any{"Fn::GetAtt": []any{resource, attr}}
}

func join(sep string, parts []any) map[string]any {
	return map[string]any{"Fn::Join": []any{sep, parts}}
}

func fnNot(cond any) map[string]any { return map[string]any{"Fn::Not": []any{cond}} }

func fnEquals(a, b any) map[string]any { return map[string]any{"Fn::Equals": []any{a, b}} }

func fnSub(s string) map[string]any { return map[string]any{"Fn::Sub": s} }

func fnIf(cond string, then, otherwise any) map[string]any {
	return map[string]any{"Fn::If": []any{cond, then, otherwise}}
}

var noValue = ref("AWS::NoValue")
