package secret

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const text = "hunter2-xoxb-TOKEN"

// Wrong verbs on purpose (held in variables so vet lets them through):
// fmt answers those with the raw value unless Secret formats itself.
var verbD, verbX = "%d", "%x"

func TestSecretNeverPrints(t *testing.T) {
	s := Secret(text)
	type holder struct {
		Token Secret `json:"token" yaml:"token"`
	}
	h := holder{Token: s}

	j, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	y, err := yaml.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "token", s, "h", h)
	var textLogged bytes.Buffer
	slog.New(slog.NewTextHandler(&textLogged, nil)).Info("x", "token", s)

	outputs := map[string]string{
		"%s":        fmt.Sprintf("[%s]", s),
		"%v":        fmt.Sprintf("%v", s),
		"%+v":       fmt.Sprintf("%+v", h),
		"%#v":       fmt.Sprintf("%#v", h),
		"%q":        fmt.Sprintf("%q", s),
		"json":      string(j),
		"yaml":      string(y),
		"slog json": logged.String(),
		"slog text": textLogged.String(),
		"error":     fmt.Errorf("send: %v", s).Error(),
		"%d":        fmt.Sprintf(verbD, s),
		"%x":        fmt.Sprintf(verbX, s),
		"%10s":      fmt.Sprintf("%10s", s),
		"%T %v":     fmt.Sprintf("%T %v", s, []Secret{s}),
	}
	for name, out := range outputs {
		if strings.Contains(out, text) {
			t.Errorf("%s leaks the secret: %s", name, out)
		}
		if !strings.Contains(out, Redacted) {
			t.Errorf("%s does not show the placeholder: %s", name, out)
		}
	}
	if s.Reveal() != text {
		t.Errorf("Reveal = %q", s.Reveal())
	}
}

func TestEmptySecretPrintsEmpty(t *testing.T) {
	var s Secret
	if s.String() != "" || !s.IsZero() {
		t.Errorf("empty secret prints %q", s.String())
	}
}

func TestSecretUnmarshals(t *testing.T) {
	var h struct {
		Token Secret `json:"token" yaml:"token"`
	}
	if err := json.Unmarshal([]byte(`{"token":"abc"}`), &h); err != nil || h.Token.Reveal() != "abc" {
		t.Fatalf("json: %v %q", err, h.Token.Reveal())
	}
	if err := yaml.Unmarshal([]byte("token: def\n"), &h); err != nil || h.Token.Reveal() != "def" {
		t.Fatalf("yaml: %v %q", err, h.Token.Reveal())
	}
}

func TestResolve(t *testing.T) {
	files := map[string]string{"/run/token": "from-file\n", "/run/empty": "\n"}
	read := func(name string) ([]byte, error) {
		v, ok := files[name]
		if !ok {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		return []byte(v), nil
	}
	tests := []struct {
		name, file string
		value      Secret
		want       string
		wantErr    string
	}{
		{name: "inline", value: "abc", want: "abc"},
		{name: "file", file: "/run/token", want: "from-file"},
		{name: "both", value: "abc", file: "/run/token", wantErr: "both set"},
		{name: "missing file", file: "/run/nope", wantErr: "/run/nope"},
		{name: "empty file", file: "/run/empty", wantErr: "is empty"},
		{name: "neither", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Resolve("slack.url", tt.value, tt.file, read)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if tt.name == "missing file" && !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("err does not wrap ErrNotExist: %v", err)
				}
				return
			}
			if err != nil || got.Reveal() != tt.want {
				t.Fatalf("got %q, %v; want %q", got.Reveal(), err, tt.want)
			}
		})
	}
}

func TestExpandEnv(t *testing.T) {
	env := map[string]string{"HOOK": "https://hooks.example/x", "P": "pa$$"}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		in, want, wantErr string
	}{
		{in: "plain", want: "plain"},
		{in: "${HOOK}", want: "https://hooks.example/x"},
		{in: "a-${P}-b", want: "a-pa$$-b"},
		{in: "cost $5", want: "cost $5"},
		{in: "$$HOME", want: "$HOME"},
		{in: "trailing $", want: "trailing $"},
		{in: "${UNSET}", wantErr: "UNSET is not set"},
		{in: "x ${HOOK", wantErr: "byte 2: unterminated"},
		{in: "${1A}", wantErr: "not a variable name"},
		{in: "${}", wantErr: "not a variable name"},
	}
	for _, tt := range tests {
		got, err := ExpandEnv(tt.in, getenv)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ExpandEnv(%q) err = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ExpandEnv(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestRedactURL(t *testing.T) {
	tests := map[string]string{
		"https://hooks.slack.com/services/T000/B000/XXXX": "https://hooks.slack.com/…",
		"https://user:pass@example.com/hook?token=abc":    "https://example.com/…",
		"https://example.com":                             "https://example.com",
		"https://example.com/":                            "https://example.com",
		"http://127.0.0.1:8080/x":                         "http://127.0.0.1:8080/…",
		"not a url":                                       Redacted,
		"%zz":                                             Redacted,
	}
	for in, want := range tests {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFromRef(t *testing.T) {
	getenv := func(k string) string { return map[string]string{"SLACK_URL": "https://hooks.example/x"}[k] }
	read := func(name string) ([]byte, error) {
		if name == "/run/secrets/pd" {
			return []byte("key-from-file\n"), nil
		}
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	for ref, want := range map[string]string{
		"env:SLACK_URL":        "https://hooks.example/x",
		"file:/run/secrets/pd": "key-from-file",
		"env:UNSET":            "error: UNSET is not set",
		"env:1X":               "error: not a variable name",
		"file:":                "error: needs a path",
		"file:/nope":           "error: /nope",
	} {
		got, err := FromRef("--notify slack", ref, getenv, read)
		if w, ok := strings.CutPrefix(want, "error: "); ok {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("FromRef(%q) err = %v, want %q", ref, err, w)
			}
			continue
		}
		if err != nil || got.Reveal() != want {
			t.Errorf("FromRef(%q) = %q, %v; want %q", ref, got.Reveal(), err, want)
		}
	}
}
