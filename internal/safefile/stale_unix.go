//go:build unix

package safefile

import (
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// hold locks a temporary file for as long as it is open: the lock says a
// live writer owns it.
func hold(f *os.File) { _ = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) }

// removeStale removes the temporaries matching pattern, files or
// directories, that no process holds (those of a writer that was killed)
// and that were last changed at least minAge ago. Best effort: what cannot
// be removed stays.
func removeStale(pattern string, minAge time.Duration) {
	paths, _ := filepath.Glob(pattern)
	for _, p := range paths {
		if fi, err := os.Lstat(p); err != nil || time.Since(fi.ModTime()) < minAge {
			continue
		}
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		if unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) == nil {
			os.RemoveAll(p)
		}
		f.Close()
	}
}
