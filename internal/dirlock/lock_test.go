//go:build unix

package dirlock

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/occbench/occbench/internal/fixture"
)

func TestLock(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	unlock, err := Lock(dir, ".lock")
	if err != nil {
		t.Fatal(err)
	}
	// flock locks belong to the open file: a second Lock in this process
	// opens the file again and is refused like another process would be.
	if _, err := Lock(dir, ".lock"); err == nil || !strings.Contains(err.Error(), "in use by process "+strconv.Itoa(os.Getpid())) {
		t.Fatalf("second lock: %v", err)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	unlock2, err := Lock(dir, ".lock")
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	unlock2()
}

// A process that dies holding the lock leaves the file but not the lock.
func TestLockAfterKill(t *testing.T) {
	if os.Getenv("OCCBENCH_LOCK_CHILD") != "" {
		if _, err := Lock(os.Getenv("OCCBENCH_LOCK_CHILD"), ".lock"); err != nil {
			os.Exit(2)
		}
		os.Stdout.WriteString("locked\n")
		select {} // killed by the parent
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockAfterKill$")
	cmd.Env = append(os.Environ(), "OCCBENCH_LOCK_CHILD="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	if n, _ := out.Read(buf); !strings.Contains(string(buf[:n]), "locked") {
		t.Fatalf("child said %q", buf[:n])
	}
	if _, err := Lock(dir, ".lock"); err == nil || !strings.Contains(err.Error(), "process "+strconv.Itoa(cmd.Process.Pid)) {
		t.Fatalf("while the child holds it: %v", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	unlock, err := Lock(dir, ".lock")
	if err != nil {
		t.Fatalf("after the holder was killed: %v", err)
	}
	unlock()
}

func TestRemoveTemp(t *testing.T) {
	dir := t.TempDir()
	keep := []string{"manifest.json", "predictions/a.jsonl", ".occbench.lock", ".cache/x.json"}
	drop := []string{".scores.json.tmp-123", "predictions/.a.jsonl.tmp-9", ".synth-42/train.arrow"}
	for _, p := range append(append([]string{}, keep...), drop...) {
		fixture.Write(t, filepath.Join(dir, p), "x")
	}
	if err := RemoveTemp(dir, ".synth-"); err != nil {
		t.Fatal(err)
	}
	for _, p := range keep {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("%s was removed", p)
		}
	}
	for _, p := range drop {
		if _, err := os.Stat(filepath.Join(dir, p)); !os.IsNotExist(err) {
			t.Errorf("%s is still there", p)
		}
	}
}

// LockWait waits while the lock is held, says so once, gives up when its
// context ends, and takes the lock once it is free.
func TestLockWait(t *testing.T) {
	dir := t.TempDir()
	unlock, err := Lock(dir, ".lock")
	if err != nil {
		t.Fatal(err)
	}
	var told []string
	ctx, cancel := context.WithTimeout(context.Background(), 3*waitPoll)
	defer cancel()
	if _, err := LockWait(ctx, dir, ".lock", func(h string) { told = append(told, h) }); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("while held: %v", err)
	}
	if want := "process " + strconv.Itoa(os.Getpid()); len(told) != 1 || told[0] != want {
		t.Errorf("waiting said %q, want once %q", told, want)
	}
	got := make(chan error, 1)
	go func() {
		unlock2, err := LockWait(context.Background(), dir, ".lock", nil)
		if err == nil {
			err = unlock2()
		}
		got <- err
	}()
	time.Sleep(waitPoll)
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Fatalf("after unlock: %v", err)
	}
}
