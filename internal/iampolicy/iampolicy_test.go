package iampolicy

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

type fakeS3API interface {
	GetObject(context.Context, any) error
	ListObjectsV2(context.Context, any) error
}

func TestActions(t *testing.T) {
	got := Actions("s3", reflect.TypeFor[fakeS3API]())
	if want := []string{"s3:GetObject", "s3:ListBucket"}; !slices.Equal(Set(got), want) {
		t.Fatalf("Actions = %v, want %v", got, want)
	}
}

type fakeConn interface {
	S3(region string) fakeS3API
	Self() fakeConn
	Close() error
}

type fakeDialer interface {
	Conn(ctx context.Context, account string) fakeConn
}

func TestReached(t *testing.T) {
	got, err := Reached(map[string]string{"fakeS3API": "s3"}, reflect.TypeFor[fakeConn](), reflect.TypeFor[fakeDialer]())
	if want := []string{"s3:GetObject", "s3:ListBucket"}; err != nil || !slices.Equal(got, want) {
		t.Fatalf("Reached = %v, %v; want %v", got, err, want)
	}
	if _, err := Reached(nil, reflect.TypeFor[fakeConn]()); err == nil || !strings.Contains(err.Error(), "fakeS3API has no IAM prefix") {
		t.Fatalf("Reached without a prefix: err = %v", err)
	}
}

func TestReadActions(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      []string
		wantErr   string
	}{
		{"list and string", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["b:Y","a:X"],"Resource":"*"},{"Effect":"Allow","Action":"a:X","Resource":"*"}]}`, []string{"a:X", "b:Y"}, ""},
		{"deny", `{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Deny","Action":"a:X"}]}`, nil, `Effect "Deny"`},
		{"old version", `{"Version":"2008-10-17","Statement":[]}`, nil, "Version"},
		{"bad action", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":3}]}`, nil, "neither"},
		{"not json", `{`, nil, "unexpected end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "p.json")
			if err := os.WriteFile(p, []byte(tc.doc), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := ReadActions(p)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}
