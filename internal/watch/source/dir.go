package source

import (
	"context"
	"errors"
	"fmt"
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
//
// Nothing in the directory can blind it: symbolic links (the directory
// itself, directories and files inside) are followed, each directory once
// however many links lead to it, so a link loop ends; an entry that cannot
// be read (permissions, a dangling link, an I/O error, a FIFO or device
// where a log file should be) is reported to the sink as unreadable input —
// an alert of its own, once per entry and cause — and tried again on every
// scan, while every other file is read as usual.
type Dir struct {
	c        DirConfig
	name     string
	real     string            // Path with symbolic links resolved
	reported map[string]string // entry → cause already reported as unreadable
}

// NewDir checks c and returns the source. A Path that is a symbolic link
// is followed; one that leads nowhere, or not to a directory, is an error.
func NewDir(c DirConfig) (*Dir, error) {
	abs, err := filepath.Abs(c.Path)
	if err != nil {
		return nil, fmt.Errorf("directory source %s: %w", c.Path, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("directory source: %w", err)
	}
	st, err := os.Stat(real)
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
	return &Dir{c: c, name: "dir:" + abs, real: real, reported: map[string]string{}}, nil
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

// dirFile is a regular file found by a scan.
type dirFile struct {
	rel, sig string
	mod      time.Time
}

// dirProblem is an entry a scan could not list or read.
type dirProblem struct {
	rel, cause string
}

func (d *Dir) scan(ctx context.Context, sink Sink, prefix string, done map[string]string) error {
	files, problems := d.list(ctx)
	if ctx.Err() != nil {
		return nil //nolint:nilerr // shutting down; the rest is read after the restart
	}
	present := map[string]bool{}
	for _, p := range problems {
		present[p.rel] = true
		if err := d.unreadable(ctx, sink, p.rel, p.cause); err != nil {
			return err
		}
	}
	now := d.c.Now()
	for _, f := range files {
		present[f.rel] = true
		if ctx.Err() != nil {
			return nil //nolint:nilerr // shutting down; the rest is read after the restart
		}
		if done[prefix+f.rel] == f.sig || now.Sub(f.mod) < d.c.Settle {
			continue
		}
		err := d.read(ctx, sink, prefix, f.rel, f.sig, f.mod, now)
		var (
			bad   *cloudtrail.DecodeError
			input *inputError
		)
		switch {
		case err == nil:
			delete(d.reported, f.rel)
		case ctx.Err() != nil:
			return nil //nolint:nilerr // cut off by shutdown: read again after the restart
		case errors.As(err, &input):
			// Not marked done: tried again on the next scan, and read in
			// full once it can be.
			if err := d.unreadable(ctx, sink, f.rel, input.cause()); err != nil {
				return err
			}
			continue
		case errors.As(err, &bad):
			delete(d.reported, f.rel)
			d.c.Log.Error("bad CloudTrail file (what came before the error was recorded)", "source", d.name,
				"file", f.rel, "offset", bad.Offset, "error", err)
		default:
			return err // the store: the next scan tries again
		}
		done[prefix+f.rel] = f.sig
	}
	for rel := range d.reported {
		if !present[rel] {
			delete(d.reported, rel)
		}
	}
	return nil
}

// unreadable reports rel once per cause.
func (d *Dir) unreadable(ctx context.Context, sink Sink, rel, cause string) error {
	if d.reported[rel] == cause {
		return nil
	}
	d.c.Log.Error("input cannot be read; it is tried again on every scan", "source", d.name, "file", rel, "error", cause)
	if err := sink.Unreadable(ctx, d.name, filepath.Join(d.c.Path, rel), cause); err != nil {
		return fmt.Errorf("report unreadable %s: %w", rel, err)
	}
	d.reported[rel] = cause
	return nil
}

// ignored names are written by collectors in progress.
func ignored(base string) bool {
	return strings.HasPrefix(base, ".") || strings.HasSuffix(base, ".tmp") || strings.HasSuffix(base, ".part")
}

// list walks the directory, following symbolic links, each directory once
// (by its resolved path), and returns the regular files sorted by path and
// the entries it could not use.
func (d *Dir) list(ctx context.Context) ([]dirFile, []dirProblem) {
	var (
		files    []dirFile
		problems []dirProblem
	)
	visited := map[string]bool{d.real: true}
	var walk func(path, real, rel string)
	walk = func(path, real, rel string) {
		entries, err := os.ReadDir(path)
		if err != nil {
			// ReadDir returns what it read before the error: use it.
			problems = append(problems, dirProblem{rel: orDot(rel), cause: causeOf(err)})
		}
		for _, e := range entries {
			if ctx.Err() != nil {
				return
			}
			base := e.Name()
			if ignored(base) {
				continue
			}
			p, r := filepath.Join(path, base), filepath.Join(rel, base)
			link := e.Type()&os.ModeSymlink != 0
			var info os.FileInfo
			if link {
				info, err = os.Stat(p)
			} else {
				info, err = e.Info()
			}
			if err != nil {
				if !link && errors.Is(err, os.ErrNotExist) {
					continue // removed since listed: nothing to read
				}
				problems = append(problems, dirProblem{rel: r, cause: causeOf(err)})
				continue
			}
			switch {
			case info.IsDir():
				childReal := filepath.Join(real, base)
				if link {
					if childReal, err = filepath.EvalSymlinks(p); err != nil {
						problems = append(problems, dirProblem{rel: r, cause: causeOf(err)})
						continue
					}
				}
				if visited[childReal] {
					continue // a link loop, or a second way to the same files
				}
				visited[childReal] = true
				walk(p, childReal, r)
			case info.Mode().IsRegular():
				files = append(files, dirFile{rel: r, mod: info.ModTime(),
					sig: strconv.FormatInt(info.Size(), 10) + ":" + strconv.FormatInt(info.ModTime().UnixNano(), 10)})
			default:
				problems = append(problems, dirProblem{rel: r, cause: notRegular(info.Mode())})
			}
		}
	}
	walk(d.c.Path, d.real, "")
	slices.SortFunc(files, func(a, b dirFile) int { return strings.Compare(a.rel, b.rel) })
	return files, problems
}

func orDot(rel string) string {
	if rel == "" {
		return "."
	}
	return rel
}

func notRegular(m os.FileMode) string {
	return "not a regular file (" + m.Type().String() + ")"
}

// causeOf is err without the path (the alert names the input already), so
// the same failure of the same file is recognised as the same cause.
func causeOf(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Op + ": " + le.Err.Error()
	}
	return err.Error()
}

func (d *Dir) read(ctx context.Context, sink Sink, prefix, rel, sig string, mod, now time.Time) error {
	path := filepath.Join(d.c.Path, rel)
	fh, err := openRegular(path)
	if err != nil {
		return &inputError{err: err}
	}
	defer func() { _ = fh.Close() }()
	in := &inputReader{ctx: ctx, r: fh}
	decode := records(in, path, d.c.Log)
	err = sink.Deliver(ctx, Batch{
		Source: d.name,
		Name:   path,
		Records: func(fn func(raw []byte) error) error {
			err := decode(fn)
			if in.err != nil {
				// The decoder reports a failed read as damaged input, which
				// would be recorded and never read again; it is not: nothing
				// is recorded and the file is read again later.
				return &inputError{err: in.err}
			}
			return err
		},
		Checkpoint: &Checkpoint{Name: prefix + rel, Value: sig},
		Received:   now,
		Produced:   mod,
	})
	if in.err != nil {
		return &inputError{err: in.err}
	}
	return err
}
