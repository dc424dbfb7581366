// Package dirlock keeps a directory to one process at a time (a run
// directory, a synthetic data set being written) and clears what a killed
// holder left half-written.
package dirlock

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// RemoveTemp removes, below dir, the temporary files and directories that
// occbench's atomic writes use (".NAME.tmp-*", and those whose name starts
// with prefix) and that a killed process left behind. Call it only while
// holding dir's lock, when no other writer can own them.
func RemoveTemp(dir, prefix string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == dir {
				return err
			}
			return nil // a file that vanished meanwhile
		}
		name := d.Name()
		if path == dir || !strings.HasPrefix(name, ".") {
			return nil
		}
		if strings.Contains(name, ".tmp-") || (prefix != "" && strings.HasPrefix(name, prefix)) {
			if err := os.RemoveAll(path); err != nil {
				return err
			}
			if d.IsDir() {
				return fs.SkipDir
			}
		}
		return nil
	})
}
