//go:build unix

package safefile

import (
	"os"
	"path/filepath"
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
