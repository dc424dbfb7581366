// Package runners runs the systems of a benchmark suite over a test set:
// the Runner interface and registry, the engine that drives runners
// concurrently, records every prediction as it finishes (package rundir),
// resumes interrupted runs and scores the result, and the runner kinds as
// small adapters: the baselines (package baselines), the Bayes ceiling,
// replayed outputs, and the LLM modes over package llm with the prompts of
// package prompt. Commands call it; nothing that scores or reports imports
// it.
package runners

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/rundir"
)

// Runner predicts the next occupation of one user. A failure of the sample
// goes into the returned Prediction's Error; the error result is for
// failures that must stop the run (a cancelled context, a broken setup).
type Runner interface {
	Predict(ctx context.Context, ex *bench.Example) (rundir.Prediction, error)
}

// Preparer is a Runner that must train or load something before predicting.
type Preparer interface {
	Prepare(ctx context.Context, env *Env) error
}

// Checker is a Runner that can find a setup mistake before the run writes
// anything: a missing training set, an unreadable replay file, an unset
// API key. Check must be cheap and must not write.
type Checker interface {
	Check(env *Env) error
}

// BatchRunner is a Runner that predicts many users at once more cheaply
// than one by one (the in-process baselines).
type BatchRunner interface {
	PredictBatch(ctx context.Context, exs []*bench.Example) ([]rundir.Prediction, error)
}

// BatchSizer is a BatchRunner that wants other batch sizes than the
// engine's default of 256 users (the OpenAI Batch API runner submits up to
// its batch limit at once).
type BatchSizer interface {
	BatchSize() int
}

// Describer is a Runner that reports facts about itself for the manifest
// (a model file, training time, an endpoint without its key).
type Describer interface {
	Describe() map[string]any
}

// Env is what a runner may use while preparing.
type Env struct {
	TrainPath string
	Test      []*bench.Example // the users the run predicts (after --limit and --shard)
	RunDir    string
	ModelDir  string // trained models are cached here, keyed by data and settings
	Seed      uint64
	Retrain   bool // ignore cached models
	Log       io.Writer
	Taxonomy  *onet.Taxonomy
	Now       func() time.Time
	// CacheDir holds the request cache of model-calling runners: the
	// suite's cache, else rundir.DefaultCacheDir(RunDir).
	CacheDir string
	// AllTest are the test users of the whole run, in every shard (after
	// --limit): what is learnt from the test set, such as the histories a
	// transductive model trains on, reads these, so every shard trains the
	// model an unsharded run trains.
	AllTest []*bench.Example
	// Horizon is K, the next jobs each runner predicts: 1, or a path run's
	// K, when every test user has a target path of K jobs.
	Horizon int
}

// Factory builds a runner of one kind from its suite entry. It returns the
// runner and its settings with defaults filled in, for the manifest.
type Factory func(spec *rundir.RunnerSpec) (Runner, any, error)

// kind is a registered runner kind: its factory and how many samples it
// works on at once by default.
type kind struct {
	factory     Factory
	concurrency int
}

var kinds = map[string]kind{}

// Register adds a runner kind. It panics on a duplicate name: kinds are
// registered at init and a clash is a programming error.
func Register(name string, concurrency int, f Factory) {
	if _, dup := kinds[name]; dup {
		panic("runners: kind " + name + " registered twice")
	}
	kinds[name] = kind{factory: f, concurrency: concurrency}
}

// Kinds lists the registered runner kinds.
func Kinds() []string {
	var names []string
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// New builds the runner of a suite entry.
func New(spec *rundir.RunnerSpec) (Runner, any, error) {
	k, ok := kinds[spec.Kind]
	if !ok {
		return nil, nil, spec.Errorf("kind %q: want one of %s", spec.Kind, strings.Join(Kinds(), ", "))
	}
	return k.factory(spec)
}

// defaultConcurrency of a kind; 1 when unknown.
func defaultConcurrency(kindName string) int {
	if k, ok := kinds[kindName]; ok && k.concurrency > 0 {
		return k.concurrency
	}
	return 1
}

// selectRunners keeps the suite's runners named in only (all when empty).
func selectRunners(specs []rundir.RunnerSpec, only []string) ([]rundir.RunnerSpec, error) {
	if len(only) == 0 {
		return specs, nil
	}
	var out []rundir.RunnerSpec
	for _, name := range only {
		i := slices.IndexFunc(specs, func(s rundir.RunnerSpec) bool { return s.Name == name })
		if i < 0 {
			var names []string
			for _, s := range specs {
				names = append(names, s.Name)
			}
			return nil, fmt.Errorf("--only %s: the suite has no such runner (it has %v)", name, names)
		}
		out = append(out, specs[i])
	}
	return out, nil
}
