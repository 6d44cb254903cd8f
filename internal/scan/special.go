package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// openRegular opens a file found as a regular file without blocking: if
// it was swapped for a FIFO since it was listed, a plain open would wait
// for a writer forever.
func openRegular(path string) (io.ReadCloser, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	if !info.Mode().IsRegular() {
		_ = f.Close()
		return nil, fmt.Errorf("%s: not a regular file (%s)", path, info.Mode().Type())
	}
	return f, nil
}

// specialUnit reads a FIFO or character device named on the command line.
// A plain open of a FIFO blocks until a writer comes, and its reads block
// until data comes, both beyond the reach of a cancel (SIGINT, SIGTERM).
// So it is opened non-blocking, which puts it under Go's poller, waited
// on there, and closed when the context ends, which ends any wait.
func specialUnit(path string) Unit {
	return Unit{Name: path, Size: -1, Open: func(ctx context.Context) (io.ReadCloser, error) {
		f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
		if err != nil {
			return nil, err
		}
		rc, err := f.SyscallConn()
		if err != nil {
			_ = f.Close()
			return nil, err
		}
		r := &pollReader{f: f, rc: rc, ctx: ctx}
		r.stop = context.AfterFunc(ctx, func() { _ = f.Close() })
		return r, nil
	}}
}

type pollReader struct {
	f    *os.File
	rc   syscall.RawConn
	ctx  context.Context
	stop func() bool
	// got is set once data arrived: from then on, a read of 0 bytes is
	// the end of the input.
	got bool
}

func (p *pollReader) Read(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	var n int
	var rerr error
	err := p.rc.Read(func(fd uintptr) bool {
		n, rerr = syscall.Read(int(fd), b)
		switch {
		case errors.Is(rerr, syscall.EAGAIN):
			return false // a writer, no data yet: wait
		case rerr == nil && n == 0 && !p.got && !hungUp(int(fd)):
			// A non-blocking FIFO with no writer yet reads as
			// the end: wait for one instead.
			return false
		}
		return true
	})
	if err != nil {
		if p.ctx.Err() != nil {
			return 0, p.ctx.Err()
		}
		return 0, err
	}
	if rerr != nil {
		return 0, rerr
	}
	if n == 0 {
		return 0, io.EOF
	}
	p.got = true
	return n, nil
}

// hungUp reports whether a writer came and went (the FIFO's end of
// input), as opposed to no writer having come yet.
func hungUp(fd int) bool {
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	n, err := unix.Poll(fds, 0)
	return err != nil || n > 0 && fds[0].Revents&(unix.POLLHUP|unix.POLLERR) != 0
}

func (p *pollReader) Close() error {
	p.stop()
	err := p.f.Close()
	if errors.Is(err, os.ErrClosed) {
		return nil
	}
	return err
}
