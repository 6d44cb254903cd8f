package detect

import (
	"fmt"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
)

// UnreadableAlert reports an input of source (a file) that could not be
// read: whatever root activity it holds is unseen, which is news in its
// own right, never silence. Its ID depends only on the source, the input
// and the cause, so the same failure is one alert however often it is
// found, and a different failure of the same input is a new one.
func UnreadableAlert(source, input, cause string, now time.Time) alert.Alert {
	return alert.Alert{
		ID:       alertID(alert.RuleInputUnreadable, source, input, cause),
		Rule:     alert.RuleInputUnreadable,
		Kind:     alert.KindInput,
		Severity: alert.SeverityWarning,
		Title:    "Input cannot be read: " + input,
		Summary: fmt.Sprintf("rootwatch cannot read %s (%s) from source %s, so root activity it holds is not seen. "+
			"It is tried again on every scan and read once it can be.", input, cause, source),
		Created: now.UTC(),
		Details: map[string]string{"source": source, "input": input, "cause": cause},
	}
}
