package reports

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/metrics"
	"github.com/occbench/occbench/rundir"
)

// Run is a run directory loaded for reporting: its manifest and scores, the
// test set it was scored on, and every system's per-user outcomes.
type Run struct {
	Dir      string
	Manifest *rundir.Manifest
	Scores   *rundir.Scores
	Test     []*bench.Example
	TestPath string
	// Systems in display order: by category (the paper's order), then in
	// suite order.
	Systems []*System
	// Warnings are facts a reader should know (scores.json disagreeing with
	// the predictions, a runner without scores).
	Warnings []string
}

// System is one runner of a run.
type System struct {
	Name     string
	Display  string // the name shown in tables; the runner name unless its settings say otherwise
	Category string
	Kind     string
	Mode     string // llm mode: cot, direct, joint, two-model
	Paper    string // the paper-expectations key named in its settings, if any
	Scores   rundir.RunnerScores
	Outcomes Outcomes
}

// Outcomes are one system's per-user results, aligned with Run.Test.
type Outcomes struct {
	EM       []bool
	RM       []float64
	Recorded []bool // a prediction exists (possibly with an error)
	Failed   []bool // recorded with an error
	Missing  int    // users without a prediction
}

// LoadOptions control LoadRun.
type LoadOptions struct {
	// TestPath overrides the test set named in the manifest (when the run
	// was made elsewhere). Its digest must still match the manifest's.
	TestPath string
}

// LoadRun reads a run directory written by occbench run.
func LoadRun(dir string, o LoadOptions) (*Run, error) {
	man, err := rundir.ReadManifest(filepath.Join(dir, rundir.ManifestFile))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s is not a run directory: no %s", dir, rundir.ManifestFile)
		}
		return nil, err
	}
	scores, err := rundir.ReadScores(filepath.Join(dir, rundir.ScoresFile))
	if err != nil {
		return nil, err
	}
	r := &Run{Dir: dir, Manifest: man, Scores: scores}
	if r.TestPath, err = resolveTestPath(dir, man, o.TestPath); err != nil {
		return nil, err
	}
	if r.Test, _, err = bench.ReadAll(r.TestPath); err != nil {
		return nil, err
	}
	if man.Limit > 0 && man.Limit < len(r.Test) {
		r.Test = r.Test[:man.Limit]
	}
	index := make(map[string]int, len(r.Test))
	for i, ex := range r.Test {
		index[ex.UserID] = i
	}
	opts := occupationOptions(man.Protocol.Related)
	strict := strictEM(r)
	for _, name := range scores.Order {
		rs, ok := scores.Runners[name]
		if !ok {
			r.Warnings = append(r.Warnings, fmt.Sprintf("runner %s is in the order of %s but has no scores", name, rundir.ScoresFile))
			continue
		}
		s := newSystem(name, man.Runners[name])
		s.Scores = rs
		if s.Outcomes, err = readOutcomes(rundir.PredictionsPath(dir, name), r.Test, index, opts, strict); err != nil {
			return nil, err
		}
		if em, want := mean(s.Outcomes.EM), headlineEM(r, s); len(r.Test) > 0 && !near(em, want) {
			r.Warnings = append(r.Warnings, fmt.Sprintf("runner %s: EM from the predictions (%.4f) differs from %s (%.4f); rescore the run", name, em, rundir.ScoresFile, want))
		}
		r.Systems = append(r.Systems, s)
	}
	sortSystems(r.Systems)
	return r, nil
}

// resolveTestPath finds the run's test set: the override, the manifest's
// path as written, or that path relative to the run directory, and checks
// its digest against the manifest.
func resolveTestPath(dir string, man *rundir.Manifest, override string) (string, error) {
	ds, ok := man.Datasets["test"]
	if !ok {
		return "", fmt.Errorf("%s: the manifest names no test set", filepath.Join(dir, rundir.ManifestFile))
	}
	cands := []string{override}
	if override == "" {
		cands = []string{ds.Path}
		if !filepath.IsAbs(ds.Path) {
			cands = append(cands, filepath.Join(dir, ds.Path))
		}
	}
	for _, p := range cands {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		sum, err := bench.FileSHA256(p)
		if err != nil {
			return "", err
		}
		if sum != ds.SHA256 {
			return "", fmt.Errorf("test set %s has digest %.12s, but run %s was scored on %.12s", p, sum, dir, ds.SHA256)
		}
		return p, nil
	}
	return "", fmt.Errorf("run %s: its test set %s is not there (give its current path with --test)", dir, ds.Path)
}

func occupationOptions(related int) metrics.OccupationOptions {
	tax := onet.Default()
	o := metrics.DefaultOccupation
	if related > 0 {
		o.MaxRelated = related
	}
	o.Related = func(code string) []string { return tax.RelatedCodes(code, 0) }
	return o
}

// readOutcomes scores a predictions file per user, streaming it. As in
// rundir.ScoreRun, a user recorded twice keeps the last record, and a
// missing or failed prediction counts as wrong. EM is the protocol's
// headline: title strings when strict, else codes.
func readOutcomes(path string, test []*bench.Example, index map[string]int, opts metrics.OccupationOptions, strict bool) (Outcomes, error) {
	n := len(test)
	out := Outcomes{EM: make([]bool, n), RM: make([]float64, n), Recorded: make([]bool, n), Failed: make([]bool, n)}
	err := rundir.EachPrediction(path, func(p *rundir.Prediction) error {
		i, ok := index[p.UserID]
		if !ok {
			return nil
		}
		ex := test[i]
		out.Recorded[i] = true
		out.Failed[i] = p.Error != ""
		smp := rundir.OccupationSample(ex, p)
		smp.Ranked = nil // only EM and RM are kept per user
		it := metrics.ScoreOccupation(smp, opts)
		out.EM[i], out.RM[i] = it.EM == 1, it.RM
		if strict {
			out.EM[i] = it.EMStrict == 1
		}
		return nil
	})
	for i := range out.Recorded {
		if !out.Recorded[i] {
			out.Missing++
		}
	}
	return out, err
}

// predictionsFor returns the last record of each of the given users.
func predictionsFor(path string, users map[string]bool) (map[string]rundir.Prediction, error) {
	out := map[string]rundir.Prediction{}
	err := rundir.EachPrediction(path, func(p *rundir.Prediction) error {
		if users[p.UserID] {
			out[p.UserID] = *p
		}
		return nil
	})
	return out, err
}

// System returns the named system, or nil.
func (r *Run) System(name string) *System {
	i := slices.IndexFunc(r.Systems, func(s *System) bool { return s.Name == name })
	if i < 0 {
		return nil
	}
	return r.Systems[i]
}

// TestDigest is the test set's SHA-256.
func (r *Run) TestDigest() string { return r.Manifest.Datasets["test"].SHA256 }

func mean(xs []bool) float64 {
	if len(xs) == 0 {
		return 0
	}
	n := 0
	for _, x := range xs {
		if x {
			n++
		}
	}
	return float64(n) / float64(len(xs))
}

func near(a, b float64) bool {
	d := a - b
	return d < 1e-9 && d > -1e-9
}
