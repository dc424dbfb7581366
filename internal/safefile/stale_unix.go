//go:build unix

package safefile

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// hold locks a new temporary file for as long as it is open, the sign of
// a live writer. It says false when another writer's removeStale locked it
// first, or already removed it.
func hold(f *os.File) bool {
	if unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) != nil {
		return false
	}
	named, err := os.Stat(f.Name())
	if err != nil {
		return false
	}
	held, err := f.Stat()
	return err == nil && os.SameFile(named, held)
}

// removeStale removes the temporaries matching pattern, files or
// directories, that no process holds: those of a writer that was killed.
// Best effort: what cannot be removed stays.
func removeStale(pattern string) {
	paths, _ := filepath.Glob(pattern)
	for _, p := range paths {
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

// renameClose renames the temporary f to path, then closes it: renamed
// while open, so still locked, lest another writer of path remove it as
// stale in between.
func renameClose(f *os.File, path string) error {
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	return f.Close()
}
