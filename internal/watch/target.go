package watch

import (
	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify"
)

// Target is one configured receiver. Name is stable across restarts (the
// outbox rows name it); Wants applies its level and routes (nil: every
// alert).
type Target struct {
	Name     string
	Notifier notify.Notifier
	Wants    func(alert.Alert) bool
}

func (t Target) wants(a alert.Alert) bool { return t.Wants == nil || t.Wants(a) }
