package reports

import (
	"flag"
	"os"
	"path/filepath"
	"sync"
	"testing"

	goldenfile "github.com/occbench/occbench/internal/golden"
	"github.com/occbench/occbench/reasons"
	"github.com/occbench/occbench/reports/reportstest"
)

// fixtureRunners are six systems over 120 users with known outcomes: the
// joint model is right on two users in three and the best; one runner's
// name and display name need escaping in Markdown and LaTeX.
func fixtureRunners() []reportstest.Runner {
	P := reportstest.Pattern
	return []reportstest.Runner{
		{Name: "mostpop", Kind: "mostpop", Latency: 0.05, Outcome: P(func(i int) bool { return i%5 == 0 }, func(i int) bool { return i%5 == 1 })},
		{Name: "markov", Kind: "markov", Latency: 0.04, Outcome: P(func(i int) bool { return i%4 == 0 || i%10 == 1 }, nil)},
		{Name: "sasrec", Kind: "sasrec", Latency: 0.4, Outcome: P(func(i int) bool { return i%4 == 0 || i%7 == 3 }, func(i int) bool { return i%2 == 1 })},
		{Name: "qwen3-cot", Kind: "llm", Settings: map[string]any{"mode": "cot", "display": "Qwen3-8B", "paper": "qwen3-8b-cot"},
			Reasons: true, Latency: 1800, Tokens: 900, Outcome: func(i int) reportstest.Outcome {
				switch {
				case i%40 == 7:
					return reportstest.Failed
				case i%30 == 11:
					return reportstest.Unmapped
				case i%4 == 1:
					return reportstest.Right
				}
				return reportstest.Related
			}},
		{Name: "gpt_4.1", Kind: "replay", Settings: map[string]any{"category": "Zero-shot CoT", "paper": "gpt-4.1-cot", "display": "GPT-4.1 | temp_0 & 100%"},
			Latency: 950, Tokens: 700, Outcome: P(func(i int) bool { return i%4 == 2 }, nil)},
		{Name: "qwen3-joint-dpo", Kind: "llm", Settings: map[string]any{"mode": "joint", "display": "Qwen3-8B-Joint-SFT-DPO"},
			Reasons: true, Latency: 2500, Tokens: 1200, Outcome: func(i int) reportstest.Outcome {
				switch {
				case i == 119:
					return reportstest.Missing
				case i%2 == 0 || i%3 == 0:
					return reportstest.Right
				}
				return reportstest.Related
			}},
	}
}

// fixtureInputs are the optional inputs of Tables 1, 3, 4 and scaling.
var fixtureInputs = map[string]string{
	reasons.PerturbationFile: `{"judge": "gpt-4.1", "users": 100, "rows": [
  {"type": "oracle", "n": 100, "factuality": 4.81, "coherence": 4.92, "utility": 4.90},
  {"type": "minor", "n": 100, "factuality": 3.42, "coherence": 3.88, "utility": 3.05},
  {"type": "major", "n": 100, "factuality": 2.75, "coherence": null, "utility": 1.41}]}`,
	reasons.QualityFile: `{"judge": "gpt-4.1", "users": 40, "systems": [
  {"runner": "oracle", "n": 40, "factuality": 4.9, "coherence": 4.95, "utility": 4.97, "pass_rate": 0.95},
  {"runner": "qwen3-cot", "n": 40, "factuality": 4.7, "coherence": 3.9, "utility": 4.2, "pass_rate": 0.55},
  {"runner": "qwen3-joint-dpo", "paper": "qwen3-8b-joint-sft-dpo", "n": 40, "factuality": 4.8, "coherence": 4.9, "utility": 4.6, "overall": 4.77, "pass_rate": 0.8}]}`,
	reasons.SourcesFile: `{"users": 40, "rows": [
  {"predictor": "Qwen3-8B-P", "reasons": "Oracle Reason", "n": 40, "em": 0.85, "rm": 0.86, "em_ci": [0.72, 0.95], "rm_ci": [0.74, 0.95]},
  {"predictor": "Qwen3-8B-P", "reasons": "Qwen3-8B-R", "runner": "qwen3-cot"},
  {"predictor": "Qwen3-8B-Two-Model-SFT-P", "reasons": "Oracle Reason", "n": 40, "em": 0.925, "rm": 0.94}]}`,
	ScalingFile: `{"studies": [
  {"name": "Training set size", "x_label": "training users", "series": [
    {"name": "Qwen3-8B-Joint-SFT", "points": [{"label": "100", "em": 0.24, "rm": 0.29, "n": 120}, {"label": "1,000", "em": 0.27, "n": 120}, {"label": "full", "runner": "sasrec"}]},
    {"name": "Qwen3-8B-Joint-SFT-DPO", "points": [{"label": "100", "em": 0.30, "n": 120}, {"label": "1,000", "em": 0.33, "n": 120}, {"label": "full", "runner": "qwen3-joint-dpo"}]}]},
  {"name": "Backbone size", "x_label": "parameters", "series": [
    {"name": "Qwen3-Joint-SFT-DPO", "points": [{"label": "1.7B", "em": 0.41}, {"label": "4B", "em": 0.52}, {"label": "8B", "runner": "qwen3-joint-dpo"}]}]}]}`,
}

var (
	fixtureOnce sync.Once
	fixtureDir  string
	fixtureErr  error
)

// fixtureRun writes the full fixture run once per test binary.
func fixtureRun(t testing.TB) string {
	t.Helper()
	fixtureOnce.Do(func() {
		dir, err := os.MkdirTemp("", "reports-fixture-")
		if err != nil {
			fixtureErr = err
			return
		}
		fixtureDir = filepath.Join(dir, "run")
		test := reportstest.TestSet(120, true)
		path, err := reportstest.WriteTestSet(filepath.Join(dir, "test.arrow"), test)
		if err == nil {
			err = reportstest.WriteRun(fixtureDir, path, test, fixtureRunners())
		}
		for name, body := range fixtureInputs {
			if err == nil {
				err = os.WriteFile(filepath.Join(fixtureDir, name), []byte(body), 0o644)
			}
		}
		fixtureErr = err
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixtureDir
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	for _, d := range []string{fixtureDir, pathDir} {
		if d != "" {
			os.RemoveAll(filepath.Dir(d))
		}
	}
	os.Exit(code)
}

// fixtureReport loads and builds the fixture's report.
func fixtureReport(t testing.TB, o Options) *Report {
	t.Helper()
	dir := fixtureRun(t)
	run, err := LoadRun(dir, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	in, err := LoadInputs(dir, InputPaths{})
	if err != nil {
		t.Fatal(err)
	}
	o.Inputs = in
	rep, err := Build(run, o)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name), got)
}
