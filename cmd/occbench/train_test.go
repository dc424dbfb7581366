package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occbench/occbench/bench"
)

// writeOracle writes a two-user oracle set: u1 with a right and a wrong
// attempt, u2 with only right ones.
func writeOracle(t *testing.T) string {
	t.Helper()
	hist := []bench.Record{
		{Kind: bench.Education, School: "State University", Degree: "BS", Major: "Nursing", GradYear: 2012},
		{Kind: bench.Job, Title: "Staff Nurse", Code: "29-1141.00", Occupation: "Registered Nurses", Start: bench.DateOf(2012, 7, 1)},
	}
	ok := bench.Attempt{Reason: "Nursing leads to practice.", Answer: "Nurse Practitioners", Code: "29-1171.00", Correct: true}
	bad := bench.Attempt{Reason: "Teaching fits.", Answer: "Nursing Instructors and Teachers, Postsecondary", Code: "25-1072.00"}
	exs := []*bench.Example{
		{UserID: "u1", History: hist, TargetCode: "29-1171.00", TargetTitle: "Nurse Practitioners", OracleReason: ok.Reason, Attempts: []bench.Attempt{ok, bad}},
		{UserID: "u2", History: hist, TargetCode: "29-1171.00", TargetTitle: "Nurse Practitioners", OracleReason: ok.Reason, Attempts: []bench.Attempt{ok}},
	}
	p := filepath.Join(t.TempDir(), "oracle.arrow")
	if err := bench.WriteExamples(p, exs, nil); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTrainExportAndLaunch(t *testing.T) {
	out := filepath.Join(t.TempDir(), "lf")
	stdout, _, err := runCLI(t, "train", "export", "--oracle", writeOracle(t), "-o", out, "--backbone", "qwen3-4b,llama3.1-8b", "--train-sizes", "1,all")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "users\t2 of 2 oracle users") || !strings.Contains(stdout, "dpo users\t1") {
		t.Errorf("stdout:\n%s", stdout)
	}
	config := filepath.Join(out, "configs", "llama3.1-8b", "n1", "sft_direct.yaml")
	b, err := os.ReadFile(config)
	if err != nil || !strings.Contains(string(b), "template: llama3") {
		t.Fatalf("%s: %v\n%s", config, err, b)
	}

	run := filepath.Join(t.TempDir(), "run")
	_, _, err = runCLI(t, "train", "launch", config, "--launcher", "occbench-no-such-launcher train", "--run", run)
	if err == nil || !strings.Contains(err.Error(), "not found") || exitCode(err) == 0 {
		t.Fatalf("missing launcher: %v", err)
	}
	if _, err := os.Stat(run); !os.IsNotExist(err) {
		t.Fatal("a missing launcher left a run directory")
	}
	if _, err := os.Stat("/bin/sh"); err != nil {
		return
	}
	script := filepath.Join(t.TempDir(), "launcher")
	os.WriteFile(script, []byte("#!/bin/sh\necho trained \"$@\"\n"), 0o755)
	stdout, stderr, err := runCLI(t, "train", "launch", config, "--launcher", script+" train", "--run", run)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stdout, "succeeded: ") || !strings.Contains(stderr, "trained train "+config) {
		t.Errorf("stdout %q stderr %q", stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(run, "train_manifest.json")); err != nil {
		t.Fatal(err)
	}
}

func TestTrainExportErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no oracle", []string{"train", "export", "-o", "x"}, `required flag(s) "oracle" not set`},
		{"sizes", []string{"train", "export", "--oracle", "o.arrow", "-o", "x", "--train-sizes", "ten"}, "--train-sizes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := runCLI(t, tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one about %s", err, tc.want)
			}
		})
	}
}
