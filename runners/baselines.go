package runners

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/occbench/occbench/baselines"
	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/rundir"
)

// TopK is how many ranked occupations a baseline records per user, so that
// HR@10 and NDCG@10 can be scored.
const TopK = 10

func init() {
	Register("last", 0, newBaseline(fitLast, &struct{}{}))
	Register("mostpop", 0, newBaseline(fitMostPop, &struct{}{}))
	Register("markov", 0, newBaseline(fitMarkov, &MarkovSettings{Order: baselines.DefaultMarkov.Order, MinCount: baselines.DefaultMarkov.MinCount}))
}

// MarkovSettings are the suite settings of the markov kind.
type MarkovSettings struct {
	Order    int `yaml:"order" json:"order"`         // 1 or 2 (2 backs off to 1, then to popularity)
	MinCount int `yaml:"min_count" json:"min_count"` // contexts seen fewer times back off
}

// PathSettings are the suite settings of how an in-process runner predicts
// the later steps of a path run (suite key horizon above 1): greedy
// rollout, beam search or sampled rollouts (see baselines.PathConfig).
// Last and MostPop, which have no next-job distribution, answer the same
// at every step, which is what feeding their answer back gives.
type PathSettings struct {
	Decoding baselines.Decoding `yaml:"decoding" json:"decoding"`
	Samples  int                `yaml:"samples" json:"samples"`
	Beam     int                `yaml:"beam" json:"beam"`
}

var pathKeys = []string{"decoding", "samples", "beam"}

// splitPath takes the path settings out of a runner's entry.
func splitPath(spec *rundir.RunnerSpec) (PathSettings, *rundir.RunnerSpec, error) {
	ps := PathSettings{Decoding: baselines.DefaultPath.Decoding, Samples: baselines.DefaultPath.Samples, Beam: baselines.DefaultPath.Beam}
	rest, err := spec.SplitSettings(&ps, pathKeys...)
	if err != nil {
		return ps, nil, err
	}
	if err := (baselines.PathConfig{Horizon: 1, Decoding: ps.Decoding, Samples: ps.Samples, Beam: ps.Beam}).Validate(); err != nil {
		return ps, nil, spec.Errorf("%w", err)
	}
	return ps, rest, nil
}

// fitFunc trains a baseline on the training sequences; settings is the
// decoded suite entry.
type fitFunc func(ctx context.Context, env *Env, train []baselines.Sequence, settings any) (baselines.Predictor, map[string]any, error)

func fitLast(_ context.Context, _ *Env, train []baselines.Sequence, _ any) (baselines.Predictor, map[string]any, error) {
	pop, err := baselines.FitMostPop(train, onet.Default().Len())
	if err != nil {
		return nil, nil, err
	}
	return baselines.NewLast(pop), nil, nil
}

func fitMostPop(_ context.Context, _ *Env, train []baselines.Sequence, _ any) (baselines.Predictor, map[string]any, error) {
	p, err := baselines.FitMostPop(train, onet.Default().Len())
	return p, nil, err
}

func fitMarkov(_ context.Context, _ *Env, train []baselines.Sequence, settings any) (baselines.Predictor, map[string]any, error) {
	s := settings.(*MarkovSettings)
	p, err := baselines.FitMarkov(train, onet.Default().Len(), baselines.MarkovConfig{Order: s.Order, MinCount: s.MinCount})
	return p, nil, err
}

// newBaseline makes the factory of an in-process baseline kind; defaults is
// a pointer to its settings with default values, copied per runner.
func newBaseline[S any](fit fitFunc, defaults *S) Factory {
	return func(spec *rundir.RunnerSpec) (Runner, any, error) {
		settings := new(S)
		*settings = *defaults
		path, rest, err := splitPath(spec)
		if err != nil {
			return nil, nil, err
		}
		if err := rest.DecodeSettings(settings); err != nil {
			return nil, nil, err
		}
		return &baselineRunner{name: spec.Name, kind: spec.Kind, fit: fit, settings: settings, path: path}, settings, nil
	}
}

// baselineRunner adapts a baselines.Predictor, whose items are occupation
// indexes in code order, to a Runner over examples.
type baselineRunner struct {
	name     string
	kind     string
	fit      fitFunc
	settings any
	tax      *onet.Taxonomy
	model    baselines.Predictor
	info     map[string]any
	path     PathSettings
	horizon  int // the run's K
}

// Check finds the training set.
func (b *baselineRunner) Check(env *Env) error {
	if env.TrainPath == "" {
		return fmt.Errorf("the suite names no train set (key \"train\"), which a %s runner learns from", b.kind)
	}
	if _, err := os.Stat(env.TrainPath); err != nil {
		return fmt.Errorf("train set: %w", err)
	}
	return nil
}

func (b *baselineRunner) Prepare(ctx context.Context, env *Env) error {
	if err := b.Check(env); err != nil {
		return err
	}
	b.tax, b.horizon = env.Taxonomy, env.Horizon
	train, err := TrainSequences(env.TrainPath, b.tax)
	if err != nil {
		return err
	}
	start := time.Now()
	model, info, err := b.fit(ctx, env, train, b.settings)
	if err != nil {
		return err
	}
	b.model = model
	if info == nil {
		info = map[string]any{}
	}
	info["train_users"] = len(train)
	// Fitting, or loading a model trained earlier; train_seconds, where a
	// network set it, is the training alone.
	info["prepare_seconds"] = time.Since(start).Seconds()
	if b.horizon > 1 {
		info["path"] = b.path
	}
	b.info = info
	return nil
}

