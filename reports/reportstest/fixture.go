// Package reportstest builds small run directories in the formats occbench
// run writes, for the tests of reports and of the report and compare
// commands.
package reportstest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/rundir"
)

// Runner describes a fake runner of a fixture run.
type Runner struct {
	Name     string
	Kind     string
	Settings map[string]any
	// Outcome says what the runner predicts for user i: Right, Related (a
	// related occupation), Wrong (an unrelated one), Unmapped, Failed, or
	// Missing (no record).
	Outcome func(i int) Outcome
	Reasons bool    // write a reason text
	Latency float64 // ms per user
	Tokens  int     // prompt tokens per user (completion = a quarter)
	// Edit, if set, changes each prediction before it is written (to give
	// it a ranking, longer texts, calls).
	Edit func(i int, ex *bench.Example, p *rundir.Prediction)
	// Steps says, for a test set with target paths, what the runner
	// predicts for user i at horizon h ≥ 2 running free (Right, Related,
	// Wrong or Unmapped); step 1 is Outcome's answer. Nil repeats
	// Outcome(i) at every step.
	Steps func(i, h int) Outcome
	// Teacher, if set, gives the teacher-forced steps likewise (h ≥ 2;
	// step 1 is Outcome's answer); nil writes none, as for an LLM runner.
	Teacher func(i, h int) Outcome
}

// Outcome of one prediction.
type Outcome int

const (
	Right Outcome = iota
	Related
	Wrong
	Unmapped
	Failed
	Missing
)

// Targets are the occupations the fixture's users move into, all with an
// O*NET related list.
var Targets = []string{"15-1252.00", "29-1141.00", "13-2011.00", "11-2021.00", "25-2021.00"}

// TestSet makes n users. Their histories carry text outside cp1252 (Polish,
// Cyrillic, Greek) so that PDF rendering is exercised; every third user has
// an oracle reason when oracle is true.
func TestSet(n int, oracle bool) []*bench.Example {
	tax := onet.Default()
	exs := make([]*bench.Example, n)
	for i := range exs {
		target, _ := tax.ByCode(Targets[i%len(Targets)])
		prev, _ := tax.ByCode(tax.RelatedCodes(target.Code, 2)[1])
		ex := &bench.Example{
			UserID: fmt.Sprintf("u%04d", i),
			History: []bench.Record{
				{Kind: bench.Education, School: "Politechnika Łódzka", Degree: "Magister inżynier", Major: "Informatyka", GradYear: 2008, End: bench.DateOf(2008, 6, 30)},
				{Kind: bench.Job, Title: "Инженер — " + prev.Title, Code: prev.Code, Occupation: prev.Title, Industry: "Τεχνολογία", Start: bench.DateOf(2009, 1, 1), End: bench.DateOf(2014, 3, 31)},
				{Kind: bench.Job, Title: "Senior " + prev.Title, Code: prev.Code, Occupation: prev.Title, Industry: "Software", Start: bench.DateOf(2014, 4, 1), End: bench.DateOf(2020, 1, 31), Salary: 98000},
			},
			TargetCode:  target.Code,
			TargetTitle: target.Title,
		}
		if oracle && i%3 == 0 {
			ex.OracleReason = fmt.Sprintf("After years as %s the user builds on the same skills; the next step is %s, a natural promotion in the same field.", prev.Title, target.Title)
		}
		exs[i] = ex
	}
	return exs
}

// PathTestSet makes n users, as TestSet, whose target paths hold k jobs:
// user i moves into Targets[i mod 5], then Targets[(i+1) mod 5], and so on.
func PathTestSet(n, k int, oracle bool) []*bench.Example {
	tax := onet.Default()
	exs := TestSet(n, oracle)
	for i, ex := range exs {
		for h := range k {
			o, _ := tax.ByCode(Targets[(i+h)%len(Targets)])
			ex.TargetPath = append(ex.TargetPath, bench.Record{Kind: bench.Job, Title: o.Title, Code: o.Code, Occupation: o.Title, Start: bench.DateOf(2020+h, 2, 1)})
		}
	}
	return exs
}

// NewTestSet writes TestSet(n, oracle) as Arrow to path and returns it; a
// failed write fails the test.
func NewTestSet(t testing.TB, path string, n int, oracle bool) []*bench.Example {
	t.Helper()
	test := TestSet(n, oracle)
	if _, err := WriteTestSet(path, test); err != nil {
		t.Fatal(err)
	}
	return test
}

// NewRun is WriteRun failing the test on an error.
func NewRun(t testing.TB, dir, testPath string, test []*bench.Example, rs []Runner) {
	t.Helper()
	if err := WriteRun(dir, testPath, test, rs); err != nil {
		t.Fatal(err)
	}
}

// WriteTestSet writes a test set as Arrow and returns its path; a set with
// target paths is written with its horizon.
func WriteTestSet(path string, exs []*bench.Example) (string, error) {
	var meta map[string]string
	if k := horizon(exs); k > 1 {
		meta = map[string]string{bench.MetaHorizon: fmt.Sprint(k)}
	}
	if err := bench.WriteExamples(path, exs, meta); err != nil {
		return "", err
	}
	return path, nil
}

