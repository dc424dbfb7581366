package runners

import (
	"context"
	"fmt"
	"os"
	"runtime"
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
		if err := spec.DecodeSettings(settings); err != nil {
			return nil, nil, err
		}
		return &baselineRunner{name: spec.Name, kind: spec.Kind, fit: fit, settings: settings}, settings, nil
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
	b.tax = env.Taxonomy
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
	occ := b.tax.Occupations()
	out := make([]rundir.Prediction, len(exs))
	for i, top := range ranked {
		p := rundir.Prediction{UserID: exs[i].UserID, LatencyMS: perUser, Mapping: onet.MethodExact.String()}
		if len(top) == 0 {
			p.Mapping = onet.MethodNone.String()
			p.Error = "the model ranked no occupation"
		}
		for j, s := range top {
			o := occ[s.Item]
			if j == 0 {
				p.Code, p.Title = o.Code, o.Title
			}
			p.Ranked = append(p.Ranked, o.Code)
			p.Scores = append(p.Scores, s.Score)
		}
		out[i] = p
	}
	return out, nil
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
// jobs followed by the target.
func TrainSequences(path string, tax *onet.Taxonomy) ([]baselines.Sequence, error) {
	r, err := bench.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var out []baselines.Sequence
	for r.Scan() {
		ex := r.Example()
		codes := ex.Codes()
		if ex.TargetCode != "" {
			codes = append(codes, ex.TargetCode)
		}
		seq, err := sequence(codes, tax)
		if err != nil {
			return nil, fmt.Errorf("%s: user %s: %w", path, ex.UserID, err)
		}
		out = append(out, seq)
	}
	return out, r.Err()
}
