package safefile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "out.txt")
	if err := WriteFile(path, []byte("one")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(path, func(w io.Writer) error {
		w.Write([]byte("half"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "one" {
		t.Errorf("a failed write changed the file: %q", got)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("a failed write left %d files", len(entries))
	}
}

func TestCommitThenAbort(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("data")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	f.Abort() // must not remove the committed file
	if err := f.Commit(); err == nil {
		t.Error("a second Commit succeeded")
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != "data" {
		t.Errorf("read %q, %v", got, err)
	}
}

// A temporary a killed writer left is removed by the next write of the
// same file; one a live writer holds is not.
func TestStaleTemporaries(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.json")
	stale := filepath.Join(dir, ".out.json.tmp-123")
	if err := os.WriteFile(stale, []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	live, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Abort()
	if err := WriteFile(path, []byte("whole")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale temporary is still there: %v", err)
	}
	if _, err := os.Stat(live.Name()); err != nil {
		t.Errorf("a live writer's temporary was removed: %v", err)
	}
}
