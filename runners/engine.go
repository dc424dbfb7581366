package runners

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/internal/pool"
	"github.com/occbench/occbench/internal/progress"
	"github.com/occbench/occbench/llm"
	"github.com/occbench/occbench/rundir"
)

// Options control a run. Zero values mean: the suite's out directory, every
// runner, every test user, a fresh run.
type Options struct {
	SuiteFile   string   // recorded in the manifest
	Out         string   // overrides the suite's out
	Only        []string // run only these runners
	Limit       int      // only the first Limit test users
	Resume      bool     // continue the run in Out: skip users already recorded
	RetryErrors bool     // with Resume, also redo users recorded with an error
	Fresh       bool     // discard predictions and scores already in Out (trained models are kept)
	Retrain     bool     // ignore cached trained models
	Stderr      io.Writer
	Now         func() time.Time
	Version     string // occbench version for the manifest
}

// Run runs the suite's runners over its test set and writes the run
// directory: manifest.json, predictions/<runner>.jsonl, scores.json.
func Run(ctx context.Context, s *rundir.Suite, opts Options) (*rundir.Scores, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Stderr == nil {
		opts.Stderr = io.Discard
	}
	dir := opts.Out
	if dir == "" {
		dir = s.Out
	}
	if dir == "" {
		return nil, fmt.Errorf("no run directory: give --out or set out in the suite")
	}
	specs, err := selectRunners(s.Runners, opts.Only)
	if err != nil {
		return nil, err
	}
	if err := prepareDir(dir, opts); err != nil {
		return nil, err
	}
	test, _, err := bench.ReadAll(s.Test)
	if err != nil {
		return nil, err
	}
	if opts.Limit > 0 && opts.Limit < len(test) {
		test = test[:opts.Limit]
	}
	man, err := openManifest(dir, s, opts, len(test))
	if err != nil {
		return nil, err
	}
	if opts.Resume && len(opts.Only) == 0 {
		// Resuming continues the runners the run had, not the whole suite.
		if specs, err = selectRunners(s.Runners, runnersOf(s, man)); err != nil {
			return nil, err
		}
	}
	env := &Env{
		TrainPath: s.Train,
		Test:      test,
		RunDir:    dir,
		ModelDir:  filepath.Join(dir, rundir.ModelDir),
		Seed:      s.Seed,
		Retrain:   opts.Retrain,
		Log:       opts.Stderr,
		Taxonomy:  onet.Default(),
		Now:       opts.Now,
		CacheDir:  s.Cache,
	}
	if env.CacheDir == "" {
		env.CacheDir = rundir.DefaultCacheDir(dir)
	}
	for i := range specs {
		if v := specs[i].MissingEnv(); v != "" {
			why := v + " is not set"
			fmt.Fprintf(opts.Stderr, "%s: skipped: %s\n", specs[i].Name, why)
			if man.Skipped == nil {
				man.Skipped = map[string]string{}
			}
			man.Skipped[specs[i].Name] = why
			continue
		}
		delete(man.Skipped, specs[i].Name)
		if err := runOne(ctx, &specs[i], env, man, dir, opts); err != nil {
			return nil, err
		}
	}
	// Score every runner the run has predictions for, in suite order.
	var names []string
	for _, r := range s.Runners {
		if _, ok := man.Runners[r.Name]; ok {
			names = append(names, r.Name)
		}
	}
	scores, err := rundir.ScoreRun(dir, test, names, scoreOptions(s))
	if err != nil {
		return nil, err
	}
	scores.Skipped = man.Skipped
	if err := scores.Write(filepath.Join(dir, rundir.ScoresFile)); err != nil {
		return nil, err
	}
	end := opts.Now().UTC()
	man.Finished = &end
	if err := rundir.WriteManifest(filepath.Join(dir, rundir.ManifestFile), man); err != nil {
		return nil, err
	}
	return scores, nil
}

