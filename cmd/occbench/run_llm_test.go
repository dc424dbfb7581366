package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/internal/fixture"
)

// occbench run with an llm runner against an OpenAI-compatible server,
// then --resume of the finished run, which sends nothing.
func TestRunLLMCommand(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.URL.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer cmd-test-key" {
			http.Error(w, "bad request", 400)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"choices":[{"index":0,"message":{"role":"assistant","content":"<think>\nr\n</think>\n<answer>\nSoftware Developers\n</answer>"},"finish_reason":"stop"}],"usage":{"prompt_tokens":100,"completion_tokens":12}}`)
	}))
	defer srv.Close()
	t.Setenv("OCCBENCH_CMD_TEST_KEY", "cmd-test-key")
	dir := t.TempDir()
	exs := []*bench.Example{
		{UserID: "a", History: []bench.Record{{Kind: bench.Job, Code: "15-1251.00", Occupation: "Computer Programmers"}}, TargetCode: "15-1252.00", TargetTitle: "Software Developers"},
		{UserID: "b", History: []bench.Record{{Kind: bench.Job, Code: "15-1251.00", Occupation: "Computer Programmers"}}, TargetCode: "15-1251.00", TargetTitle: "Computer Programmers"},
	}
	if err := bench.WriteExamples(filepath.Join(dir, "test.arrow"), exs, nil); err != nil {
		t.Fatal(err)
	}
	suite := filepath.Join(dir, "suite.yaml")
	fixture.Write(t, suite, fmt.Sprintf(`name: llm
test: test.arrow
out: run
metrics: {bootstrap: 10}
runners:
  - {name: m, kind: llm, mode: joint, endpoint: {base_url: %q, model: m, api_key_env: OCCBENCH_CMD_TEST_KEY}}
`, srv.URL+"/v1"))
	stdout, _, err := runCLI(t, "run", "--suite", suite)
	if err != nil {
		t.Fatal(err)
	}
	var scores struct {
		Runners map[string]struct{ EM float64 } `json:"runners"`
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "run", "scores.json"))
	if err := json.Unmarshal(raw, &scores); err != nil || scores.Runners["m"].EM != 0.5 {
		t.Errorf("scores %s (%v); stdout %s", raw, err, stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, ".occbench-cache")); err != nil {
		t.Errorf("no default cache beside the run: %v", err)
	}
	sent := requests.Load()
	if _, stderr, err := runCLI(t, "run", "--resume", filepath.Join(dir, "run")); err != nil || !strings.Contains(stderr, "already recorded") {
		t.Fatalf("resume: %v\n%s", err, stderr)
	}
	if requests.Load() != sent {
		t.Errorf("resuming a finished run sent %d requests", requests.Load()-sent)
	}
}
