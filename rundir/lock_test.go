//go:build unix

package rundir

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestLock(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	unlock, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	// flock locks belong to the open file: a second Lock in this process
	// opens the file again and is refused like another process would be.
	if _, err := Lock(dir); err == nil || !strings.Contains(err.Error(), "in use by process "+strconv.Itoa(os.Getpid())) {
		t.Fatalf("second lock: %v", err)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	unlock2, err := Lock(dir)
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	unlock2()
}

// A process that dies holding the lock leaves the file but not the lock.
func TestLockAfterKill(t *testing.T) {
	if os.Getenv("OCCBENCH_LOCK_CHILD") != "" {
		if _, err := Lock(os.Getenv("OCCBENCH_LOCK_CHILD")); err != nil {
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
	if _, err := Lock(dir); err == nil || !strings.Contains(err.Error(), "process "+strconv.Itoa(cmd.Process.Pid)) {
		t.Fatalf("while the child holds it: %v", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	unlock, err := Lock(dir)
	if err != nil {
		t.Fatalf("after the holder was killed: %v", err)
	}
	unlock()
}
