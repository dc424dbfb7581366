//go:build unix

package dirlock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Lock takes dir for this process, creating it if needed, through the
// lock file name in it, so that no second process writes into the same
// directory. The lock is advisory (flock): the kernel drops it when the
// process ends, however it ends, so a crash never leaves a stale lock, and
// readers need not take it. unlock releases it.
func Lock(dir, name string) (unlock func() error, err error) {
	f, err := open(dir, name)
	if err != nil {
		return nil, err
	}
	if err := take(f); err != nil {
		defer f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s is in use by %s: wait for it to finish or stop it", dir, holder(f))
		}
		return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
	}
	return f.Close, nil // closing the file releases the lock
}

// waitPoll is how often LockWait tries the lock again.
const waitPoll = 200 * time.Millisecond

// LockWait is Lock that waits while another holds the lock, until ctx
// ends: a second writer of the same file then finds what the first wrote.
// waiting, if not nil, is called once when it must wait, with the holder
// ("process 123").
func LockWait(ctx context.Context, dir, name string, waiting func(holder string)) (unlock func() error, err error) {
	f, err := open(dir, name)
	if err != nil {
		return nil, err
	}
	for told := false; ; told = true {
		err := take(f)
		if err == nil {
			return f.Close, nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
		}
		if !told && waiting != nil {
			waiting(holder(f))
		}
		// Polling, not a blocking flock, so that Ctrl-C stops the wait.
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(waitPoll):
		}
	}
}

// open opens the lock file name in dir, creating both if needed.
func open(dir, name string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return os.OpenFile(filepath.Join(dir, name), os.O_RDWR|os.O_CREATE, 0o644)
}

// take locks f without waiting and writes this process's id into it, for
// the messages of those who find it locked.
func take(f *os.File) error {
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		return err
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return nil
}

// holder names the process whose id the lock file holds.
func holder(f *os.File) string {
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0)
	if pid := strings.TrimSpace(string(b[:n])); pid != "" {
		return "process " + pid
	}
	return "another process"
}
