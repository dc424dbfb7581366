//go:build !unix

package dirlock

import (
	"context"
	"os"
)

// Lock creates dir. Where flock is not available it takes no lock: two
// processes must not write into the same directory.
func Lock(dir, name string) (unlock func() error, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return func() error { return nil }, nil
}

// LockWait is Lock: where flock is not available nothing waits, and two
// processes may do the same work.
func LockWait(_ context.Context, dir, name string, _ func(string)) (unlock func() error, err error) {
	return Lock(dir, name)
}
