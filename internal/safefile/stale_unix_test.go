//go:build unix

package safefile

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// MkdirTemp removes the scratch directories a killed process left, and
// keeps those a live process holds.
func TestMkdirTempRemovesStale(t *testing.T) {
	parent := t.TempDir()
	live, removeLive, err := MkdirTemp(parent, "scratch-*")
	if err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(parent, "scratch-1")
	if err := os.MkdirAll(filepath.Join(stale, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	dir, remove, err := MkdirTemp(parent, "scratch-*")
	if err != nil {
		t.Fatal(err)
	}
	for d, want := range map[string]bool{stale: false, live: true, dir: true} {
		if _, err := os.Stat(d); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", filepath.Base(d), err == nil, want)
		}
	}
	if err := remove(); err != nil {
		t.Fatal(err)
	}
	if err := removeLive(); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, live} {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("%s is still there after remove: %v", filepath.Base(d), err)
		}
	}
}

// Scratch directories made at once by several writers (two imports in two
// terminals) are each usable: one writer's clean-up may take another's
// new directory before it is locked, and the other then makes a new one.
func TestMkdirTempConcurrent(t *testing.T) {
	parent := t.TempDir()
	var wg sync.WaitGroup
	errs := make(chan error, 8*50)
	for range 8 {
		wg.Go(func() {
			for range 50 {
				dir, remove, err := MkdirTemp(parent, "scratch-*")
				if err == nil {
					err = os.WriteFile(filepath.Join(dir, "runs"), []byte("x"), 0o644)
					if rerr := remove(); err == nil {
						err = rerr
					}
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
