package route

import (
	"errors"
	"fmt"
	"path"
	"slices"

	"github.com/rootwatch/rootwatch/internal/alert"
)

// Route sends the alerts it matches to the named notifiers. Empty match
// fields match everything.
type Route struct {
	// Rules are rule names or shell patterns ("cis-4.3-*").
	Rules []string `yaml:"rules"`
	// Accounts are account IDs, aliases or organization names, or patterns.
	Accounts []string `yaml:"accounts"`
	// MinSeverity is info, warning or critical.
	MinSeverity string `yaml:"min_severity"`
	// Notifiers names where matching alerts go.
	Notifiers []string `yaml:"notifiers"`
	// Continue keeps looking at later routes after this one matched;
	// otherwise the first match wins.
	Continue bool `yaml:"continue"`
	// Level, when set, limits the route to alerts at that level or below
	// (error < info < verbose): a route at error pages for breakages and
	// lets the rest fall through to later routes. The notifiers' own
	// levels still apply.
	Level string `yaml:"level"`
}

// Config is the routing section.
type Config struct {
	Routes []Route `yaml:"routes"`
	// Default names the notifiers for alerts no route matches; empty means
	// every notifier, so an alert is never dropped for want of a route.
	Default []string `yaml:"default"`
}

// Router is a checked Config plus each notifier's level. It is immutable
// and safe for concurrent use.
type Router struct {
	routes []compiled
	def    []string
	all    []string
	levels map[string]Level
}

type compiled struct {
	Route
	minSeverity alert.Severity
	level       Level // 0: any
}

// New checks cfg against the notifiers it may name (name → level).
func New(cfg Config, notifiers map[string]Level, order []string) (*Router, error) {
	if len(order) == 0 {
		return nil, errors.New("no notifiers")
	}
	r := &Router{levels: notifiers, all: order}
	known := func(where string, names []string) error {
		if len(names) == 0 && where != "default" {
			return fmt.Errorf("%s: notifiers is empty", where)
		}
		for _, n := range names {
			if _, ok := notifiers[n]; !ok {
				return fmt.Errorf("%s: no notifier named %q (have %v)", where, n, order)
			}
		}
		return nil
	}
	for i, rt := range cfg.Routes {
		where := fmt.Sprintf("routes[%d]", i)
		if err := known(where, rt.Notifiers); err != nil {
			return nil, err
		}
		for _, p := range append(slices.Clone(rt.Rules), rt.Accounts...) {
			if _, err := path.Match(p, ""); err != nil {
				return nil, fmt.Errorf("%s: bad pattern %q: %w", where, p, err)
			}
		}
		c := compiled{Route: rt}
		if rt.MinSeverity != "" {
			c.minSeverity = alert.ParseSeverity(rt.MinSeverity)
			if c.minSeverity == 0 {
				return nil, fmt.Errorf("%s: min_severity %q: expected info, warning or critical", where, rt.MinSeverity)
			}
		}
		if rt.Level != "" {
			l, err := ParseLevel(rt.Level)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			c.level = l
		}
		r.routes = append(r.routes, c)
	}
	if err := known("default", cfg.Default); err != nil {
		return nil, err
	}
	r.def = cfg.Default
	if len(r.def) == 0 {
		r.def = order
	}
	return r, nil
}

// Route returns the notifiers that receive a, in configuration order,
// each once, after routes and levels.
func (r *Router) Route(a alert.Alert) []string {
	var picked []string
	matched := false
	for _, rt := range r.routes {
		if !rt.matches(a) {
			continue
		}
		matched = true
		picked = append(picked, rt.Notifiers...)
		if !rt.Continue {
			break
		}
	}
	if !matched {
		picked = r.def
	}
	level := Of(a)
	var out []string
	for _, name := range r.all {
		if slices.Contains(picked, name) && level <= r.levels[name] {
			out = append(out, name)
		}
	}
	return out
}

// Wants reports whether notifier name receives a.
func (r *Router) Wants(name string, a alert.Alert) bool {
	return slices.Contains(r.Route(a), name)
}

func (c compiled) matches(a alert.Alert) bool {
	if c.minSeverity != 0 && a.Severity < c.minSeverity {
		return false
	}
	if c.level != 0 && Of(a) > c.level {
		return false
	}
	if len(c.Rules) > 0 && !anyMatch(c.Rules, a.Rule) {
		return false
	}
	if len(c.Accounts) > 0 && !anyMatch(c.Accounts, a.Account, a.AccountAlias, a.AccountName) {
		return false
	}
	return true
}

func anyMatch(patterns []string, values ...string) bool {
	for _, p := range patterns {
		for _, v := range values {
			if v == "" {
				continue
			}
			if ok, _ := path.Match(p, v); ok {
				return true
			}
		}
	}
	return false
}
