package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occbench/occbench/internal/fixture"
)

// smallData synthesises 300 careers (100 test users) into DIR/data.
func smallData(t *testing.T) (dir, data string) {
	t.Helper()
	dir = t.TempDir()
	data = filepath.Join(dir, "data")
	if _, _, err := runCLI(t, "synth", "--users", "300", "--test-users", "100", "-o", data); err != nil {
		t.Fatal(err)
	}
	return dir, data
}

// Ctrl-C stops a run with exit status 130 and says how to continue it.
func TestRunInterrupted(t *testing.T) {
	dir, _ := smallData(t)
	suite := filepath.Join(dir, "suite.yaml")
	fixture.Write(t, suite, "name: s\ntrain: data/train.arrow\ntest: data/test.arrow\nout: run\nrunners:\n  - {name: m, kind: markov}\n")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	err := run(ctx, &stdout, &stderr, []string{"run", "--suite", suite})
	run := filepath.Join(dir, "run")
	if err == nil || exitCode(err) != 130 || err.Error() != "interrupted: continue with occbench run --resume "+run {
		t.Fatalf("err = %v (exit %d)", err, exitCode(err))
	}
	if _, _, err := runCLI(t, "run", "--resume", run); err != nil {
		t.Fatalf("resume: %v", err)
	}
}

// Ctrl-C in any other command exits 130 with a word, not "context
// canceled", and leaves no output file.
func TestInterruptedCommand(t *testing.T) {
	dir, data := smallData(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := filepath.Join(dir, "oracle.arrow")
	err := run(ctx, io.Discard, io.Discard, []string{"oracle", "--train", filepath.Join(data, "test.arrow"), "-o", out,
		"--endpoint", "http://127.0.0.1:9/v1", "--model", "m", "--limit", "3"})
	if err == nil || exitCode(err) != 130 || !strings.HasPrefix(err.Error(), "interrupted") {
		t.Fatalf("err = %v (exit %d), want interrupted with exit 130", err, exitCode(err))
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s was written (stat: %v)", out, err)
	}
}

func TestRunFlagsRefused(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--suite", "x.yaml", "--resume", "r", "--fresh"}, "--resume and --fresh"},
		{[]string{"run", "--suite", "../../testdata/suites/default.yaml", "--limit", "-5", "--out", "nowhere"}, "--limit -5"},
		{[]string{"run", "--suite", "../../testdata/suites/default.yaml", "--only", "", "--out", "nowhere"}, `--only ""`},
		{[]string{"run", "--suite", "../../testdata/suites/default.yaml", "--only", "last,", "--out", "nowhere"}, "an empty runner name"},
	} {
		if _, _, err := runCLI(t, tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want %q", tc.args, err, tc.want)
		}
	}
}

// Whole-number flags out of range are refused before anything runs.
func TestFlagRanges(t *testing.T) {
	for _, args := range [][]string{
		{"data", "inspect", "--top", "-1", "x.arrow"},
		{"import", "--format", "csv", "--test-users", "-1", "x.csv", "-o", "y"},
		{"report", "--examples", "-1", "run"},
		{"oracle", "--train", "t.arrow", "-o", "o.arrow", "--limit", "-5", "--endpoint", "http://h/v1", "--model", "m"},
		{"sources", "--test", "t", "--run", "r", "--predictor", "p=x", "--reasons", "o=oracle", "--bootstrap", "0"},
	} {
		_, _, err := runCLI(t, args...)
		if err == nil || !strings.Contains(err.Error(), "or more") {
			t.Errorf("%v: err = %v", args, err)
		}
	}
}

// A predictions file cut after the run: report recomputes the scores from
// the records and says so; rescore rewrites scores.json to match.
func TestReportAfterCutPredictions(t *testing.T) {
	dir, _ := smallData(t)
	suite := filepath.Join(dir, "suite.yaml")
	fixture.Write(t, suite, "name: s\ntrain: data/train.arrow\ntest: data/test.arrow\nout: run\nmetrics: {bootstrap: 50}\nrunners:\n  - {name: m, kind: markov}\n  - {name: p, kind: mostpop}\n")
	if _, _, err := runCLI(t, "run", "--suite", suite); err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(dir, "run")
	preds := filepath.Join(run, "predictions", "m.jsonl")
	b, err := os.ReadFile(preds)
	if err != nil {
		t.Fatal(err)
	}
	// Keep 40 whole lines and half of the 41st, as a kill mid-write would.
	lines := bytes.SplitAfter(b, []byte("\n"))
	cut := append(bytes.Join(lines[:40], nil), lines[40][:len(lines[40])/2]...)
	fixture.Write(t, preds, string(cut))
	// From another directory: paths resolve through the manifest.
	t.Chdir(t.TempDir())
	stdout, stderr, err := runCLI(t, "report", run, "--no-pdf")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"scores recomputed from the prediction records", "runner m: the last line of its predictions file is cut short"} {
		if !strings.Contains(stdout+stderr, want) {
			t.Errorf("report does not say %q:\n%s\n%s", want, stdout, stderr)
		}
	}
	if _, _, err := runCLI(t, "rescore", run); err != nil {
		t.Fatal(err)
	}
	var scores struct {
		Runners map[string]struct {
			Missing int `json:"missing"`
		} `json:"runners"`
	}
	b, _ = os.ReadFile(filepath.Join(run, "scores.json"))
	if err := json.Unmarshal(b, &scores); err != nil || scores.Runners["m"].Missing != 60 {
		t.Errorf("after rescore, m has %d users missing, want 60 (%v)", scores.Runners["m"].Missing, err)
	}
	if _, stderr, err := runCLI(t, "report", run, "--no-pdf"); err != nil || strings.Contains(stderr, "recomputed") {
		t.Errorf("after rescore the report still recomputes: %v\n%s", err, stderr)
	}
}
