// Package route decides which notifiers receive an alert: notification
// levels (error < info < verbose, as the Flowpipe CIS pipeline's
// notification_level) and routes that match rules, accounts and severity
// and name the notifiers to send to (as alertmanager's routing tree, kept
// flat).
package route

import (
	"fmt"
	"strings"

	"github.com/rootwatch/rootwatch/internal/alert"
)

// Level is how much a notifier wants to hear. A notifier at a level gets
// every message of that level and the levels below it.
type Level int

const (
	// LevelError: only failures and critical alerts (root used, the
	// monitoring chain broken or an audit run that failed).
	LevelError Level = iota + 1
	// LevelInfo: detections and changes (a chain that healed, an alarm
	// back to OK) as well as errors. The default.
	LevelInfo
	// LevelVerbose: everything, including each scheduled audit's summary.
	LevelVerbose
)

// DefaultLevel is what a notifier without a level gets.
const DefaultLevel = LevelInfo

// DetailLevel is the Details key with which a producer can state an
// alert's level outright ("verbose" for a run summary, say).
const DetailLevel = "notification_level"

func (l Level) String() string {
	switch l {
	case LevelError:
		return "error"
	case LevelInfo:
		return "info"
	case LevelVerbose:
		return "verbose"
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// ParseLevel reads "error", "info" or "verbose"; empty is DefaultLevel.
func ParseLevel(s string) (Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return DefaultLevel, nil
	case "error":
		return LevelError, nil
	case "info":
		return LevelInfo, nil
	case "verbose":
		return LevelVerbose, nil
	}
	return 0, fmt.Errorf("level %q: expected error, info or verbose", s)
}

// UnmarshalText lets YAML and flags hold a Level.
func (l *Level) UnmarshalText(b []byte) error {
	v, err := ParseLevel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// MarshalText writes the level's name.
func (l Level) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// Of is the level at which a is worth a message:
//   - an explicit Details["notification_level"] wins;
//   - critical alerts, and audit alerts in a failing state (FAIL, ALARM,
//     ERROR), are errors;
//   - an audit alert with no state is about the run: a warning or worse
//     means the run failed (error), info is its summary (verbose);
//   - an audit whose state did not change is a run summary: verbose;
//   - everything else (detections, state changes, tests) is info.
func Of(a alert.Alert) Level {
	if l, err := ParseLevel(a.Details[DetailLevel]); err == nil && a.Details[DetailLevel] != "" {
		return l
	}
	if a.Severity == alert.SeverityCritical {
		return LevelError
	}
	if a.Kind == alert.KindAudit {
		if a.State == "" {
			if a.Severity >= alert.SeverityWarning {
				return LevelError
			}
			return LevelVerbose
		}
		switch strings.ToUpper(a.State) {
		case "FAIL", "ALARM", "ERROR", "UNKNOWN":
			return LevelError
		}
		if a.PreviousState == "" || strings.EqualFold(a.PreviousState, a.State) {
			return LevelVerbose
		}
	}
	return LevelInfo
}
