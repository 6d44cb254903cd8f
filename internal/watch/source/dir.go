package source

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rootwatch/rootwatch/internal/cloudtrail"
)

// DirConfig configures a directory source: CloudTrail files (any shape
// scan reads, gzip or not) that appear under Path, recursively, as an
// on-prem collector or a test writes them.
type DirConfig struct {
	Path string
	// Interval between directory scans (default 2 s).
	Interval time.Duration
	// Settle is how long a file must go unmodified before it is read, so a
	// file still being written is not read half-way (0 means the default,
	// 2 s). Writers that rename a finished file into place (dot-files and
	// *.tmp are never read) can pass a negative value: no wait.
	Settle time.Duration
	Now    func() time.Time
	Log    *slog.Logger
}

// Dir is a directory source. Each file's size and modification time are
// its checkpoint: a file is read once, and again only if it changes.
type Dir struct {
	c    DirConfig
	name string
}

// NewDir checks c and returns the source.
func NewDir(c DirConfig) (*Dir, error) {
	abs, err := filepath.Abs(c.Path)
	if err != nil {
		return nil, fmt.Errorf("directory source %s: %w", c.Path, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("directory source: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("directory source %s: not a directory", abs)
	}
	c.Path = abs
	if c.Interval == 0 {
		c.Interval = 2 * time.Second
	}
	if c.Settle < 0 {
		c.Settle = 0
	} else if c.Settle == 0 {
		c.Settle = 2 * time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return &Dir{c: c, name: "dir:" + abs}, nil
}

func (d *Dir) Name() string { return d.name }

// Run scans until ctx ends. A batch the sink cannot record (store down) is
// retried on the next scan.
func (d *Dir) Run(ctx context.Context, sink Sink) error {
	prefix := d.name + "/"
	var done map[string]string
	tick := time.NewTicker(d.c.Interval)
	defer tick.Stop()
	for {
		if done == nil {
			m, err := sink.Checkpoints(ctx, prefix)
			if err != nil {
				d.c.Log.Error("read directory checkpoints", "source", d.name, "error", err)
			} else {
				done = m
			}
		}
		if done != nil {
			if err := d.scan(ctx, sink, prefix, done); err != nil {
				d.c.Log.Error("scan directory", "source", d.name, "error", err)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

func (d *Dir) scan(ctx context.Context, sink Sink, prefix string, done map[string]string) error {
	type file struct {
		rel, sig string
		mod      time.Time
	}
	var files []file
	err := filepath.WalkDir(d.c.Path, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			// One unreadable subdirectory must not stop the others.
			d.c.Log.Warn("skip unreadable path", "source", d.name, "path", path, "error", err)
			return nil //nolint:nilerr // logged; the walk goes on
		}
		base := e.Name()
		if path != d.c.Path && (strings.HasPrefix(base, ".") || strings.HasSuffix(base, ".tmp") || strings.HasSuffix(base, ".part")) {
			if e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !e.Type().IsRegular() {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return nil //nolint:nilerr // removed since listed: nothing to read
		}
		rel, _ := filepath.Rel(d.c.Path, path)
		files = append(files, file{rel: rel, mod: info.ModTime(),
			sig: strconv.FormatInt(info.Size(), 10) + ":" + strconv.FormatInt(info.ModTime().UnixNano(), 10)})
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(files, func(a, b file) int { return strings.Compare(a.rel, b.rel) })
	now := d.c.Now()
	for _, f := range files {
		if ctx.Err() != nil {
			return nil //nolint:nilerr // shutting down; the rest is read after the restart
		}
		if done[prefix+f.rel] == f.sig || now.Sub(f.mod) < d.c.Settle {
			continue
		}
		if err := d.read(ctx, sink, prefix, f.rel, f.sig, f.mod, now); err != nil {
			var bad *cloudtrail.DecodeError
			if !errors.As(err, &bad) {
				return err // retried on the next scan
			}
			d.c.Log.Error("bad CloudTrail file (what came before the error was recorded)", "source", d.name,
				"file", f.rel, "offset", bad.Offset, "error", err)
		}
		done[prefix+f.rel] = f.sig
	}
	return nil
}

func (d *Dir) read(ctx context.Context, sink Sink, prefix, rel, sig string, mod, now time.Time) error {
	path := filepath.Join(d.c.Path, rel)
	fh, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer func() { _ = fh.Close() }()
	return sink.Deliver(ctx, Batch{
		Source:     d.name,
		Name:       path,
		Records:    records(fh, path, d.c.Log),
		Checkpoint: &Checkpoint{Name: prefix + rel, Value: sig},
		Received:   now,
		Produced:   mod,
	})
}
