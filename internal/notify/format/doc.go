// Package format renders an alert the same way for every notifier: a
// subject line that fits the tightest limit (SNS: under 100 characters)
// without losing what a reader needs to triage (the event and the
// account), a plain-text body with every detail and the full events, and
// a console link.
package format
