package scan

import (
	"bytes"
	"encoding/json"
	"hash/maphash"
	"time"

	"github.com/rootwatch/rootwatch/internal/cloudtrail"
)

// An event is delivered twice when an organization trail and an account
// trail both log it: the two copies share eventID, eventTime, eventName
// and recipient account. eventID alone is not a key: real records reuse
// IDs across accounts and times (AWS documentation examples, test data
// replayed into several accounts), and keying on it collapsed 33
// different root events into one.
//
// A record without an eventID is keyed by its content: its bytes with
// the white space between JSON tokens removed, so the same record
// delivered compact and pretty-printed is one event. Two records that
// are byte for byte the same carry nothing that tells them apart; any
// other difference (even key order) keeps both, which errs towards
// reporting an event twice, never towards hiding one.
//
// Keys are 128-bit keyed hashes (two maphash seeds chosen at start, so
// input cannot be crafted to collide): a collision between two distinct
// events among 2^21 has a probability near 2^-87.

// maxDedupKeys bounds the dedup set (about 40 bytes a key, 80 MB at
// most). Past it, findings are no longer deduplicated and the report
// says so: a duplicate may then be reported twice, a distinct event is
// never dropped.
const maxDedupKeys = 2 << 20

type dedupKey [2]uint64

type dedup struct {
	seeds [2]maphash.Seed
	seen  map[dedupKey]struct{}
	max   int
	// Full is set once the set reached max and stopped growing.
	full bool
}

func newDedup(max int) *dedup {
	if max <= 0 {
		max = maxDedupKeys
	}
	return &dedup{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, seen: map[dedupKey]struct{}{}, max: max}
}

// key returns the identity of the event rec, reported as a CIS match or
// not: the two kinds are deduplicated apart, so --all-root never changes
// the CIS findings.
func (d *dedup) key(rec *cloudtrail.Record, cis bool) dedupKey {
	var b bytes.Buffer
	if cis {
		b.WriteString("cis\x00")
	} else {
		b.WriteString("excluded\x00")
	}
	if rec.EventID != "" {
		t := ""
		if !rec.EventTime.IsZero() {
			t = rec.EventTime.UTC().Format(time.RFC3339Nano)
		}
		for _, s := range []string{"id", rec.EventID, t, rec.EventName, rec.Account()} {
			b.WriteString(s)
			b.WriteByte(0)
		}
	} else {
		b.WriteString("raw\x00")
		if json.Compact(&b, rec.Raw) != nil {
			b.Write(rec.Raw)
		}
	}
	return dedupKey{maphash.Bytes(d.seeds[0], b.Bytes()), maphash.Bytes(d.seeds[1], b.Bytes())}
}

// first reports whether k is seen for the first time (always true once
// the set is full).
func (d *dedup) first(k dedupKey) bool {
	if _, ok := d.seen[k]; ok {
		return false
	}
	if len(d.seen) >= d.max {
		d.full = true
		return true
	}
	d.seen[k] = struct{}{}
	return true
}
