package runners

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/internal/dirlock"
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
	// Shard, when set, predicts only its part of the (limited) test
	// users; the models are trained as for all of them.
	Shard *rundir.Shard
	// ModelDir holds trained models instead of the run's models/, so that
	// the shards of a run train each model once and share it.
	ModelDir string
}

// Run runs the suite's runners over its test set and writes the run
// directory: manifest.json, predictions/<runner>.jsonl, scores.json.
//
// Everything that can be checked is checked before anything is written:
// the options, every runner's settings and inputs, the data sets. The run
// directory is locked for the whole run. When every user a runner tried
// failed, Run still writes the scores and returns them, with an error that
// gives the first failure's cause.
func Run(ctx context.Context, s *rundir.Suite, opts Options) (*rundir.Scores, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Stderr == nil {
		opts.Stderr = io.Discard
	}
	if err := opts.Check(); err != nil {
		return nil, err
	}
	if opts.ModelDir != "" {
		// Absolute in the manifest, for --resume from another directory.
		if abs, err := filepath.Abs(opts.ModelDir); err == nil {
			opts.ModelDir = abs
		}
	}
	dir := opts.Out
	if dir == "" {
		dir = s.Out
	}
	if dir == "" {
		return nil, fmt.Errorf("no run directory: give --out or set out in the suite")
	}
	var prev *rundir.Manifest
	if opts.Resume {
		var err error
		if prev, err = resumed(dir, &opts); err != nil {
			return nil, err
		}
	}
	specs, err := selected(s, prev, opts.Only)
	if err != nil {
		return nil, err
	}
	test, _, err := bench.ReadAll(s.Test)
	if err != nil {
		return nil, err
	}
	fileUsers := len(test)
	all := rundir.Limited(test, opts.Limit)
	test = all
	if opts.Shard != nil {
		test = opts.Shard.Select(all)
	}
	env := &Env{
		TrainPath: s.Train,
		Test:      test,
		AllTest:   all,
		RunDir:    dir,
		ModelDir:  cmp.Or(opts.ModelDir, filepath.Join(dir, rundir.ModelDir)),
		Seed:      s.Seed,
		Retrain:   opts.Retrain,
		Log:       opts.Stderr,
		Taxonomy:  onet.Default(),
		Now:       opts.Now,
		CacheDir:  s.Cache,
		Horizon:   max(1, s.Horizon),
	}
	if err := checkHorizon(s.Test, all, env.Horizon); err != nil {
		return nil, err
	}
	if env.CacheDir == "" {
		env.CacheDir = rundir.DefaultCacheDir(dir)
	}
	plan, err := planRunners(specs, env)
	if err != nil {
		return nil, err
	}

	unlock, err := rundir.Lock(dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	// Half-written files of a process killed in this directory.
	if err := dirlock.RemoveTemp(dir, ""); err != nil {
		return nil, err
	}
	if err := prepareDir(dir, opts); err != nil {
		return nil, err
	}
	man, err := openManifest(dir, s, prev, opts, specs, fileUsers, len(test))
	if err != nil {
		return nil, err
	}
	if tr, ok := man.Datasets["train"]; ok && tr.SHA256 == man.Datasets["test"].SHA256 {
		fmt.Fprintf(opts.Stderr, "warning: the training set and the test set are the same file (%.12s): every test user was trained on\n", tr.SHA256)
	}
	var failed []error
	for _, p := range plan {
		name := p.spec.Name
		if p.skip != "" {
			fmt.Fprintf(opts.Stderr, "%s: skipped: %s\n", name, p.skip)
			if man.Skipped == nil {
				man.Skipped = map[string]string{}
			}
			man.Skipped[name] = p.skip
			continue
		}
		delete(man.Skipped, name)
		rec, err := runOne(ctx, p, env, man, dir, opts)
		if err != nil {
			return nil, err
		}
		if rec.n > 0 && rec.failed == rec.n {
			failed = append(failed, fmt.Errorf("runner %s: every one of the %d users it predicted failed, the first with: %s", name, rec.n, rec.first))
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
	return scores, errors.Join(failed...)
}

// Check rejects options that contradict each other or are out of range.
func (o *Options) Check() error {
	switch {
	case o.Resume && o.Fresh:
		return errors.New("--resume and --fresh: choose one (--resume continues the run, --fresh starts it over)")
	case o.RetryErrors && !o.Resume:
		return errors.New("--retry-errors needs --resume DIR")
	case o.Limit < 0:
		return fmt.Errorf("--limit %d: want a positive number of test users (0 or no flag: all)", o.Limit)
	case o.Shard != nil:
		if err := o.Shard.Check(); err != nil {
			return err
		}
	}
	for _, n := range o.Only {
		if n == "" {
			return errors.New("--only: an empty runner name")
		}
	}
	return nil
}

// resumed reads the manifest of the run to continue and takes its limit,
// shard and models directory when none is given.
func resumed(dir string, opts *Options) (*rundir.Manifest, error) {
	m, err := rundir.ReadManifest(filepath.Join(dir, rundir.ManifestFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("--resume %s: no run there (no %s)", dir, rundir.ManifestFile)
	}
	if err != nil {
		return nil, err
	}
	switch {
	case opts.Limit == 0:
		opts.Limit = m.Limit
	case opts.Limit != m.Limit:
		return nil, fmt.Errorf("--resume %s: that run used --limit %d, not %d (leave --limit out to continue it)", dir, m.Limit, opts.Limit)
	}
	switch {
	case opts.Shard == nil:
		opts.Shard = m.Shard
	case !opts.Shard.Same(m.Shard):
		was := "not sharded"
		if m.Shard != nil {
			was = "shard " + m.Shard.String()
		}
		return nil, fmt.Errorf("--resume %s: that run is %s; --shard %s would be another run (leave --shard out to continue it)", dir, was, opts.Shard)
	}
	if opts.ModelDir == "" {
		opts.ModelDir = m.Models
	}
	return m, nil
}

// selected are the suite's runners to run: those a resumed run was started
// with, else those named in only, else all.
func selected(s *rundir.Suite, prev *rundir.Manifest, only []string) ([]rundir.RunnerSpec, error) {
	if prev == nil || len(only) > 0 {
		return selectRunners(s.Runners, only)
	}
	names := prev.Selected
	if names == nil { // a manifest from before the selection was recorded
		names = runnersOf(s, prev)
	}
	return selectRunners(s.Runners, names)
}

// planned is a runner built from its suite entry and checked, or the
// reason it is skipped.
type planned struct {
	spec     *rundir.RunnerSpec
	r        Runner
	settings any
	skip     string
}

// planRunners builds and checks every runner before the run writes
// anything, so that a mistake in the suite costs nothing.
func planRunners(specs []rundir.RunnerSpec, env *Env) ([]planned, error) {
	var plan []planned
	var errs []error
	for i := range specs {
		p := planned{spec: &specs[i]}
		if v := specs[i].MissingEnv(); v != "" {
			p.skip = v + " is not set"
			plan = append(plan, p)
			continue
		}
		var err error
		if p.r, p.settings, err = New(p.spec); err == nil {
			if c, ok := p.r.(Checker); ok {
				if err = c.Check(env); err != nil {
					err = p.spec.Errorf("%w", err)
				}
			}
		}
		if err != nil {
			errs = append(errs, err)
		}
		plan = append(plan, p)
	}
	return plan, errors.Join(errs...)
}

// prepareDir makes the run directory, refusing to mix a new run into an old
// one unless told to resume or start afresh.
func prepareDir(dir string, opts Options) error {
	_, err := os.Stat(filepath.Join(dir, rundir.ManifestFile))
	exists := err == nil
	switch {
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
// fileUsers are the users of the test set file, users those the run
// scores (fewer under --limit).
func openManifest(dir string, s *rundir.Suite, prev *rundir.Manifest, opts Options, specs []rundir.RunnerSpec, fileUsers, users int) (*rundir.Manifest, error) {
	testSet, err := dataset(s.Test, opts.SuiteFile)
	if err != nil {
		return nil, err
	}
	testSet.Users = fileUsers
	if prev != nil {
		if got := prev.Datasets["test"].SHA256; got != testSet.SHA256 {
			return nil, fmt.Errorf("--resume %s: that run used a test set with digest %.12s, %s has %.12s", dir, got, s.Test, testSet.SHA256)
		}
		prev.Finished = nil
		return prev, nil
	}
	m := &rundir.Manifest{
		Occbench:  opts.Version,
		GoVersion: runtime.Version(),
		Platform:  fmt.Sprintf("%s/%s, %d CPUs", runtime.GOOS, runtime.GOARCH, runtime.NumCPU()),
		Suite:     s.Name,
		SuiteFile: opts.SuiteFile,
		Seed:      s.Seed,
		Datasets:  map[string]rundir.Dataset{"test": testSet},
		Protocol:  scoreOptions(s).Protocol(users),
		Runners:   map[string]*rundir.RunnerManifest{},
		Started:   opts.Now().UTC(),
		Limit:     opts.Limit,
		Models:    opts.ModelDir,
	}
	if opts.Shard != nil {
		m.Shard = &rundir.Shard{K: opts.Shard.K, N: opts.Shard.N, Users: users}
	}
	for _, sp := range specs {
		m.Selected = append(m.Selected, sp.Name)
	}
	if m.Occbench == "" {
		m.Occbench = moduleVersion()
	}
	if s.Train != "" {
		if m.Datasets["train"], err = dataset(s.Train, opts.SuiteFile); err != nil {
			return nil, err
		}
	}
	return m, rundir.WriteManifest(filepath.Join(dir, rundir.ManifestFile), m)
}

// dataset identifies a data set file for the manifest: its absolute path,
// its path relative to the suite file, and its digest.
func dataset(path, suiteFile string) (rundir.Dataset, error) {
	sum, err := bench.FileSHA256(path)
	if err != nil {
		return rundir.Dataset{}, err
	}
	ds := rundir.Dataset{Path: path, SHA256: sum}
	if abs, err := filepath.Abs(path); err == nil {
		ds.Path = abs
	}
	if suiteFile != "" {
		if rel, err := filepath.Rel(filepath.Dir(suiteFile), ds.Path); err == nil {
			ds.SuiteRel = rel
		}
	}
	return ds, nil
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

// checkHorizon refuses a path run whose test users have shorter target
// paths than the suite's horizon.
func checkHorizon(path string, test []*bench.Example, k int) error {
	if k == 1 {
		return nil
	}
	for _, ex := range test {
		if ex.Horizon() < k {
			return fmt.Errorf("%s: user %s has a target path of %d jobs, and the suite's horizon is %d: make the test set with occbench synth --horizon %d or occbench import --horizon %d", path, ex.UserID, ex.Horizon(), k, k, k)
		}
	}
	return nil
}

// runOne prepares one runner and predicts every test user it has not
// recorded yet, appending each prediction to its file as soon as it is
// done. It reports how the users it predicted fared.
func runOne(ctx context.Context, p planned, env *Env, man *rundir.Manifest, dir string, opts Options) (*recorder, error) {
	spec, r := p.spec, p.r
	start := opts.Now().UTC()
	rm := &rundir.RunnerManifest{Kind: spec.Kind, Display: spec.Display, Category: spec.Category, Paper: spec.Paper, Settings: p.settings, Started: &start}
	if old, ok := man.Runners[spec.Name]; ok && opts.Resume {
		rm.Info, rm.Started, rm.Finished = old.Info, old.Started, old.Finished
	}
	man.Runners[spec.Name] = rm
	path := rundir.PredictionsPath(dir, spec.Name)
	if opts.RetryErrors {
		if err := dropErrors(path); err != nil {
			return nil, err
		}
	}
	done, err := rundir.ReadPredictions(path)
	if err != nil {
		return nil, err
	}
	var todo []*bench.Example
	for _, ex := range env.Test {
		if _, ok := done[ex.UserID]; !ok {
			todo = append(todo, ex)
		}
	}
	rec := &recorder{}
	if len(todo) == 0 {
		fmt.Fprintf(opts.Stderr, "%s: all %d users already recorded\n", spec.Name, len(env.Test))
		if rm.Finished == nil {
			end := opts.Now().UTC()
			rm.Finished = &end
		}
		return rec, nil
	}
	if p, ok := r.(Preparer); ok {
		fmt.Fprintf(opts.Stderr, "%s: preparing\n", spec.Name)
		if err := p.Prepare(ctx, env); err != nil {
			return nil, fmt.Errorf("runner %s: %w", spec.Name, err)
		}
	}
	if d, ok := r.(Describer); ok {
		rm.Info = d.Describe()
	}
	if rec.w, err = rundir.AppendPredictions(path); err != nil {
		return nil, err
	}
	rec.name = spec.Name
	rec.prog = progress.New(opts.Stderr, spec.Name, len(todo), opts.Now)
	// Model clients report retries and tokens to the display.
	ctx = llm.WithObserver(ctx, rec.prog)
	if br, ok := r.(BatchRunner); ok {
		chunk := 256
		if bs, ok := r.(BatchSizer); ok && bs.BatchSize() > 0 {
			chunk = bs.BatchSize()
		}
		err = predictBatch(ctx, br, todo, chunk, rec)
	} else {
		n := defaultConcurrency(spec.Kind)
		if c, ok := r.(concurrent); ok && c.Concurrency() > 0 {
			n = c.Concurrency()
		}
		err = predictPool(ctx, r, todo, n, rec)
	}
	rec.prog.Close()
	if cerr := rec.w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("runner %s: %w", spec.Name, err)
	}
	if rec.failed > 0 {
		fmt.Fprintln(opts.Stderr, rec.summary())
	}
	end := opts.Now().UTC()
	rm.Finished = &end
	return rec, rundir.WriteManifest(filepath.Join(dir, rundir.ManifestFile), man)
}

// recorder writes a runner's predictions as they finish, shows them on the
// progress display and counts the failures by cause. It is safe for
// concurrent use.
type recorder struct {
	name string
	w    *rundir.PredictionWriter
	prog *progress.Display

	mu        sync.Mutex
	n, failed int
	first     string
	causes    map[string]int
}

// record appends one prediction of user ex.
func (r *recorder) record(p *rundir.Prediction, ex *bench.Example) error {
	p.Runner, p.UserID = r.name, ex.UserID
	if err := r.w.Write(p); err != nil {
		return err
	}
	r.prog.Finished(p.Error != "")
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	if p.Error != "" {
		r.failed++
		if r.first == "" {
			r.first = p.Error
		}
		if r.causes == nil {
			r.causes = map[string]int{}
		}
		r.causes[p.Error]++
	}
	return nil
}

// summary says how many users failed and why, the commonest causes first.
func (r *recorder) summary() string {
	causes := slices.Collect(maps.Keys(r.causes))
	slices.SortFunc(causes, func(a, b string) int { return cmp.Or(r.causes[b]-r.causes[a], strings.Compare(a, b)) })
	var parts []string
	for i, c := range causes {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d other causes", len(causes)-3))
			break
		}
		parts = append(parts, fmt.Sprintf("%d × %s", r.causes[c], c))
	}
	return fmt.Sprintf("%s: %d of %d users failed: %s", r.name, r.failed, r.n, strings.Join(parts, "; "))
}

// predictBatch predicts in chunks so that progress moves and a killed run
// keeps the chunks already written.
func predictBatch(ctx context.Context, r BatchRunner, todo []*bench.Example, chunk int, rec *recorder) error {
	for lo := 0; lo < len(todo); lo += chunk {
		if err := ctx.Err(); err != nil {
			return err
		}
		part := todo[lo:min(lo+chunk, len(todo))]
		for range part {
			rec.prog.Started()
		}
		preds, err := r.PredictBatch(ctx, part)
		if err != nil {
			return err
		}
		if len(preds) != len(part) {
			return fmt.Errorf("batch of %d users gave %d predictions", len(part), len(preds))
		}
		for i := range preds {
			if err := rec.record(&preds[i], part[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// predictPool runs Predict on n workers. The first fatal error cancels the
// others; per-sample failures are recorded and the run goes on.
func predictPool(ctx context.Context, r Runner, todo []*bench.Example, n int, rec *recorder) error {
	return pool.Each(ctx, todo, n, func(ctx context.Context, ex *bench.Example) error {
		rec.prog.Started()
		p, err := r.Predict(ctx, ex)
		if err != nil {
			rec.prog.Dropped() // stopped, not failed: the user is redone on --resume
			return err
		}
		return rec.record(&p, ex)
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
	return rundir.ScoreOptions{Related: s.Metrics.Related, Bootstrap: s.Metrics.Bootstrap, Seed: s.Seed, Horizon: s.Horizon}
}
