package reports

import (
	"errors"
	"fmt"
	"maps"
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
	EM []bool
	RM []float64
	// PathEM[h-1] is each user's free-running EM at horizon h, for a path
	// run (Protocol.Horizon K > 1); nil otherwise.
	PathEM   [][]bool
	Recorded []bool // a prediction exists (possibly with an error)
	Failed   []bool // recorded with an error
	// FirstError is the error of the first failed user in test order.
	FirstError string
	Missing    int // users without a prediction
	// Repeated counts records of a user recorded before (the last one
	// counts); Unknown, records of users outside the test set (ignored).
	Repeated, Unknown int
}

// LoadOptions control LoadRun.
type LoadOptions struct {
	// TestPath overrides the test set named in the manifest (when the run
	// was made elsewhere). Its digest must still match the manifest's.
	TestPath string
}

// LoadRun reads a run directory written by occbench run. The scores come
// from the prediction records: when scores.json is missing, older than a
// predictions file, or disagrees with the records, the run is scored again
// in memory (occbench rescore writes it) and a warning says so.
func LoadRun(dir string, o LoadOptions) (*Run, error) {
	man, err := rundir.ReadManifest(filepath.Join(dir, rundir.ManifestFile))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s is not a run directory: no %s", dir, rundir.ManifestFile)
		}
		return nil, err
	}
	r := &Run{Dir: dir, Manifest: man}
	if r.TestPath, r.Test, err = rundir.ReadTest(dir, man, o.TestPath); err != nil {
		return nil, err
	}
	stale, err := rundir.Stale(dir)
	if err != nil {
		return nil, err
	}
	if stale == "" {
		if r.Scores, err = rundir.ReadScores(filepath.Join(dir, rundir.ScoresFile)); err != nil {
			return nil, err
		}
		if err = r.loadSystems(); err != nil {
			return nil, err
		}
		stale = r.disagreement()
	}
	if stale != "" {
		if r.Scores, err = rundir.Rescore(dir, man, r.Test); err != nil {
			return nil, err
		}
		if err = r.loadSystems(); err != nil {
			return nil, err
		}
		r.Warnings = append(r.Warnings, fmt.Sprintf("scores recomputed from the prediction records because %s (occbench rescore %s writes them)", stale, dir))
	}
	for _, s := range r.Systems {
		if o := s.Outcomes; o.Repeated > 0 || o.Unknown > 0 {
			r.Warnings = append(r.Warnings, fmt.Sprintf("runner %s: its predictions file has %d records of users recorded before (the last one counts) and %d of users outside the test set (ignored)", s.Name, o.Repeated, o.Unknown))
		}
		if cut, err := rundir.CutLine(rundir.PredictionsPath(dir, s.Name)); err != nil {
			return nil, err
		} else if cut {
			r.Warnings = append(r.Warnings, fmt.Sprintf("runner %s: the last line of its predictions file is cut short (a killed run) and is not counted: occbench run --resume %s redoes that user", s.Name, dir))
		}
	}
	return r, nil
}

// loadSystems reads every scored runner's outcomes per user.
func (r *Run) loadSystems() error {
	index := make(map[string]int, len(r.Test))
	for i, ex := range r.Test {
		index[ex.UserID] = i
	}
	opts := occupationOptions(r.Manifest.Protocol.Related)
	strict := strictEM(r)
	r.Systems, r.Warnings = nil, nil
	for _, name := range r.Scores.Order {
		rs, ok := r.Scores.Runners[name]
		if !ok {
			r.Warnings = append(r.Warnings, fmt.Sprintf("runner %s is in the order of %s but has no scores", name, rundir.ScoresFile))
			continue
		}
		s := newSystem(name, r.Manifest.Runners[name])
		s.Scores = rs
		var err error
		if s.Outcomes, err = readOutcomes(rundir.PredictionsPath(r.Dir, name), r.Test, index, opts, strict, r.Horizon()); err != nil {
			return err
		}
		r.Systems = append(r.Systems, s)
	}
	sortSystems(r.Systems)
	return nil
}

