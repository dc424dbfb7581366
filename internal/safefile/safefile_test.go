package safefile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
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

// Writers of the same file at once each replace it whole, and a reader
// meanwhile sees one writer's whole file, never a mix or a part.
func TestConcurrentWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model")
	contents := [][]byte{bytes.Repeat([]byte("a"), 1<<20), bytes.Repeat([]byte("b"), 1<<20)}
	if err := WriteFile(path, contents[0]); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 2*50)
	for _, c := range contents {
		wg.Go(func() {
			for range 50 {
				errs <- WriteFile(path, c)
			}
		})
	}
	go func() { wg.Wait(); close(done) }()
	for reads := 0; ; reads++ {
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, contents[0]) && !bytes.Equal(got, contents[1]) {
			t.Fatalf("read %d bytes that are neither writer's file", len(got))
		}
		select {
		case <-done:
			close(errs)
			for err := range errs {
				if err != nil {
					t.Error(err)
				}
			}
			return
		default:
		}
	}
}
