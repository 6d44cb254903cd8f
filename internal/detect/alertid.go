package detect

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// alertID is stable for the same facts (rule, grouping key, the events or
// the transition covered), so an alert rebuilt after a crash carries the
// ID it had before and receivers can drop the duplicate.
func alertID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return "rw-" + hex.EncodeToString(h.Sum(nil)[:12])
}

// joinIDs stands for the events of ms in an alert ID: their IDs joined
// by commas, hashed once there are more than an alert lists, so the ID of
// a huge session costs no more memory than a small one's.
func joinIDs(ms []Match) string {
	if len(ms) <= MaxAlertEventIDs {
		ids := make([]string, len(ms))
		for i, m := range ms {
			ids[i] = m.Event.ID
		}
		return strings.Join(ids, ",")
	}
	h := sha256.New()
	for i, m := range ms {
		if i > 0 {
			h.Write([]byte{','})
		}
		h.Write([]byte(m.Event.ID))
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
