package runners

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/occbench/occbench/internal/fixture"
	"github.com/occbench/occbench/llm/llmtest"
	"github.com/occbench/occbench/rundir"
)

// TestMain lets the test binary act as an occbench run in a child process,
// which the kill test can SIGKILL.
func TestMain(m *testing.M) {
	if path := os.Getenv("OCCBENCH_TEST_CHILD_SUITE"); path != "" {
		os.Exit(childRun(path, os.Getenv("OCCBENCH_TEST_CHILD_RESUME") != ""))
	}
	os.Exit(m.Run())
}

func childRun(path string, resume bool) int {
	s, err := rundir.LoadSuite(path)
	if err == nil {
		_, err = Run(context.Background(), s, Options{Resume: resume, Stderr: os.Stderr})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	return 0
}

// A run killed with SIGKILL part-way and resumed ends with the records of
// an uninterrupted run, and no request the server answered is sent again.
func TestKillResume(t *testing.T) {
	const users = 150
	dir := t.TempDir()
	test, _ := llmTestSet(t, dir, users)
	entry := "  - {name: m, kind: llm, mode: joint, endpoint: {base_url: %q, model: qwen3-8b}, concurrency: 8, backoff: {base: 2ms, max: 10ms}}\n"

	srv := llmtest.New(t, llmtest.MixedFaults(false))
	srv.Set(func(f *llmtest.Server) { f.Latency, f.GateAt = 5*time.Millisecond, 50 })
	out, cache := filepath.Join(dir, "killed"), filepath.Join(dir, "cache-killed")
	suitePath := filepath.Join(dir, "suite.yaml")
	fixture.Write(t, suitePath, fmt.Sprintf("name: kill\ntest: %s\nout: %s\ncache: %s\nmetrics: {bootstrap: 10}\nrunners:\n"+entry, test, out, cache, srv.URL()))

	child := func(resume bool) (*exec.Cmd, *bytes.Buffer) {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "OCCBENCH_TEST_CHILD_SUITE="+suitePath)
		if resume {
			cmd.Env = append(cmd.Env, "OCCBENCH_TEST_CHILD_RESUME=1")
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		return cmd, &stderr
	}
	cmd, stderr := child(false)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill once the gate holds requests in flight, no other request is
	// being answered, and every answer given so far is in the cache (some
	// not yet recorded, at most). An answer on its way when the process
	// dies is one no client can keep; the test leaves none.
	deadline := time.Now().Add(30 * time.Second)
	for {
		ok := srv.TotalSuccesses()
		active, waiting := srv.GateState()
		if ok >= 50 && waiting > 0 && active == waiting && countCacheFiles(t, cache) == ok {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the child never reached the kill point (%d answers):\n%s", ok, stderr)
		}
		time.Sleep(time.Millisecond)
	}
	held := srv.HeldRequests()
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	cmd.Wait()
	killed := countLines(t, rundir.PredictionsPath(out, "m"))
	if killed >= users {
		t.Fatalf("the killed run recorded all %d users", killed)
	}
	// Open the gate only once the server has seen every held request's
	// client go away, or it would answer a dead process and count it.
	for _, waiting := srv.GateState(); waiting > 0; _, waiting = srv.GateState() {
		if time.Now().After(deadline) {
			t.Fatal("held requests outlived the killed child")
		}
		time.Sleep(time.Millisecond)
	}
	srv.OpenGate()
	cmd, stderr = child(true)
	if err := cmd.Run(); err != nil {
		t.Fatalf("resume: %v\n%s", err, stderr)
	}
	resumed := readPreds(t, rundir.PredictionsPath(out, "m"))
	if len(resumed) != users {
		t.Fatalf("%d users after resume, want %d", len(resumed), users)
	}
	checkOnce(t, srv)
	if n := len(srv.SuccessCounts()); n != users {
		t.Errorf("%d distinct requests answered, want %d", n, users)
	}

	// The same run, uninterrupted, against a server with the same faults
	// (at another URL, so the cache keys differ).
	ref := llmtest.New(t, llmtest.MixedFaults(false))
	refOut := filepath.Join(dir, "ref")
	if _, err := Run(context.Background(), llmSuite(t, test, refOut, filepath.Join(dir, "cache-ref"), fmt.Sprintf(entry, ref.URL())), Options{}); err != nil {
		t.Fatal(err)
	}
	want := readPreds(t, rundir.PredictionsPath(refOut, "m"))
	for u, w := range want {
		g := resumed[u]
		if g.Code != w.Code || g.Title != w.Title || g.Mapping != w.Mapping || g.Answer != w.Answer || g.Parse != w.Parse ||
			g.Reason != w.Reason || g.Raw != w.Raw || g.Error != w.Error || len(g.CacheKey) != 64 ||
			g.PromptTokens != w.PromptTokens || g.CompletionTokens != w.CompletionTokens {
			t.Errorf("%s: resumed record differs:\n got %+v\nwant %+v", u, g, w)
		}
	}
	t.Logf("killed after %d of %d records, %d requests in flight", killed, users, held)
}

func countCacheFiles(t *testing.T, dir string) int {
	n := 0
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") {
			n++
		}
		return nil
	})
	return n
}

func countLines(t *testing.T, path string) int {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		n++
	}
	return n
}
