package runners

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occbench/occbench/internal/fixture"
	"github.com/occbench/occbench/rundir"
)

// A mistake in the suite is found before anything is written, and once it
// is fixed the same command runs.
func TestSetupMistakesWriteNothing(t *testing.T) {
	dir := t.TempDir()
	test := testSet(t, dir, 10)
	replay := filepath.Join(dir, "empty.jsonl")
	fixture.Write(t, replay, "")
	for _, tc := range []struct{ name, runners, want string }{
		{"misspelt setting", "  - {name: m, kind: markov, ordr: 2}\n", `runner "m" (line 7): unknown setting "ordr" on line 7`},
		{"unknown kind", "  - {name: m, kind: markvo}\n", `kind "markvo"`},
		{"no train set", "  - {name: m, kind: markov}\n", "the suite names no train set"},
		{"missing replay file", "  - {name: r, kind: replay, file: " + filepath.Join(dir, "nope.jsonl") + "}\n", "nope.jsonl"},
		{"empty replay file", "  - {name: r, kind: replay, file: " + replay + "}\n", "no lines"},
		{"unknown mode", "  - {name: l, kind: llm, mode: chat, endpoint: {base_url: 'http://h/v1', model: m}}\n", `mode "chat"`},
		{"no bayes answers", "  - {name: b, kind: bayes}\n", "no Bayes-optimal answers"},
		{"unset key", "  - {name: l, kind: llm, endpoint: {base_url: 'http://h/v1', model: m, api_key_env: OCCBENCH_SURELY_UNSET}}\n", "OCCBENCH_SURELY_UNSET is not set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, "run-"+strings.ReplaceAll(tc.name, " ", "-"))
			_, err := Run(context.Background(), suite(t, test, out, "  - {name: ok, kind: fake}\n"+tc.runners), Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one with %q", err, tc.want)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("the run directory was made: %v", err)
			}
			if _, err := Run(context.Background(), suite(t, test, out, "  - {name: ok, kind: fake}\n"), Options{}); err != nil {
				t.Errorf("after the fix: %v", err)
			}
		})
	}
}

func TestOptionsRefused(t *testing.T) {
	dir := t.TempDir()
	test := testSet(t, dir, 10)
	out := filepath.Join(dir, "run")
	s := suite(t, test, out, "  - {name: a, kind: fake}\n")
	if _, err := Run(context.Background(), s, Options{}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(out, rundir.ScoresFile))
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"resume and fresh", Options{Resume: true, Fresh: true}, "--resume and --fresh"},
		{"retry without resume", Options{RetryErrors: true}, "--retry-errors needs --resume"},
		{"negative limit", Options{Limit: -5}, "--limit -5"},
		{"empty only", Options{Only: []string{""}}, "--only: an empty runner name"},
		{"other limit on resume", Options{Resume: true, Limit: 3}, "that run used --limit 0, not 3"},
		{"shard K out of range", Options{Shard: &rundir.Shard{K: 3, N: 3}}, "--shard 3/3: K is the shard, from 0 to N-1 (0 to 2)"},
		{"no shards", Options{Shard: &rundir.Shard{K: 0, N: 0}}, "--shard 0/0: N is the number of shards, 1 or more"},
		{"a shard on resume of an unsharded run", Options{Resume: true, Shard: &rundir.Shard{K: 0, N: 2}}, "that run is not sharded; --shard 0/2 would be another run"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Run(context.Background(), s, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one with %q", err, tc.want)
			}
			if after, _ := os.ReadFile(filepath.Join(out, rundir.ScoresFile)); !bytes.Equal(after, before) {
				t.Error("a refused run changed scores.json")
			}
		})
	}
}

// --resume continues exactly the runners and the limit the run started
// with.
func TestResumeContinuesTheSelection(t *testing.T) {
	dir := t.TempDir()
	test := testSet(t, dir, 20)
	out := filepath.Join(dir, "run")
	s := suite(t, test, out, "  - {name: a, kind: fake}\n  - {name: b, kind: fake}\n")
	if _, err := Run(context.Background(), s, Options{Only: []string{"b"}, Limit: 5}); err != nil {
		t.Fatal(err)
	}
	scores, err := Run(context.Background(), s, Options{Resume: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, ran := scores.Runners["a"]; ran || scores.Runners["b"].N != 5 {
		t.Errorf("resume ran %v over %d users; want only b, over the run's 5", scores.Order, scores.Runners["b"].N)
	}
	man, err := rundir.ReadManifest(filepath.Join(out, rundir.ManifestFile))
	if err != nil || len(man.Selected) != 1 || man.Selected[0] != "b" || man.Limit != 5 {
		t.Errorf("manifest selection %v, limit %d (%v)", man.Selected, man.Limit, err)
	}
}

// A second process in the same run directory is refused while the first
// holds it.
func TestRunDirectoryLocked(t *testing.T) {
	dir := t.TempDir()
	test := testSet(t, dir, 10)
	out := filepath.Join(dir, "run")
	unlock, err := rundir.Lock(out)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	_, err = Run(context.Background(), suite(t, test, out, "  - {name: a, kind: fake}\n"), Options{})
	if err == nil || !strings.Contains(err.Error(), "is in use by process") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, rundir.ManifestFile)); !os.IsNotExist(err) {
		t.Error("the refused run wrote a manifest")
	}
}

// Failures are summed up by cause; a run with some failures succeeds.
func TestFailuresSummedUp(t *testing.T) {
	dir := t.TempDir()
	test := testSet(t, dir, 20)
	var stderr bytes.Buffer
	_, err := Run(context.Background(), suite(t, test, filepath.Join(dir, "run"), "  - {name: a, kind: fake, fail_every: 5}\n"), Options{Stderr: &stderr})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr.String(), "a: 4 of 20 users failed: 4 × HTTP 500") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
}

func TestTrainIsTestWarned(t *testing.T) {
	dir := t.TempDir()
	test := testSet(t, dir, 10)
	s := suite(t, test, filepath.Join(dir, "run"), "  - {name: a, kind: fake}\n")
	s.Train = test
	var stderr bytes.Buffer
	if _, err := Run(context.Background(), s, Options{Stderr: &stderr}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr.String(), "the training set and the test set are the same file") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
}
