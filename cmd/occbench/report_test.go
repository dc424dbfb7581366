package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occbench/occbench/internal/fixture"
	"github.com/occbench/occbench/reports/reportstest"
)

// reportRun writes a small run: three runners over 90 users, with the
// joint model clearly best.
func reportRun(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "test.arrow")
	test := reportstest.NewTestSet(t, path, 90, true)
	P := reportstest.Pattern
	rs := []reportstest.Runner{
		{Name: "mostpop", Kind: "mostpop", Latency: 0.1, Outcome: P(func(i int) bool { return i%5 == 0 }, nil)},
		{Name: "sasrec", Kind: "sasrec", Latency: 0.5, Outcome: P(func(i int) bool { return i%4 == 0 }, func(i int) bool { return i%2 == 1 })},
		{Name: "joint", Kind: "llm", Settings: map[string]any{"mode": "joint", "display": "Qwen3-8B-Joint-SFT-DPO"}, Reasons: true, Latency: 2000, Tokens: 800,
			Outcome: P(func(i int) bool { return i%3 != 2 }, nil)},
	}
	run := filepath.Join(dir, "run")
	reportstest.NewRun(t, run, path, test, rs)
	return run
}

func TestReportCommand(t *testing.T) {
	run := reportRun(t)
	stdout, stderr, err := runCLI(t, "report", run, "--format", "markdown")
	if err != nil {
		t.Fatalf("report: %v\n%s", err, stderr)
	}
	for _, want := range []string{"**Table 2: Occupation prediction accuracy on 90 test users**", "| Proposed models | Qwen3-8B-Joint-SFT-DPO |", "Bonferroni over a family of m = 2"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "wrote") {
		t.Errorf("stderr = %q", stderr)
	}
	for _, f := range []string{"tables.txt", "tables.md", "tables.csv", "tables.tex", "tables/table2.csv", "tables/table2.tex", "tables/mcnemar.tex",
		"charts/accuracy.png", "charts/accuracy.svg", "charts/cost_latency.svg", "charts/cost_tokens.png", "charts/reasons.svg", "report.pdf"} {
		if st, err := os.Stat(filepath.Join(run, "report", f)); err != nil || st.Size() == 0 {
			t.Errorf("report/%s: %v", f, err)
		}
	}
	// The text of every format holds Table 2.
	b, _ := os.ReadFile(filepath.Join(run, "report", "tables.tex"))
	if !strings.Contains(string(b), `\begin{document}`) || !strings.Contains(string(b), `\toprule`) {
		t.Errorf("tables.tex is not a booktabs document")
	}
}

func TestReportCommandErrors(t *testing.T) {
	run := reportRun(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"report", t.TempDir()}, "not a run directory"},
		{[]string{"report", run, "--format", "html"}, `format "html"`},
		{[]string{"report", run, "--reference", "gru4rec"}, "--reference gru4rec"},
		{[]string{"report", run, "--correction", "sidak"}, "--correction"},
		{[]string{"report", run, "--paper", filepath.Join(run, "manifest.json")}, "--paper"},
		{[]string{"report", run, "--scaling", filepath.Join(run, "nope.json")}, "nope.json"},
		{[]string{"report", run, "--judge", filepath.Join(run, "judge-nope.jsonl")}, "--judge: stat " + filepath.Join(run, "judge-nope.jsonl")},
	}
	for _, c := range cases {
		_, _, err := runCLI(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want %q", c.args, err, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(run, "report")); !os.IsNotExist(err) {
		t.Errorf("a refused report wrote %s/report (stat: %v)", run, err)
	}
}

// TestReportInputFile checks that an input file with a misspelt field is
// refused rather than shown as dashes.
func TestReportInputFile(t *testing.T) {
	run := reportRun(t)
	bad := filepath.Join(run, "perturb.json")
	fixture.Write(t, bad, `{"rows": [{"type": "oracle", "factualty": 4.8}]}`)
	_, _, err := runCLI(t, "report", run, "--perturbation", bad, "--no-pdf")
	if err == nil || !strings.Contains(err.Error(), "factualty") {
		t.Errorf("err = %v, want the unknown field named", err)
	}
	good := filepath.Join(run, "judge_perturbation.json")
	fixture.Write(t, good, `{"judge": "gpt-4.1", "rows": [{"type": "oracle", "factuality": 4.8, "coherence": 4.9, "utility": 4.9}]}`)
	out := filepath.Join(t.TempDir(), "rep")
	if _, stderr, err := runCLI(t, "report", run, "--out", out, "--no-pdf"); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	b, _ := os.ReadFile(filepath.Join(out, "tables", "table1.csv"))
	if !strings.Contains(string(b), "Oracle Reason,,4.80,4.90,4.90") {
		t.Errorf("table1.csv:\n%s", b)
	}
	if _, err := os.Stat(filepath.Join(out, "report.pdf")); !os.IsNotExist(err) {
		t.Errorf("--no-pdf wrote report.pdf")
	}
	_ = json.Valid
}

// pathRun writes a path run (3 jobs ahead) of two runners and the bayes
// ceiling over 90 users.
func pathRun(t *testing.T, dir string, steps func(i, h int) reportstest.Outcome) string {
	t.Helper()
	path := filepath.Join(dir, "test.arrow")
	test := reportstest.PathTestSet(90, 3, false)
	if _, err := reportstest.WriteTestSet(path, test); err != nil {
		t.Fatal(err)
	}
	right := func(f func(i, h int) bool) func(i, h int) reportstest.Outcome {
		return func(i, h int) reportstest.Outcome {
			if f(i, h) {
				return reportstest.Right
			}
			return reportstest.Wrong
		}
	}
	P := reportstest.Pattern
	rs := []reportstest.Runner{
		{Name: "markov", Kind: "markov", Outcome: P(func(i int) bool { return i%4 == 0 }, nil), Steps: right(func(i, h int) bool { return i%(3+h) == 0 })},
		{Name: "sasrec", Kind: "sasrec", Outcome: P(func(i int) bool { return i%3 == 0 }, nil), Steps: steps,
			Teacher: right(func(i, h int) bool { return i%2 == 0 })},
		{Name: "bayes", Kind: "bayes", Outcome: P(func(i int) bool { return i%3 != 2 }, nil), Steps: right(func(i, h int) bool { return i%(h+1) != 1 })},
	}
	run := filepath.Join(dir, "run")
	reportstest.NewRun(t, run, path, test, rs)
	return run
}

// TestReportPathRun: a path run's report prints the accuracy by horizon
// after Table 2 and writes the horizon tables and chart.
func TestReportPathRun(t *testing.T) {
	run := pathRun(t, t.TempDir(), nil)
	stdout, stderr, err := runCLI(t, "report", run, "--correction", "holm", "--no-pdf", "--no-viewer")
	if err != nil {
		t.Fatalf("report: %v\n%s", err, stderr)
	}
	for _, want := range []string{"Table 2: Occupation prediction accuracy on 90 test users", "Accuracy by horizon: the next 3 jobs of 90 test users",
		"(3 families of m = 2)", "Holm over a family of m = 2", "│ bayes  │ 1 │", "ceiling"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	for _, f := range []string{"tables/horizon.csv", "tables/horizon.tex", "tables/paths.csv", "charts/horizon.png", "charts/horizon.svg"} {
		if st, err := os.Stat(filepath.Join(run, "report", f)); err != nil || st.Size() == 0 {
			t.Errorf("report/%s: %v", f, err)
		}
	}
}
