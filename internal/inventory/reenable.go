package inventory

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// Reenable is what the snapshot knows of the one-time EventBridge
// Scheduler schedule `rootwatch backout --disable-actions --for D`
// leaves behind to re-enable an alarm's actions. It is read only for an
// alarm whose actions are disabled.
type Reenable struct {
	// Schedule is the schedule's name (ReenableScheduleName).
	Schedule string `json:"schedule"`
	// At is when the schedule re-enables the actions; zero when Err is
	// set.
	At time.Time `json:"at,omitzero"`
	// Err is set when the schedule could not be read: the actions may or
	// may not come back, and when is unknown.
	Err *ReadError `json:"error,omitempty"`
}

// ReenableScheduleName is the name backout gives the schedule (and the
// IAM role it runs as) that re-enables alarm's actions, and the name the
// audit reads: deterministic, so neither needs a list. Scheduler names
// are 1 to 64 of [0-9A-Za-z-_.] and IAM role names 1 to 64 of
// [A-Za-z0-9+=,.@_-]; an alarm name may be 255 characters of almost
// anything, so it is cut and cleaned, and a hash of the account, region
// and full name keeps two alarms (or one alarm name in two regions, IAM
// being global) apart.
func ReenableScheduleName(account, region, alarm string) string {
	const prefix = "rootwatch-reenable-"
	sum := sha256.Sum256([]byte(account + "\x00" + region + "\x00" + alarm))
	var b strings.Builder
	for _, r := range alarm {
		if b.Len() == 64-len(prefix)-1-8 {
			break
		}
		switch {
		case r >= '0' && r <= '9', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return prefix + b.String() + "-" + hex.EncodeToString(sum[:4])
}
