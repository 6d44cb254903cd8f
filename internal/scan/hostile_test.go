package scan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The hostile-input suite for scan (issue 13): input shaped by whoever
// holds the root credentials or shares the machine must never make a
// scan see nothing and call it clean.

const rootLine = `{"eventVersion":"1.09","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},"eventTime":"2024-06-02T10:04:40Z","eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.10","userAgent":"aws-cli/2","eventID":"EID","eventType":"AwsApiCall","recipientAccountId":"111122223333"}`

func rootRecord(id string) string { return strings.Replace(rootLine, "EID", id, 1) }

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func scanPaths(t *testing.T, ctx context.Context, cfg Config, paths ...string) *Result {
	t.Helper()
	res, err := Run(ctx, cfg, []Source{&Files{Paths: paths}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func problemsAbout(res *Result, s string) int {
	n := 0
	for _, p := range res.Problems {
		if strings.HasSuffix(p.Where, s) {
			n++
		}
	}
	return n
}

func TestHostileSymlinks(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	write(t, filepath.Join(real, "a.jsonl"), rootRecord("a")+"\n")
	write(t, filepath.Join(dir, "elsewhere", "b.jsonl"), rootRecord("b")+"\n")
	link := filepath.Join(dir, "link")
	must(t, os.Symlink(real, link))
	must(t, os.Symlink(filepath.Join(dir, "elsewhere"), filepath.Join(real, "sub")))
	must(t, os.Symlink(real, filepath.Join(real, "loop"))) // a loop back to the top
	must(t, os.Symlink(filepath.Join(dir, "elsewhere", "b.jsonl"), filepath.Join(real, "c.jsonl")))
	res := scanPaths(t, context.Background(), cisConfig(false), link)
	if res.Partial() || res.Stats.Matches != 2 || res.Stats.Units != 3 {
		t.Errorf("symlinked dir: %d matches in %d inputs, problems %+v; want 2 in 3 (a, sub/b, c -> b)", res.Stats.Matches, res.Stats.Units, res.Problems)
	}
	must(t, os.Symlink(filepath.Join(dir, "gone"), filepath.Join(real, "dangling.json")))
	res = scanPaths(t, context.Background(), cisConfig(false), link)
	if problemsAbout(res, "dangling.json") != 1 {
		t.Errorf("dangling link not named: %+v", res.Problems)
	}
}

func TestHostileUnreadableEntries(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads anything")
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a-locked", "x.json"), rootRecord("x"))
	write(t, filepath.Join(dir, "b.jsonl"), rootRecord("b")+"\n")
	write(t, filepath.Join(dir, "c-locked.json"), rootRecord("c"))
	write(t, filepath.Join(dir, "d", "e.jsonl"), rootRecord("e")+"\n")
	must(t, os.Chmod(filepath.Join(dir, "a-locked"), 0))
	must(t, os.Chmod(filepath.Join(dir, "c-locked.json"), 0))
	t.Cleanup(func() { os.Chmod(filepath.Join(dir, "a-locked"), 0o755) })
	res := scanPaths(t, context.Background(), cisConfig(false), dir)
	if res.Stats.Matches != 2 || problemsAbout(res, "a-locked") != 1 || problemsAbout(res, "c-locked.json") != 1 {
		t.Errorf("%d matches (want 2: b, d/e), problems %+v", res.Stats.Matches, res.Problems)
	}
}

func TestHostileEmptyInputs(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "files", "zero.json"), "")
	write(t, filepath.Join(dir, "files", "ok.jsonl"), rootRecord("ok")+"\n")
	must(t, os.MkdirAll(filepath.Join(dir, "empty"), 0o755))
	write(t, filepath.Join(dir, "docs", "README.md"), "# not logs\n")
	res := scanPaths(t, context.Background(), cisConfig(false), filepath.Join(dir, "files"), filepath.Join(dir, "empty"), filepath.Join(dir, "docs"))
	if res.Stats.Matches != 1 || problemsAbout(res, "zero.json") != 1 || problemsAbout(res, "/empty") != 1 || problemsAbout(res, "/docs") != 1 {
		t.Errorf("%d matches, problems %+v; want zero.json, empty and docs named", res.Stats.Matches, res.Problems)
	}
}

// A JSON Lines line over the value limit hides nothing after it.
func TestHostileOverlongLine(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "flood.jsonl")
	long := `{"eventVersion":"1.09","userIdentity":{"type":"Root"},"userAgent":"` + strings.Repeat("A", 300<<10) + `"}`
	write(t, path, rootRecord("1")+"\n"+long+"\n"+rootRecord("2")+"\n"+rootRecord("3")+"\n")
	cfg := cisConfig(false)
	cfg.MaxValue = 64 << 10 // below the 256 KiB window: the window is the limit
	res := scanPaths(t, context.Background(), cfg, path)
	off := len(rootRecord("1")) + 1
	if res.Stats.Matches != 3 || len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Msg, "byte "+itoa(off)) {
		t.Errorf("%d matches (want 3), problems %+v (want one at byte %d)", res.Stats.Matches, res.Problems, off)
	}
}

func TestHostileFIFOInWalkIsNamed(t *testing.T) {
	dir := t.TempDir()
	must(t, syscall.Mkfifo(filepath.Join(dir, "trap.json"), 0o644))
	write(t, filepath.Join(dir, "z.jsonl"), rootRecord("z")+"\n")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res := scanPaths(t, ctx, cisConfig(false), dir)
	if res.Stats.Matches != 1 || problemsAbout(res, "trap.json") != 1 {
		t.Errorf("%d matches, problems %+v", res.Stats.Matches, res.Problems)
	}
}

// A FIFO named on the command line is read when a writer comes, and a
// cancel ends the wait when none does.
func TestHostileNamedFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	must(t, syscall.Mkfifo(fifo, 0o644))

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := Run(ctx, cisConfig(false), []Source{&Files{Paths: []string{fifo}}})
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled scan of a FIFO without writer: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a FIFO without writer blocked the scan past its cancel")
	}

	res := make(chan *Result, 1)
	go func() {
		r, err := Run(context.Background(), cisConfig(false), []Source{&Files{Paths: []string{fifo}}})
		if err != nil {
			t.Error(err)
		}
		res <- r
	}()
	w, err := os.OpenFile(fifo, os.O_WRONLY, 0) // blocks until the scan opened it
	if err != nil {
		t.Fatal(err)
	}
	w.WriteString(rootRecord("f1") + "\n")
	w.WriteString(rootRecord("f2") + "\n")
	w.Close()
	select {
	case r := <-res:
		if r.Stats.Matches != 2 || r.Partial() {
			t.Errorf("FIFO: %d matches, problems %+v", r.Stats.Matches, r.Problems)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("FIFO scan did not end after its writer closed")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
