// Package config reads rootwatch.yaml: the store, the listen address and
// the watch service's sources, detection and scheduled audit. Scalar values
// may use ${ENV} (expanded after parsing, so an environment value can never
// inject YAML); secrets may be given as NAME_file paths instead. The notify
// section belongs to internal/notify/build, which reads the same file.
package config

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/rootwatch/rootwatch/internal/secret"
)

// File is rootwatch.yaml as far as watch is concerned.
//
//	store: /var/lib/rootwatch/rootwatch.db     # or postgres://..., or store_file
//	listen: 127.0.0.1:9780
//	watch:
//	  mode: event                               # or alarm
//	  group_window: 1h
//	  sources:
//	    - sqs: {queue_url: https://sqs.eu-west-1.amazonaws.com/111122223333/cloudtrail}
//	    - cloudwatch: {log_group: aws-cloudtrail-logs, region: us-east-1}
//	    - http: {addr: 127.0.0.1:9781, path: /ingest, secret_file: /run/secrets/ingest}
//	    - dir: {path: /var/log/cloudtrail}
//	  audit: {every: 1h, correct: ask, level: info}
//	notify: ...                                  # see docs/notify.md
type File struct {
	Store     secret.Secret `yaml:"store"` // a PostgreSQL URL may hold a password
	StoreFile string        `yaml:"store_file"`
	Listen    string        `yaml:"listen"`
	Region    string        `yaml:"region"`
	Profile   string        `yaml:"profile"`
	Watch     Watch         `yaml:"watch"`
}

// Watch is the watch section.
type Watch struct {
	Mode        string        `yaml:"mode"`
	GroupWindow time.Duration `yaml:"group_window"`
	FlushDelay  time.Duration `yaml:"flush_delay"`
	// Lease is how long a replica owns the deliveries it claimed; those
	// of a replica that died are delivered by another after it.
	Lease   time.Duration `yaml:"lease"`
	Alarm   *Alarm        `yaml:"alarm"`
	Sources []Source      `yaml:"sources"`
	Audit   *Audit        `yaml:"audit"`
	Console *Console      `yaml:"console"`
}

// Console is the web console served on the listen address. Every key is
// also a flag of `rootwatch watch` (a test holds the two lists together).
type Console struct {
	Enabled bool `yaml:"enabled"`
	// URL is the external base URL (the OIDC redirect goes to
	// URL/auth/callback; proposals link to URL/corrections/ID).
	URL                  string        `yaml:"url"`
	OIDCIssuer           string        `yaml:"oidc_issuer"`
	OIDCClientID         string        `yaml:"oidc_client_id"`
	OIDCClientSecretFile string        `yaml:"oidc_client_secret_file"`
	OIDCScopes           []string      `yaml:"oidc_scopes"`
	GroupsClaim          string        `yaml:"groups_claim"`
	ViewerGroup          string        `yaml:"viewer_group"`
	ApproverGroup        string        `yaml:"approver_group"`
	TokenFile            string        `yaml:"token_file"`
	SessionTTL           time.Duration `yaml:"session_ttl"`
}

// Alarm overrides the CIS alarm parameters of alarm mode.
type Alarm struct {
	Period            time.Duration `yaml:"period"`
	Statistic         string        `yaml:"statistic"`
	Comparison        string        `yaml:"comparison"`
	Threshold         *float64      `yaml:"threshold"`
	EvaluationPeriods int           `yaml:"evaluation_periods"`
	DatapointsToAlarm int           `yaml:"datapoints_to_alarm"`
	TreatMissingData  string        `yaml:"treat_missing_data"`
	// DefaultValue is the metric filter's default value; "none" publishes
	// nothing for quiet periods (missing data).
	DefaultValue string `yaml:"default_value"`
}

// Source is one input: exactly one block set.
type Source struct {
	SQS        *SQSSource        `yaml:"sqs"`
	CloudWatch *CloudWatchSource `yaml:"cloudwatch"`
	HTTP       *HTTPSource       `yaml:"http"`
	Dir        *DirSource        `yaml:"dir"`
}

type SQSSource struct {
	QueueURL   string        `yaml:"queue_url"`
	Region     string        `yaml:"region"`
	Visibility time.Duration `yaml:"visibility_timeout"`
	Workers    int           `yaml:"workers"`
}

type CloudWatchSource struct {
	LogGroup string        `yaml:"log_group"`
	Region   string        `yaml:"region"`
	Interval time.Duration `yaml:"interval"`
	Lookback time.Duration `yaml:"lookback"`
}

type HTTPSource struct {
	Addr       string        `yaml:"addr"`
	Path       string        `yaml:"path"`
	Header     string        `yaml:"header"`
	Secret     secret.Secret `yaml:"secret"`
	SecretFile string        `yaml:"secret_file"`
	TLSCert    string        `yaml:"tls_cert"`
	TLSKey     string        `yaml:"tls_key"`
}

type DirSource struct {
	Path     string        `yaml:"path"`
	Interval time.Duration `yaml:"interval"`
	Settle   time.Duration `yaml:"settle"`
}

// Audit is detect-and-correct on a schedule. Every key is also a flag of
// `rootwatch watch` (a test holds the two lists together; docs/watch.md
// maps them to the seed pipeline's parameters).
type Audit struct {
	Every    time.Duration `yaml:"every"`
	Correct  string        `yaml:"correct"`
	Level    string        `yaml:"level"`
	Remind   time.Duration `yaml:"remind"`
	Org      bool          `yaml:"org"`
	RoleName string        `yaml:"role_name"`
	Regions  []string      `yaml:"regions"`
	// Email and Subscribe are the subscriptions a correction makes when
	// the chain has none (as fix's --email and --subscribe).
	Email     []string `yaml:"email"`
	Subscribe []string `yaml:"subscribe"`
	// Approvers decide proposed corrections (watch.CheckApprover).
	Approvers []string `yaml:"approvers"`
	// DefaultAction is notify, ask, correct or skip (default from correct).
	DefaultAction string   `yaml:"default_action"`
	Actions       []string `yaml:"actions"`
	// ProposalTTL is how long a proposal waits for a decision.
	ProposalTTL time.Duration   `yaml:"proposal_ttl"`
	Accounts    []AccountPolicy `yaml:"accounts"`
}