func (b *baselineRunner) Describe() map[string]any { return b.info }

func (b *baselineRunner) Predict(ctx context.Context, ex *bench.Example) (rundir.Prediction, error) {
	preds, err := b.PredictBatch(ctx, []*bench.Example{ex})
	if err != nil {
		return rundir.Prediction{}, err
	}
	return preds[0], nil
}

func (b *baselineRunner) PredictBatch(_ context.Context, exs []*bench.Example) ([]rundir.Prediction, error) {
	hist := make([]baselines.Sequence, len(exs))
	for i, ex := range exs {
		seq, err := sequence(ex.Codes(), b.tax)
		if err != nil {
			return nil, fmt.Errorf("user %s: %w", ex.UserID, err)
		}
		hist[i] = seq
	}
	start := time.Now()
	ranked := baselines.PredictAll(b.model, hist, TopK)
	perUser := float64(time.Since(start).Microseconds()) / 1000 / float64(max(1, len(exs)))
	out := make([]rundir.Prediction, len(exs))
	for i, top := range ranked {
		st := b.step(top)
		p := rundir.Prediction{UserID: exs[i].UserID, LatencyMS: perUser, Mapping: onet.MethodExact.String(),
			Code: st.Code, Title: st.Title, Ranked: st.Ranked, Scores: st.Scores}
		if len(top) == 0 {
			p.Mapping = onet.MethodNone.String()
			p.Error = "the model ranked no occupation"
		}
		out[i] = p
	}
	if b.horizon > 1 {
		if err := b.predictPaths(exs, hist, ranked, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// predictPaths adds each user's path of K steps, free running from the
// histories hist (whose single-step rankings are ranked) and teacher
// forced from the true earlier jobs.
func (b *baselineRunner) predictPaths(exs []*bench.Example, hist []baselines.Sequence, ranked [][]baselines.Scored, out []rundir.Prediction) error {
	K := b.horizon
	free := make([][][]baselines.Scored, len(exs))
	if pm, ok := b.model.(baselines.PathModel); ok {
		cfg := baselines.PathConfig{Horizon: K, Decoding: b.path.Decoding, Samples: b.path.Samples, Beam: b.path.Beam, Seed: 1}
		var err error
		if free, err = baselines.PredictPaths(pm, hist, cfg, TopK); err != nil {
			return err
		}
	} else {
		for i := range free {
			free[i] = slices.Repeat([][]baselines.Scored{ranked[i]}, K)
		}
	}
	teacher := make([][][]baselines.Scored, K)
	teacher[0] = ranked
	for h := 2; h <= K; h++ {
		hs := make([]baselines.Sequence, len(exs))
		for i, ex := range exs {
			seq, err := sequence(jobCodes(ex.HistoryAt(h)), b.tax)
			if err != nil {
				return fmt.Errorf("user %s: %w", ex.UserID, err)
			}
			hs[i] = seq
		}
		teacher[h-1] = baselines.PredictAll(b.model, hs, TopK)
	}
	for i := range out {
		for h := range K {
			out[i].Path = append(out[i].Path, b.step(free[i][h]))
			out[i].Teacher = append(out[i].Teacher, b.step(teacher[h][i]))
		}
	}
	return nil
}

// step is a ranking as a prediction step: the top occupation and the
// ranked codes with their scores.
func (b *baselineRunner) step(top []baselines.Scored) rundir.Step {
	occ := b.tax.Occupations()
	var st rundir.Step
	for j, s := range top {
		o := occ[s.Item]
		if j == 0 {
			st.Code, st.Title = o.Code, o.Title
		}
		st.Ranked = append(st.Ranked, o.Code)
		st.Scores = append(st.Scores, s.Score)
	}
	return st
}

// jobCodes are the occupations of the job records, in order.
func jobCodes(recs []bench.Record) []string {
	var codes []string
	for _, r := range recs {
		if r.IsJob() {
			codes = append(codes, r.Code)
		}
	}
	return codes
}

func (b *baselineRunner) Concurrency() int { return runtime.GOMAXPROCS(0) }

// sequence maps O*NET codes to item indexes.
func sequence(codes []string, tax *onet.Taxonomy) (baselines.Sequence, error) {
	seq := make(baselines.Sequence, len(codes))
	for i, c := range codes {
		idx, ok := tax.Index(c)
		if !ok {
			return nil, fmt.Errorf("occupation %q is not an O*NET-SOC 2019 code", c)
		}
		seq[i] = int32(idx)
	}
	return seq, nil
}

// TrainSequences reads a training set as item sequences: each user's history
// jobs followed by the target, or by the target path in a set with one.
func TrainSequences(path string, tax *onet.Taxonomy) ([]baselines.Sequence, error) {
	r, err := bench.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var out []baselines.Sequence
	for r.Scan() {
		ex := r.Example()
		codes := append(ex.Codes(), ex.Path()...) // a path set's K target jobs too
		seq, err := sequence(codes, tax)
		if err != nil {
			return nil, fmt.Errorf("%s: user %s: %w", path, ex.UserID, err)
		}
		out = append(out, seq)
	}
	return out, r.Err()
}