// disagreement says which runner's headline EM in scores.json differs from
// its records, or "".
func (r *Run) disagreement() string {
	for _, s := range r.Systems {
		if em, want := mean(s.Outcomes.EM), headlineEM(r, s); len(r.Test) > 0 && !near(em, want) {
			return fmt.Sprintf("%s says EM %.4f for runner %s and its records give %.4f", rundir.ScoresFile, want, s.Name, em)
		}
		if k := r.Horizon(); k > 1 && len(s.Scores.Horizon) != k {
			return fmt.Sprintf("%s has %d horizons for runner %s and the run has %d", rundir.ScoresFile, len(s.Scores.Horizon), s.Name, k)
		}
		for h, hs := range s.Scores.Horizon {
			if h < len(s.Outcomes.PathEM) && len(r.Test) > 0 && !near(mean(s.Outcomes.PathEM[h]), hs.EM.Float()) {
				return fmt.Sprintf("%s says EM@%d %.4f for runner %s and its records give %.4f", rundir.ScoresFile, h+1, hs.EM.Float(), s.Name, mean(s.Outcomes.PathEM[h]))
			}
		}
	}
	return ""
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
// headline: title strings when strict, else codes. With a horizon K > 1 it
// also scores each free-running step on codes, as scores.json does.
func readOutcomes(path string, test []*bench.Example, index map[string]int, opts metrics.OccupationOptions, strict bool, k int) (Outcomes, error) {
	n := len(test)
	out := Outcomes{EM: make([]bool, n), RM: make([]float64, n), Recorded: make([]bool, n), Failed: make([]bool, n)}
	if k > 1 {
		out.PathEM = make([][]bool, k)
		for h := range out.PathEM {
			out.PathEM[h] = make([]bool, n)
		}
	}
	errs := map[int]string{} // failed users' errors, by test index
	err := rundir.EachPrediction(path, func(p *rundir.Prediction) error {
		i, ok := index[p.UserID]
		if !ok {
			out.Unknown++
			return nil
		}
		ex := test[i]
		if out.Recorded[i] {
			out.Repeated++
		}
		out.Recorded[i] = true
		out.Failed[i] = p.Error != ""
		if out.Failed[i] {
			errs[i] = p.Error
		} else {
			delete(errs, i) // redone with --retry-errors
		}
		smp := rundir.OccupationSample(ex, p)
		smp.Ranked = nil // only EM and RM are kept per user
		it := metrics.ScoreOccupation(smp, opts)
		out.EM[i], out.RM[i] = it.EM == 1, it.RM
		if strict {
			out.EM[i] = it.EMStrict == 1
		}
		truth := ex.Path()
		for h := range out.PathEM {
			out.PathEM[h][i] = p.Error == "" && h < len(p.Path) && h < len(truth) && p.Path[h].Code != "" && p.Path[h].Code == truth[h]
		}
		return nil
	})
	for i := range out.Recorded {
		if !out.Recorded[i] {
			out.Missing++
		}
	}
	if len(errs) > 0 {
		out.FirstError = errs[slices.Min(slices.Collect(maps.Keys(errs)))]
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

// Horizon is K of a path run, the jobs each prediction looks ahead; 0 for
// a single-step run.
func (r *Run) Horizon() int {
	if k := r.Manifest.Protocol.Horizon; k > 1 {
		return k
	}
	return 0
}

// TestDigest is the test set's SHA-256.
func (r *Run) TestDigest() string { return r.Manifest.Datasets["test"].SHA256 }

func mean(xs []bool) float64 {
	if len(xs) == 0 {
		return 0
	}
	return float64(trues(xs)) / float64(len(xs))
}

func near(a, b float64) bool {
	d := a - b
	return d < 1e-9 && d > -1e-9
}
