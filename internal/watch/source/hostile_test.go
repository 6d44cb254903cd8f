package source

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/secret"
)

// Hostile inputs against the sources: each test is an attack that once
// blinded, flooded or misled watch.

// syncBuffer is a log destination the server goroutines can share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// manualClock is a clock the test moves.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *manualClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Anyone who can reach the endpoint can fail to authenticate: a log line
// per request lets them fill the disk. One line a minute, with a count.
func TestHostileAuthFailuresRateLimited(t *testing.T) {
	logs := &syncBuffer{}
	clock := &manualClock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	src, err := NewHTTP(HTTPConfig{Addr: "127.0.0.1:0", Path: "/ingest", Secret: secret.Secret("s3cr3t"),
		Now: clock.Now, Log: slog.New(slog.NewJSONHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	cancel := run(t, src, newFakeSink())
	url := "http://" + src.Addr() + "/ingest"
	post := func() {
		t.Helper()
		resp, err := http.Post(url, "application/json", strings.NewReader(eventBridge(rec("x"))))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401", resp.StatusCode)
		}
	}
	lines := func() []string {
		var out []string
		for _, l := range strings.Split(logs.String(), "\n") {
			if strings.Contains(l, "without a valid secret") {
				out = append(out, l)
			}
		}
		return out
	}
	for range 200 {
		post()
	}
	if got := lines(); len(got) != 1 || !strings.Contains(got[0], `"count":1`) {
		t.Fatalf("200 failures in one minute logged %d lines, want 1 with count 1:\n%s", len(got), strings.Join(got, "\n"))
	}
	clock.Add(61 * time.Second)
	post()
	if got := lines(); len(got) != 2 || !strings.Contains(got[1], `"count":200`) {
		t.Fatalf("after a minute: %d lines, want a second one counting the 199 held back and this one:\n%s", len(got), strings.Join(got, "\n"))
	}
	post()
	cancel()
	// Run's cleanup waits for the source; what was held back is logged then.
	deadline := time.After(10 * time.Second)
	for len(lines()) < 3 {
		select {
		case <-deadline:
			t.Fatalf("the failure held back at shutdown was never logged:\n%s", logs.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	if got := lines(); !strings.Contains(got[2], `"count":1`) {
		t.Errorf("shutdown line = %s, want count 1", got[2])
	}
}

// An ingest endpoint on every interface, in clear text, is said out loud
// at start; loopback or TLS is not.
func TestHostileListenerExposedWarns(t *testing.T) {
	tests := []struct {
		addr string
		warn bool
	}{
		{"127.0.0.1:0", false},
		{"localhost:0", false},
		{":0", true},
		{"0.0.0.0:0", true},
	}
	for _, tt := range tests {
		logs := &syncBuffer{}
		src, err := NewHTTP(HTTPConfig{Addr: tt.addr, Secret: secret.Secret("s"), Log: slog.New(slog.NewJSONHandler(logs, nil))})
		if err != nil {
			t.Fatalf("%s: %v", tt.addr, err)
		}
		_ = src.l.Close()
		if got := strings.Contains(logs.String(), "without TLS"); got != tt.warn {
			t.Errorf("%s: warned = %v, want %v (log: %s)", tt.addr, got, tt.warn, logs.String())
		}
	}
}

// dirRun runs a directory source over dir, scanning every 5 ms.
func dirRun(t *testing.T, dir string) (*fakeSink, context.CancelFunc) {
	t.Helper()
	src, err := NewDir(DirConfig{Path: dir, Interval: 5 * time.Millisecond, Settle: -1})
	if err != nil {
		t.Fatal(err)
	}
	sink := newFakeSink()
	return sink, run(t, src, sink)
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

func logFile(ids ...string) string {
	var rs []string
	for _, id := range ids {
		rs = append(rs, rec(id))
	}
	return `{"Records":[` + strings.Join(rs, ",") + `]}`
}

// A watched directory that is a symbolic link (a "current" link a
// collector rotates) was watched as empty, without an error.
func TestHostileDirSymlinkedRoot(t *testing.T) {
	real := t.TempDir()
	writeFile(t, filepath.Join(real, "AWSLogs", "a.json"), logFile("sym-1"))
	link := filepath.Join(t.TempDir(), "current")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	sink, _ := dirRun(t, link)
	wait(t, "the record behind the link", func() bool { return len(sink.got()) == 1 }, sink.delivered)
	if _, err := NewDir(DirConfig{Path: filepath.Join(t.TempDir(), "nowhere")}); err == nil {
		t.Error("a directory that does not exist accepted")
	}
	dangling := filepath.Join(t.TempDir(), "dangling")
	if err := os.Symlink(filepath.Join(real, "gone"), dangling); err != nil {
		t.Fatal(err)
	}
	if _, err := NewDir(DirConfig{Path: dangling}); err == nil {
		t.Error("a link to nothing accepted as the directory")
	}
}

// Symbolic links inside are followed (files and directories); a link loop
// ends, and each file is read once.
func TestHostileDirSymlinkLoop(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	writeFile(t, filepath.Join(dir, "a", "1.json"), logFile("loop-1"))
	writeFile(t, filepath.Join(outside, "2.json"), logFile("loop-2"))
	for link, target := range map[string]string{
		filepath.Join(dir, "a", "up"):   dir,                              // a loop
		filepath.Join(dir, "again"):     filepath.Join(dir, "a"),          // a second way in
		filepath.Join(dir, "ext"):       outside,                          // a linked directory
		filepath.Join(dir, "b-ln.json"): filepath.Join(outside, "2.json"), // a linked file
	} {
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
	}
	sink, cancel := dirRun(t, dir)
	wait(t, "three files", func() bool { return len(sink.got()) >= 3 }, sink.delivered)
	// A later file is read too: the scans after the first end as well.
	writeFile(t, filepath.Join(dir, "z.json"), logFile("loop-3"))
	wait(t, "a file written later", func() bool { return len(sink.got()) >= 4 }, sink.delivered)
	cancel()
	got := ids(sink.got())
	n := map[string]int{}
	for _, id := range got {
		n[id]++
	}
	// loop-2 is reachable as ext/2.json and b-ln.json: two names, two
	// checkpoints (the store's seen table drops the second); loop-1 once.
	if n["loop-1"] != 1 || n["loop-2"] != 2 || n["loop-3"] != 1 {
		t.Errorf("records = %v", got)
	}
	if u := sink.gotUnreadable(); len(u) != 0 {
		t.Errorf("reported unreadable: %v", u)
	}
}

// One unreadable entry stopped every file that sorts after it, forever.
// Now the others are read, the entry is reported once (not on every
// scan), and it is read once it can be.
func TestHostileDirUnreadableEntry(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(t.TempDir(), "late.json")
	if err := os.Symlink(target, filepath.Join(dir, "a-dangling.json")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "b.json"), logFile("after-1"))
	writeFile(t, filepath.Join(dir, "z", "c.json"), logFile("after-2"))
	sink, _ := dirRun(t, dir)
	wait(t, "the files after the unreadable one", func() bool { return len(sink.got()) == 2 }, sink.delivered)
	wait(t, "the report", func() bool { return len(sink.gotUnreadable()) > 0 }, nil)
	// Scans go on (a new file is read); the report must not repeat.
	writeFile(t, filepath.Join(dir, "d.json"), logFile("after-3"))
	wait(t, "a file written later", func() bool { return len(sink.got()) == 3 }, sink.delivered)
	if u := sink.gotUnreadable(); len(u) != 1 || !strings.Contains(u[0], "a-dangling.json") || !strings.Contains(u[0], "no such file") {
		t.Fatalf("unreadable reports = %q, want one naming a-dangling.json", u)
	}
	writeFile(t, target, logFile("late-1"))
	wait(t, "the entry once readable", func() bool { return strings.Contains(strings.Join(ids(sink.got()), ","), "late-1") }, sink.delivered)
}

// A file whose reads fail (a bad disk: /proc/self/mem fails every read at
// offset 0 with EIO, even for root) was logged as bad CloudTrail,
// checkpointed and never read again. It is reported and retried.
func TestHostileDirReadError(t *testing.T) {
	if f, err := os.Open("/proc/self/mem"); err != nil {
		t.Skip("no /proc/self/mem:", err)
	} else {
		f.Close()
	}
	dir := t.TempDir()
	if err := os.Symlink("/proc/self/mem", filepath.Join(dir, "a.json")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "b.json"), logFile("eio-after"))
	sink, _ := dirRun(t, dir)
	wait(t, "the file after", func() bool { return len(sink.got()) == 1 }, sink.delivered)
	wait(t, "the report", func() bool { return len(sink.gotUnreadable()) > 0 }, nil)
	sink.mu.Lock()
	_, checkpointed := sink.checkpoints["dir:"+dir+"/a.json"]
	sink.mu.Unlock()
	if checkpointed {
		t.Error("a file that could not be read was checkpointed: it would never be read again")
	}
	if u := sink.gotUnreadable(); !strings.Contains(u[0], "input/output error") {
		t.Errorf("report = %q", u)
	}
}

// A file without read permission (root reads anything, so this needs an
// ordinary user).
func TestHostileDirPermissionDenied(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads files without permission; TestHostileDirUnreadableEntry covers the path")
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.json"), logFile("denied"))
	if err := os.Chmod(filepath.Join(dir, "a.json"), 0); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "b.json"), logFile("after"))
	sink, _ := dirRun(t, dir)
	wait(t, "the file after", func() bool { return len(sink.got()) == 1 }, sink.delivered)
	wait(t, "the report", func() bool { return len(sink.gotUnreadable()) == 1 }, nil)
	if err := os.Chmod(filepath.Join(dir, "a.json"), 0o600); err != nil {
		t.Fatal(err)
	}
	wait(t, "the file once readable", func() bool { return len(sink.got()) == 2 }, sink.delivered)
}

// A FIFO named like a log file (directly, or behind a link) must never
// block the scan, nor shutdown: it is reported, and the rest is read.
func TestHostileDirFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "a.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	if err := os.Symlink(fifo, filepath.Join(dir, "b-link.json")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "c.json"), logFile("fifo-after"))
	sink, cancel := dirRun(t, dir)
	wait(t, "the file after the FIFOs", func() bool { return len(sink.got()) == 1 }, sink.delivered)
	wait(t, "both reports", func() bool { return len(sink.gotUnreadable()) == 2 }, nil)
	for _, u := range sink.gotUnreadable() {
		if !strings.Contains(u, "not a regular file") {
			t.Errorf("report = %q", u)
		}
	}
	cancel() // the cleanup fails the test if Run does not return
}

// A FIFO swapped in between listing and opening must not block either.
func TestHostileOpenRegularFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "f.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	done := make(chan error, 1)
	go func() {
		fh, err := openRegular(fifo)
		if fh != nil {
			fh.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("openRegular(FIFO) = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("opening a FIFO blocked")
	}
}
