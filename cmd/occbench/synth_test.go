package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occbench/occbench/bench/synth"
)

func TestSynth(t *testing.T) {
	dirs := []string{filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")}
	var outs []string
	for _, dir := range dirs {
		stdout, _, err := runCLI(t, "synth", "--users", "300", "--test-users", "50", "--seed", "3", "-o", dir)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, strings.ReplaceAll(stdout, dir, "DIR"))
	}
	if outs[0] != outs[1] {
		t.Errorf("two runs printed different summaries:\n%s\n%s", outs[0], outs[1])
	}
	for _, want := range []string{"300 (250 train, 50 test), seed 3", "jobs", "education", "DIR/train.arrow", "ceiling (50 test users)", "bayes-optimal", "markov1", "last", "expected Bayes EM"} {
		if !strings.Contains(outs[0], want) {
			t.Errorf("summary lacks %q:\n%s", want, outs[0])
		}
	}
	for _, name := range []string{"train.arrow", "test.arrow", "ceiling.json"} {
		a, err := os.ReadFile(filepath.Join(dirs[0], name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dirs[1], name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs with seed 3", name)
		}
	}
	// The data set reads back through data inspect.
	stdout, _, err := runCLI(t, "data", "inspect", "--format", "json", filepath.Join(dirs[0], "test.arrow"))
	if err != nil || !strings.Contains(stdout, `"users": 50`) {
		t.Errorf("data inspect: %v\n%s", err, stdout)
	}
}

func TestSynthErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	for name, args := range map[string][]string{
		"no output":         {"synth", "--users", "100"},
		"no test users":     {"synth", "--users", "100", "--test-users", "0", "-o", dir},
		"all users in test": {"synth", "--users", "100", "--test-users", "100", "-o", dir},
	} {
		if _, _, err := runCLI(t, args...); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("a failed synth left %s behind", dir)
	}
}

func TestSynthReuse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "d")
	args := []string{"synth", "--users", "300", "--test-users", "50", "-o", dir, "--reuse"}
	first, _, err := runCLI(t, args...)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(filepath.Join(dir, "test.arrow"))
	second, stderr, err := runCLI(t, args...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "reusing") {
		t.Errorf("second run did not reuse: %q", stderr)
	}
	if first != second {
		t.Errorf("the reused summary differs:\n%s", lineDiff(first, second))
	}
	after, _ := os.Stat(filepath.Join(dir, "test.arrow"))
	if !after.ModTime().Equal(before.ModTime()) {
		t.Error("test.arrow was rewritten")
	}
	_, stderr, err = runCLI(t, append(args, "--seed", "9")...)
	if err != nil || strings.Contains(stderr, "reusing") {
		t.Errorf("another seed reused the data set: %v %q", err, stderr)
	}
}

// --profile picks the generator and composes with the other flags; the
// summary and ceiling.json name it, and --reuse tells profiles apart.
func TestSynthProfile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "so")
	args := []string{"synth", "--profile", "second-order", "--users", "400", "--test-users", "60", "--seed", "4", "-o", dir, "--reuse"}
	stdout, _, err := runCLI(t, args...)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"profile  second-order", "400 (340 train, 60 test), seed 4", "bayes-optimal"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	js, err := os.ReadFile(filepath.Join(dir, "ceiling.json"))
	if err != nil || !strings.Contains(string(js), `"profile": "second-order"`) || !strings.Contains(string(js), `"seed": 4`) {
		t.Errorf("ceiling.json does not name the profile and seed (%v):\n%s", err, js)
	}
	// The same flags reuse the data set; the default profile does not.
	if _, stderr, err := runCLI(t, args...); err != nil || !strings.Contains(stderr, "reusing") {
		t.Errorf("the same profile was not reused: %v %q", err, stderr)
	}
	def := append([]string{"synth"}, args[3:]...)
	stdout, stderr, err := runCLI(t, def...)
	if err != nil || strings.Contains(stderr, "reusing") || !strings.Contains(stdout, "profile  hidden-track") {
		t.Errorf("the default profile reused the second-order data set or did not name itself: %v %q\n%s", err, stderr, stdout)
	}
}

func TestSynthUnknownProfile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	_, _, err := runCLI(t, "synth", "--profile", "fourth-order", "-o", dir)
	if err == nil {
		t.Fatal("an unknown profile was accepted")
	}
	for _, want := range append([]string{`"fourth-order"`}, synth.Profiles()...) {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error %q lacks %s", err, want)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("a failed synth left %s behind", dir)
	}
}

// synth --horizon writes target paths and the Bayes ceiling per horizon,
// and refuses horizons it cannot compute exactly.
func TestSynthHorizon(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "paths")
	stdout, _, err := runCLI(t, "synth", "--users", "300", "--test-users", "50", "--horizon", "3", "-o", dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"bayes-optimal by horizon", "h = 1", "h = 3"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "ceiling.json"))
	if err != nil || !bytes.Contains(b, []byte(`"bayes_by_horizon": [`)) {
		t.Errorf("ceiling.json (%v):\n%s", err, b)
	}
	stdout, _, err = runCLI(t, "data", "inspect", filepath.Join(dir, "test.arrow"))
	if err != nil || !strings.Contains(stdout, "3    target jobs; 50 users with a target path, 50 with a Bayes path") {
		t.Errorf("data inspect: %v\n%s", err, stdout)
	}
	for _, h := range []string{"0", "5", "-2"} {
		_, _, err := runCLI(t, "synth", "--users", "100", "--test-users", "10", "--horizon", h, "-o", dir)
		if err == nil || !strings.Contains(err.Error(), "--horizon "+h+": want 1 to 4 jobs") {
			t.Errorf("--horizon %s: %v", h, err)
		}
	}
}