// Clock is the fixed time of fixture manifests, so outputs are stable.
var Clock = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// horizon is the longest target path of a test set: K of a path set.
func horizon(exs []*bench.Example) int {
	k := 0
	for _, ex := range exs {
		k = max(k, ex.Horizon())
	}
	return k
}

// WriteRun writes a run directory over the test set at testPath: the
// manifest, one predictions file per runner, and scores.json scored by
// rundir.ScoreRun with 200 bootstrap resamples. Over a test set with target
// paths of K > 1 jobs it is a path run of horizon K, as a suite with
// horizon: K makes.
func WriteRun(dir, testPath string, test []*bench.Example, rs []Runner) error {
	if err := os.MkdirAll(filepath.Join(dir, rundir.PredDir), 0o755); err != nil {
		return err
	}
	sum, err := bench.FileSHA256(testPath)
	if err != nil {
		return err
	}
	k := horizon(test)
	if k < 2 {
		k = 0
	}
	start, end := Clock, Clock.Add(90*time.Second)
	man := &rundir.Manifest{
		Occbench: "test", GoVersion: "go1.26", Platform: "linux/amd64, 2 CPUs", Suite: "fixture", Seed: 1,
		Datasets: map[string]rundir.Dataset{"test": {Path: testPath, SHA256: sum, Users: len(test)}},
		Protocol: rundir.Protocol{EM: "code", Related: 20, Ranking: "full catalogue", Bootstrap: 200, TestUsers: len(test), Horizon: k},
		Runners:  map[string]*rundir.RunnerManifest{},
		Started:  start, Finished: &end,
	}
	var names []string
	for _, r := range rs {
		settings := r.Settings
		if settings == nil {
			settings = map[string]any{}
		}
		man.Runners[r.Name] = &rundir.RunnerManifest{Kind: r.Kind, Settings: settings, Started: &start, Finished: &end}
		names = append(names, r.Name)
		if err := writePredictions(rundir.PredictionsPath(dir, r.Name), test, r); err != nil {
			return err
		}
	}
	if err := rundir.WriteManifest(filepath.Join(dir, rundir.ManifestFile), man); err != nil {
		return err
	}
	scores, err := rundir.ScoreRun(dir, test, names, rundir.ScoreOptions{Related: 20, Bootstrap: 200, Seed: 1, Horizon: k})
	if err != nil {
		return err
	}
	return scores.Write(filepath.Join(dir, rundir.ScoresFile))
}

func writePredictions(path string, test []*bench.Example, r Runner) error {
	tax := onet.Default()
	w, err := rundir.AppendPredictions(path)
	if err != nil {
		return err
	}
	for i, ex := range test {
		out := r.Outcome(i)
		if out == Missing {
			continue
		}
		p := rundir.Prediction{UserID: ex.UserID, Runner: r.Name, LatencyMS: r.Latency, PromptTokens: r.Tokens, CompletionTokens: r.Tokens / 4}
		code := answer(out, ex.TargetCode)
		switch out {
		case Unmapped:
			p.Mapping, p.Answer = "none", "Galactic Space Pirate"
		case Failed:
			p.Error = "HTTP 500: upstream failed"
		}
		if code != "" {
			o, _ := tax.ByCode(code)
			p.Code, p.Title, p.Answer, p.Mapping = o.Code, o.Title, o.Title, "exact"
		}
		if truth := ex.Path(); len(truth) > 1 && p.Error == "" {
			p.Path = steps(i, truth, p.Code, r.Steps, out)
			if r.Teacher != nil {
				p.Teacher = steps(i, truth, p.Code, r.Teacher, out)
			}
		}
		if r.Reasons && p.Error == "" {
			p.Reason = fmt.Sprintf("The user worked as %s for eleven years, so %s follows.", ex.History[2].Occupation, p.Answer)
			p.Raw = "<think>" + p.Reason + "</think><answer>" + p.Answer + "</answer>"
		}
		if r.Edit != nil {
			r.Edit(i, ex, &p)
		}
		if err := w.Write(&p); err != nil {
			w.Close()
			return err
		}
	}
	return w.Close()
}

// answer is the code a runner with outcome out answers when the truth is
// code: "" for no answer.
func answer(out Outcome, code string) string {
	switch out {
	case Right:
		return code
	case Related:
		return onet.Default().RelatedCodes(code, 3)[2]
	case Wrong:
		return "11-1011.00" // Chief Executives: related to none of the targets
	}
	return ""
}

// steps makes a path of predictions against the true path: step 1 is the
// single-step answer first, later steps follow at(i, h), or first's
// outcome where at is nil.
func steps(i int, truth []string, first string, at func(i, h int) Outcome, out Outcome) []rundir.Step {
	tax := onet.Default()
	path := []rundir.Step{{Code: first}}
	for h := 2; h <= len(truth); h++ {
		o := out
		if at != nil {
			o = at(i, h)
		}
		path = append(path, rundir.Step{Code: answer(o, truth[h-1])})
	}
	for j := range path {
		if o, ok := tax.ByCode(path[j].Code); ok {
			path[j].Title = o.Title
		}
	}
	return path
}

// Pattern returns an Outcome function: Right where right(i), Related where
// related(i), otherwise Wrong.
func Pattern(right, related func(i int) bool) func(int) Outcome {
	return func(i int) Outcome {
		switch {
		case right(i):
			return Right
		case related != nil && related(i):
			return Related
		}
		return Wrong
	}
}
