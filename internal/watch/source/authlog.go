package source

import (
	"sync"
	"time"
)

// authLogEvery is how often failed authentications are logged: anyone who
// can reach the ingest endpoint can fail to authenticate, and a line per
// request would let them fill the disk and drown the other logs.
const authLogEvery = time.Minute

// authFailures counts failed authentications between log lines. It needs
// no goroutine: a failure logs when the last line is a minute old, and the
// source flushes what is left when it stops.
type authFailures struct {
	mu         sync.Mutex
	count      int
	lastRemote string
	logged     time.Time
}

// note counts one failure at now from remote. When a line is due it
// returns the failures since the previous line (this one included).
func (a *authFailures) note(now time.Time, remote string) (int, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.count++
	a.lastRemote = remote
	if !a.logged.IsZero() && now.Sub(a.logged) < authLogEvery {
		return 0, false
	}
	n := a.count
	a.count, a.logged = 0, now
	return n, true
}

// flush returns the failures not logged yet and the last remote address.
func (a *authFailures) flush() (int, string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := a.count
	a.count = 0
	return n, a.lastRemote
}

func (h *HTTP) logDenied(n int, remote string) {
	h.c.Log.Warn("ingest requests without a valid secret (logged at most once a minute)",
		"count", n, "last_remote", remote, "source", h.Name())
}
