package secret

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// ReadFileFunc reads a file; os.ReadFile in production, a map in tests.
type ReadFileFunc func(name string) ([]byte, error)

// Resolve returns the secret for a config field that may be given inline
// (value) or as a file path (file, the "_file" variant used with Docker and
// Kubernetes secrets). Giving both is an error, because which one wins
// would be a guess. A file's trailing newline is dropped: editors add one.
// field names the setting in error messages, e.g. "slack.url".
func Resolve(field string, value Secret, file string, readFile ReadFileFunc) (Secret, error) {
	if file == "" {
		return value, nil
	}
	if !value.IsZero() {
		return "", fmt.Errorf("%s and %s_file are both set; give one", field, field)
	}
	if readFile == nil {
		return "", fmt.Errorf("%s_file %s: no file reader", field, file)
	}
	b, err := readFile(file)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			// The OS error already names the path; keep it once.
			return "", fmt.Errorf("%s_file: %w", field, err)
		}
		return "", fmt.Errorf("%s_file %s: %w", field, file, err)
	}
	v := strings.TrimRight(string(b), "\r\n")
	if v == "" {
		return "", fmt.Errorf("%s_file %s is empty", field, file)
	}
	return Secret(v), nil
}

// ExpandEnv replaces ${NAME} in s with getenv(NAME). Unlike os.ExpandEnv it
// refuses an unset or empty variable (a config that silently loses its
// webhook URL is worse than one that fails to load), leaves a bare $ alone
// (passwords contain them) and reads $$ as a literal $.
func ExpandEnv(s string, getenv func(string) string) (string, error) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '$' {
			b.WriteByte(c)
			continue
		}
		if i+1 < len(s) && s[i+1] == '$' {
			b.WriteByte('$')
			i++
			continue
		}
		if i+1 >= len(s) || s[i+1] != '{' {
			b.WriteByte('$')
			continue
		}
		end := strings.IndexByte(s[i+2:], '}')
		if end < 0 {
			return "", fmt.Errorf("byte %d: unterminated ${ (expected })", i)
		}
		name := s[i+2 : i+2+end]
		if !validEnvName(name) {
			return "", fmt.Errorf("byte %d: %q is not a variable name (expected letters, digits, _)", i, name)
		}
		v := getenv(name)
		if v == "" {
			return "", fmt.Errorf("byte %d: environment variable %s is not set", i, name)
		}
		b.WriteString(v)
		i += 2 + end
	}
	return b.String(), nil
}

func validEnvName(n string) bool {
	if n == "" {
		return false
	}
	for i, r := range n {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// Reference prefixes: a secret named instead of written out, so it never
// appears on a command line (where ps and shell history show it).
const (
	RefEnv  = "env:"
	RefFile = "file:"
)

// IsRef reports whether v names a secret (env:NAME or file:PATH).
func IsRef(v string) bool {
	return strings.HasPrefix(v, RefEnv) || strings.HasPrefix(v, RefFile)
}

// FromRef reads the secret that ref names: "env:NAME" (an unset or empty
// variable is an error, as in ExpandEnv) or "file:PATH" (as Resolve reads
// a _file). Errors name the reference, never the value.
func FromRef(field, ref string, getenv func(string) string, readFile ReadFileFunc) (Secret, error) {
	switch {
	case strings.HasPrefix(ref, RefEnv):
		name := strings.TrimPrefix(ref, RefEnv)
		if !validEnvName(name) {
			return "", fmt.Errorf("%s: %q is not a variable name (expected env:NAME)", field, name)
		}
		v := getenv(name)
		if v == "" {
			return "", fmt.Errorf("%s: environment variable %s is not set", field, name)
		}
		return Secret(v), nil
	case strings.HasPrefix(ref, RefFile):
		path := strings.TrimPrefix(ref, RefFile)
		if path == "" {
			return "", fmt.Errorf("%s: file: needs a path (expected file:PATH)", field)
		}
		return Resolve(field, "", path, readFile)
	}
	return "", fmt.Errorf("%s: expected env:NAME or file:PATH", field)
}
