package source

import (
	"context"
	"errors"
	"io"
	"os"
	"syscall"
)

// inputError is a failure to read an input (as opposed to a failure to
// record it): the input is reported as unreadable and tried again later.
type inputError struct{ err error }

func (e *inputError) Error() string { return "read input: " + e.err.Error() }
func (e *inputError) Unwrap() error { return e.err }
func (e *inputError) cause() string { return causeOf(e.err) }

// inputReader stops at the first read error, or when ctx ends, and keeps
// that error for the source to tell a bad disk from bad CloudTrail.
type inputReader struct {
	ctx context.Context
	r   io.Reader
	err error
}

func (r *inputReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if err := r.ctx.Err(); err != nil {
		r.err = err
		return 0, err
	}
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		r.err = err
	}
	return n, err
}

// openRegular opens path for reading only if it is a regular file. The
// open itself does not block: a FIFO swapped in after the directory was
// listed would otherwise block it until a writer comes, deaf to shutdown.
func openRegular(path string) (*os.File, error) {
	fh, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	st, err := fh.Stat()
	if err != nil {
		_ = fh.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		_ = fh.Close()
		return nil, &os.PathError{Op: "open", Path: path, Err: errors.New(notRegular(st.Mode()))}
	}
	return fh, nil
}