// AccountPolicy overrides the default action, the allowed actions or the
// approvers for the accounts it matches (IDs or shell patterns).
type AccountPolicy struct {
	Match         []string `yaml:"match"`
	DefaultAction string   `yaml:"default_action"`
	Actions       []string `yaml:"actions"`
	Approvers     []string `yaml:"approvers"`
}

// doc is the whole file: our keys strictly, the others (notify, and what
// other commands may add) left to their owners.
type doc struct {
	File `yaml:",inline"`
	Rest map[string]yaml.Node `yaml:",inline"`
}

// Env is what loading needs from the outside.
type Env struct {
	Getenv   func(string) string
	ReadFile secret.ReadFileFunc
}

// Parse reads a config file. Errors name the file and line.
func Parse(name string, r io.Reader, env Env) (File, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return File{}, fmt.Errorf("read %s: %w", name, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return File{}, fmt.Errorf("%s: %w", name, err)
	}
	if len(root.Content) == 0 {
		return File{}, fmt.Errorf("%s: empty file", name)
	}
	// Expand ${ENV} in our sections only; notify does its own.
	top := root.Content[0]
	if top.Kind != yaml.MappingNode {
		return File{}, fmt.Errorf("%s:%d: expected a mapping of settings", name, top.Line)
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		switch top.Content[i].Value {
		case "store", "store_file", "listen", "region", "profile", "watch":
			if err := expand(top.Content[i+1], name, env.Getenv); err != nil {
				return File{}, err
			}
		}
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value == "watch" {
			if err := checkKeys(top.Content[i+1], reflect.TypeOf(Watch{}), "watch"); err != nil {
				return File{}, fmt.Errorf("%s:%w", name, err)
			}
		}
	}
	var d doc
	if err := top.Decode(&d); err != nil {
		return File{}, fmt.Errorf("%s: %w", name, err)
	}
	f := d.File
	if f.Store, err = secret.Resolve("store", f.Store, f.StoreFile, env.ReadFile); err != nil {
		return File{}, fmt.Errorf("%s: %w", name, err)
	}
	f.StoreFile = ""
	for i, s := range f.Watch.Sources {
		if err := s.check(); err != nil {
			return File{}, fmt.Errorf("%s: watch.sources[%d]: %w", name, i, err)
		}
		if h := s.HTTP; h != nil {
			if h.Secret, err = secret.Resolve("secret", h.Secret, h.SecretFile, env.ReadFile); err != nil {
				return File{}, fmt.Errorf("%s: watch.sources[%d].http.%w", name, i, err)
			}
			h.SecretFile = ""
		}
	}
	return f, nil
}

func (s Source) check() error {
	n := 0
	for _, set := range []bool{s.SQS != nil, s.CloudWatch != nil, s.HTTP != nil, s.Dir != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("give exactly one of sqs, cloudwatch, http, dir (found %d)", n)
	}
	switch {
	case s.SQS != nil && s.SQS.QueueURL == "":
		return errors.New("sqs.queue_url is required")
	case s.CloudWatch != nil && s.CloudWatch.LogGroup == "":
		return errors.New("cloudwatch.log_group is required")
	case s.HTTP != nil && s.HTTP.Addr == "":
		return errors.New("http.addr is required")
	case s.Dir != nil && s.Dir.Path == "":
		return errors.New("dir.path is required")
	}
	return nil
}

// expand replaces ${ENV} in every scalar under n; errors carry the line.
func expand(n *yaml.Node, name string, getenv func(string) string) error {
	if n.Kind == yaml.ScalarNode {
		v, err := secret.ExpandEnv(n.Value, getenv)
		if err != nil {
			return fmt.Errorf("%s:%d: %w", name, n.Line, err)
		}
		if v != n.Value {
			// The node stays one scalar whatever the value holds; only
			// its type (number, duration) is resolved again.
			n.Value, n.Tag, n.Style = v, "", 0
		}
		return nil
	}
	for _, c := range n.Content {
		if err := expand(c, name, getenv); err != nil {
			return err
		}
	}
	return nil
}

// checkKeys reports the first mapping key under n that t (a struct, or a
// slice or pointer of one) does not declare, with its line: a typo in a
// setting must not silently fall back to a default.
func checkKeys(n *yaml.Node, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
		if n.Kind == yaml.SequenceNode {
			for i, c := range n.Content {
				if err := checkKeys(c, t, fmt.Sprintf("%s[%d]", path, i)); err != nil {
					return err
				}
			}
			return nil
		}
	}
	if t.Kind() != reflect.Struct || n.Kind != yaml.MappingNode {
		return nil
	}
	fields := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			fields[name] = f.Type
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		ft, ok := fields[k.Value]
		if !ok {
			known := make([]string, 0, len(fields))
			for name := range fields {
				known = append(known, name)
			}
			sort.Strings(known)
			return fmt.Errorf("%d: unknown setting %s.%s (expected one of %s)", k.Line, path, k.Value, strings.Join(known, ", "))
		}
		if err := checkKeys(n.Content[i+1], ft, path+"."+k.Value); err != nil {
			return err
		}
	}
	return nil
}
