package stdout

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify"
	"github.com/rootwatch/rootwatch/internal/notify/notifytest"
)

type lockedBuffer struct {
	mu sync.Mutex
	bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.Buffer.Write(p)
}

func TestOneLinePerAlertConcurrently(t *testing.T) {
	var buf lockedBuffer
	n, err := New(Config{}, Deps{Out: &buf})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if err := n.Notify(context.Background(), notifytest.Alert()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	sc := bufio.NewScanner(&buf.Buffer)
	sc.Buffer(nil, 1<<20)
	lines := 0
	for sc.Scan() {
		var a alert.Alert
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("line %d: %v", lines+1, err)
		}
		if a.ID != notifytest.Alert().ID || a.Severity != alert.SeverityCritical || len(a.Events) != 2 {
			t.Errorf("line %d: %+v", lines+1, a)
		}
		lines++
	}
	if lines != 20 {
		t.Errorf("%d lines, want 20", lines)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestWriteErrorRetryable(t *testing.T) {
	n, _ := New(Config{}, Deps{Out: failingWriter{}})
	err := n.Notify(context.Background(), notifytest.Alert())
	if err == nil || !notify.Retryable(err) {
		t.Errorf("err = %v", err)
	}
	if _, err := New(Config{}, Deps{}); err == nil {
		t.Error("New without writer succeeded")
	}
}
