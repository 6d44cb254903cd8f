package build

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"

	"github.com/rootwatch/rootwatch/internal/notify/email"
	"github.com/rootwatch/rootwatch/internal/notify/pagerduty"
	"github.com/rootwatch/rootwatch/internal/notify/route"
	"github.com/rootwatch/rootwatch/internal/notify/slack"
	"github.com/rootwatch/rootwatch/internal/notify/sns"
	"github.com/rootwatch/rootwatch/internal/notify/stdout"
	"github.com/rootwatch/rootwatch/internal/notify/teams"
	"github.com/rootwatch/rootwatch/internal/notify/webhook"
)

// Config is the "notify:" section of rootwatch.yaml. String values may use
// ${ENV}; secrets may be given as NAME_file paths instead.
//
//	notify:
//	  level: info
//	  notifiers:
//	    - name: sec-slack
//	      slack: {url_file: /run/secrets/slack_url}
//	    - name: pager
//	      level: error
//	      pagerduty: {routing_key: ${PD_KEY}}
//	  routes:
//	    - accounts: [prod-*]
//	      notifiers: [pager, sec-slack]
type Config struct {
	// Level is the default level of notifiers that set none (and of
	// --notify specs): error, info (default) or verbose.
	Level     string           `yaml:"level"`
	Notifiers []NotifierConfig `yaml:"notifiers"`
	Routes    []route.Route    `yaml:"routes"`
	// Default names the notifiers for alerts no route matches (default:
	// all of them).
	Default []string `yaml:"default"`
	// SMTP is the relay that email: specs send through.
	SMTP *email.Config `yaml:"smtp"`
	// Levels sets the level of notifiers by name (--notify-level
	// NAME=LEVEL, which also reaches the notifiers --notify makes).
	Levels map[string]string `yaml:"-"`
}

// NotifierConfig is one named notifier: a name, a level and exactly one
// kind block.
type NotifierConfig struct {
	Name      string            `yaml:"name"`
	Level     string            `yaml:"level"`
	Webhook   *webhook.Config   `yaml:"webhook"`
	Slack     *slack.Config     `yaml:"slack"`
	Teams     *teams.Config     `yaml:"teams"`
	SNS       *sns.Config       `yaml:"sns"`
	Email     *email.Config     `yaml:"email"`
	PagerDuty *pagerduty.Config `yaml:"pagerduty"`
	Stdout    *stdout.Config    `yaml:"stdout"`
}

// kind returns the one kind block that is set.
func (n NotifierConfig) kind() (string, error) {
	var kinds []string
	add := func(set bool, k string) {
		if set {
			kinds = append(kinds, k)
		}
	}
	add(n.Webhook != nil, KindWebhook)
	add(n.Slack != nil, KindSlack)
	add(n.Teams != nil, KindTeams)
	add(n.SNS != nil, KindSNS)
	add(n.Email != nil, KindEmail)
	add(n.PagerDuty != nil, KindPagerDuty)
	add(n.Stdout != nil, KindStdout)
	switch len(kinds) {
	case 1:
		return kinds[0], nil
	case 0:
		return "", fmt.Errorf("no kind block (expected one of %v)", Kinds)
	}
	return "", fmt.Errorf("several kind blocks %v; give one per notifier", kinds)
}

// file is rootwatch.yaml as far as notifiers are concerned: the notify
// section is decoded strictly, every other top-level key is left to its
// owner.
type file struct {
	Notify Config               `yaml:"notify"`
	Rest   map[string]yaml.Node `yaml:",inline"`
}

// ParseFile reads the notify section of a rootwatch.yaml. Unknown keys in
// that section are errors with their line, as are type mismatches.
// name labels errors (the file path).
func ParseFile(name string, r io.Reader) (Config, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Config{}, fmt.Errorf("read %s: %w", name, err)
	}
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return Config{}, fmt.Errorf("%s: empty file", name)
		}
		return Config{}, fmt.Errorf("%s: %w", name, err)
	}
	return f.Notify, nil
}