// prepareDir makes the run directory, refusing to mix a new run into an old
// one unless told to resume or start afresh.
func prepareDir(dir string, opts Options) error {
	_, err := os.Stat(filepath.Join(dir, rundir.ManifestFile))
	exists := err == nil
	switch {
	case opts.Resume && !exists:
		return fmt.Errorf("--resume %s: no run there (no %s)", dir, rundir.ManifestFile)
	case !opts.Resume && exists && !opts.Fresh:
		return fmt.Errorf("%s already holds a run: --resume %s continues it, --fresh starts it over", dir, dir)
	case opts.Fresh && exists:
		for _, p := range []string{filepath.Join(dir, rundir.PredDir), filepath.Join(dir, rundir.ScoresFile), filepath.Join(dir, rundir.ManifestFile)} {
			if err := os.RemoveAll(p); err != nil {
				return err
			}
		}
	}
	return os.MkdirAll(filepath.Join(dir, rundir.PredDir), 0o755)
}

// openManifest starts a new manifest, or continues the one of a resumed run
// after checking it ran over the same test set.
func openManifest(dir string, s *rundir.Suite, opts Options, users int) (*rundir.Manifest, error) {
	testSum, err := bench.FileSHA256(s.Test)
	if err != nil {
		return nil, err
	}
	if opts.Resume {
		m, err := rundir.ReadManifest(filepath.Join(dir, rundir.ManifestFile))
		if err != nil {
			return nil, err
		}
		if got := m.Datasets["test"].SHA256; got != testSum {
			return nil, fmt.Errorf("--resume %s: that run used a test set with digest %.12s, %s has %.12s", dir, got, s.Test, testSum)
		}
		if m.Limit != opts.Limit {
			return nil, fmt.Errorf("--resume %s: that run used --limit %d, not %d", dir, m.Limit, opts.Limit)
		}
		m.Finished = nil
		return m, nil
	}
	m := &rundir.Manifest{
		Occbench:  opts.Version,
		GoVersion: runtime.Version(),
		Platform:  fmt.Sprintf("%s/%s, %d CPUs", runtime.GOOS, runtime.GOARCH, runtime.NumCPU()),
		Suite:     s.Name,
		SuiteFile: opts.SuiteFile,
		Seed:      s.Seed,
		Datasets:  map[string]rundir.Dataset{"test": {Path: s.Test, SHA256: testSum, Users: users}},
		Protocol:  scoreOptions(s).Protocol(users),
		Runners:   map[string]*rundir.RunnerManifest{},
		Started:   opts.Now().UTC(),
		Limit:     opts.Limit,
	}
	if m.Occbench == "" {
		m.Occbench = moduleVersion()
	}
	if s.Train != "" {
		sum, err := bench.FileSHA256(s.Train)
		if err != nil {
			return nil, err
		}
		m.Datasets["train"] = rundir.Dataset{Path: s.Train, SHA256: sum}
	}
	return m, rundir.WriteManifest(filepath.Join(dir, rundir.ManifestFile), m)
}

func moduleVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "devel"
}

// runnersOf lists, in suite order, the runners a manifest says ran or were
// skipped.
func runnersOf(s *rundir.Suite, m *rundir.Manifest) []string {
	var names []string
	for _, r := range s.Runners {
		_, ran := m.Runners[r.Name]
		_, skipped := m.Skipped[r.Name]
		if ran || skipped {
			names = append(names, r.Name)
		}
	}
	return names
}

// concurrent is a Runner that says how many samples it works on at once.
type concurrent interface{ Concurrency() int }

