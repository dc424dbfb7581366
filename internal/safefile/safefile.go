// Package safefile writes files atomically: output goes to a temporary file
// beside the destination and is renamed into place only when complete, so a
// failed or interrupted write never leaves a partial file under the real name.
package safefile

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// File is a file being written; it appears under its name only on Commit.
type File struct {
	*os.File
	path string
	done bool
}

// Create opens a temporary file in the directory of path, creating the
// directory if needed. The file is locked from its creation until it is
// renamed into place, so that the temporaries of path a killed process
// left behind, which no one holds, are found and removed here, and those
// of another live writer of path are not.
func Create(path string) (*File, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	pattern := "." + filepath.Base(path) + ".tmp-*"
	removeStale(filepath.Join(dir, pattern))
	for {
		f, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return nil, err
		}
		if hold(f) {
			return &File{File: f, path: path}, nil
		}
		// Another writer's removeStale took it for stale between its
		// creation and its lock: make another.
		f.Close()
	}
}

// Commit flushes the file to disk and renames it to its final name.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("%s: already closed", f.path)
	}
	f.done = true
	err := f.Sync()
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = renameClose(f.File, f.path)
	}
	if err != nil {
		f.File.Close()
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", f.path, err)
	}
	return nil
}

// Abort discards the temporary file. It is a no-op after Commit, so it can
// be deferred unconditionally.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.File.Close()
	os.Remove(f.Name())
}

// Write runs fn on a new temporary file and commits it if fn succeeds.
func Write(path string, fn func(w io.Writer) error) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := fn(f); err != nil {
		return err
	}
	return f.Commit()
}

// MkdirTemp creates a directory for a process's scratch files in parent
// (os.TempDir() when ""), named after pattern as os.MkdirTemp names it.
// The directory is locked while the process lives; remove deletes it.
// Directories of the same pattern that no process holds, which a killed
// process left, are removed first.
func MkdirTemp(parent, pattern string) (dir string, remove func() error, err error) {
	if parent == "" {
		parent = os.TempDir()
	}
	removeStale(filepath.Join(parent, pattern))
	for {
		dir, err := os.MkdirTemp(parent, pattern)
		if err != nil {
			return "", nil, err
		}
		f, err := os.Open(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue // another process's removeStale took it before we could open it
		}
		if err != nil {
			os.RemoveAll(dir)
			return "", nil, err
		}
		if hold(f) {
			return dir, func() error {
				defer f.Close() // after the removal: the lock guards it till then
				return os.RemoveAll(dir)
			}, nil
		}
		// Another process's removeStale took it for stale between its
		// creation and its lock: make another.
		f.Close()
	}
}

// WriteFile writes data to path atomically.
func WriteFile(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteJSON writes v to path atomically as indented JSON with a final
// newline. <, > and & are left as they are: the files are read by people
// and programs, not embedded in HTML.
func WriteJSON(path string, v any) error {
	return Write(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return nil
	})
}
