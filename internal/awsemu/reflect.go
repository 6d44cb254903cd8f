package awsemu

import (
	"reflect"

	"github.com/aws/smithy-go"
)

// Services not yet generated with schema serde (CloudTrail, Account, EC2
// in go.mod's versions) have outputs without a Serialize method; their
// tree is built from the Go value instead, named by Go field name (the
// model's member name) unless rename says otherwise.

// rename maps Go field names to wire names where they differ (EC2's
// @ec2QueryName, which the Go value no longer carries).
var rename = map[string]string{
	"DescribeRegionsOutput.Regions":  "regionInfo",
	"DescribeTrailsOutput.TrailList": "trailList",
}

func outputTree(out any) *node {
	if s, ok := out.(smithy.Serializable); ok {
		return capture(s)
	}
	n := reflectNode(reflect.ValueOf(out), "")
	if n == nil {
		return &node{kind: structNode}
	}
	return n
}

func reflectNode(v reflect.Value, name string) *node {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		if v.Kind() == reflect.Interface {
			// Unions: rootwatch reads none from these services.
			return nil
		}
		return reflectNode(v.Elem(), name)
	case reflect.Struct:
		if v.Type() == timeType {
			return &node{kind: scalarNode, name: name, value: v.Interface()}
		}
		n := &node{kind: structNode, name: name}
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() || f.Name == "ResultMetadata" {
				continue
			}
			wire := f.Name
			if r, ok := rename[t.Name()+"."+f.Name]; ok {
				wire = r
			}
			if c := reflectNode(v.Field(i), wire); c != nil {
				n.items = append(n.items, c)
			}
		}
		return n
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return &node{kind: scalarNode, name: name, value: v.Bytes()}
		}
		n := &node{kind: listNode, name: name}
		for i := range v.Len() {
			if c := reflectNode(v.Index(i), ""); c != nil {
				n.items = append(n.items, c)
			}
		}
		return n
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		n := &node{kind: mapNode, name: name}
		it := v.MapRange()
		for it.Next() {
			if c := reflectNode(it.Value(), ""); c != nil {
				c.key = it.Key().String()
				n.items = append(n.items, c)
			}
		}
		return n
	case reflect.String:
		if v.Len() == 0 {
			return nil // an unset enum
		}
		return &node{kind: scalarNode, name: name, value: v.String()}
	case reflect.Bool:
		return &node{kind: scalarNode, name: name, value: v.Bool()}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &node{kind: scalarNode, name: name, value: v.Int()}
	case reflect.Float32, reflect.Float64:
		return &node{kind: scalarNode, name: name, value: v.Float()}
	}
	return nil
}