// runOne prepares one runner and predicts every test user it has not
// recorded yet, appending each prediction to its file as soon as it is done.
func runOne(ctx context.Context, spec *rundir.RunnerSpec, env *Env, man *rundir.Manifest, dir string, opts Options) error {
	r, settings, err := New(spec)
	if err != nil {
		return err
	}
	start := opts.Now().UTC()
	rm := &rundir.RunnerManifest{Kind: spec.Kind, Display: spec.Display, Category: spec.Category, Paper: spec.Paper, Settings: settings, Started: &start}
	if old, ok := man.Runners[spec.Name]; ok && opts.Resume {
		rm.Info, rm.Started, rm.Finished = old.Info, old.Started, old.Finished
	}
	man.Runners[spec.Name] = rm
	path := rundir.PredictionsPath(dir, spec.Name)
	if opts.RetryErrors {
		if err := dropErrors(path); err != nil {
			return err
		}
	}
	done, err := rundir.ReadPredictions(path)
	if err != nil {
		return err
	}
	var todo []*bench.Example
	for _, ex := range env.Test {
		if _, ok := done[ex.UserID]; !ok {
			todo = append(todo, ex)
		}
	}
	if len(todo) == 0 {
		fmt.Fprintf(opts.Stderr, "%s: all %d users already recorded\n", spec.Name, len(env.Test))
		if rm.Finished == nil {
			end := opts.Now().UTC()
			rm.Finished = &end
		}
		return nil
	}
	if p, ok := r.(Preparer); ok {
		fmt.Fprintf(opts.Stderr, "%s: preparing\n", spec.Name)
		if err := p.Prepare(ctx, env); err != nil {
			return fmt.Errorf("runner %s: %w", spec.Name, err)
		}
	}
	if d, ok := r.(Describer); ok {
		rm.Info = d.Describe()
	}
	w, err := rundir.AppendPredictions(path)
	if err != nil {
		return err
	}
	prog := progress.New(opts.Stderr, spec.Name, len(todo), opts.Now)
	// Model clients report retries and tokens to the display.
	ctx = llm.WithObserver(ctx, prog)
	if br, ok := r.(BatchRunner); ok {
		chunk := 256
		if bs, ok := r.(BatchSizer); ok && bs.BatchSize() > 0 {
			chunk = bs.BatchSize()
		}
		err = predictBatch(ctx, br, spec.Name, todo, chunk, w, prog)
	} else {
		n := defaultConcurrency(spec.Kind)
		if c, ok := r.(concurrent); ok && c.Concurrency() > 0 {
			n = c.Concurrency()
		}
		err = predictPool(ctx, r, spec.Name, todo, n, w, prog)
	}
	prog.Close()
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("runner %s: %w", spec.Name, err)
	}
	end := opts.Now().UTC()
	rm.Finished = &end
	return rundir.WriteManifest(filepath.Join(dir, rundir.ManifestFile), man)
}

// predictBatch predicts in chunks so that progress moves and a killed run
// keeps the chunks already written.
func predictBatch(ctx context.Context, r BatchRunner, name string, todo []*bench.Example, chunk int, w *rundir.PredictionWriter, prog *progress.Display) error {
	for lo := 0; lo < len(todo); lo += chunk {
		if err := ctx.Err(); err != nil {
			return err
		}
		part := todo[lo:min(lo+chunk, len(todo))]
		for range part {
			prog.Started()
		}
		preds, err := r.PredictBatch(ctx, part)
		if err != nil {
			return err
		}
		if len(preds) != len(part) {
			return fmt.Errorf("batch of %d users gave %d predictions", len(part), len(preds))
		}
		for i := range preds {
			preds[i].Runner = name
			preds[i].UserID = part[i].UserID
			if err := w.Write(&preds[i]); err != nil {
				return err
			}
			prog.Finished(preds[i].Error != "")
		}
	}
	return nil
}

// predictPool runs Predict on n workers. The first fatal error cancels the
// others; per-sample failures are recorded and the run goes on.
func predictPool(ctx context.Context, r Runner, name string, todo []*bench.Example, n int, w *rundir.PredictionWriter, prog *progress.Display) error {
	return pool.Each(ctx, todo, n, func(ctx context.Context, ex *bench.Example) error {
		prog.Started()
		p, err := r.Predict(ctx, ex)
		if err != nil {
			prog.Finished(true)
			return err
		}
		p.Runner, p.UserID = name, ex.UserID
		if err := w.Write(&p); err != nil {
			return err
		}
		prog.Finished(p.Error != "")
		return nil
	})
}

// dropErrors rewrites a predictions file without its error records, so the
// retried users end with exactly one record each.
func dropErrors(path string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	var keep []rundir.Prediction
	err := rundir.EachPrediction(path, func(p *rundir.Prediction) error {
		if p.Error == "" {
			keep = append(keep, *p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return rundir.RewritePredictions(path, keep)
}

// scoreOptions are the suite's scoring settings.
func scoreOptions(s *rundir.Suite) rundir.ScoreOptions {
	return rundir.ScoreOptions{Related: s.Metrics.Related, Bootstrap: s.Metrics.Bootstrap, Seed: s.Seed}
}
