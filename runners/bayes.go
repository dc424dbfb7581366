package runners

import (
	"context"
	"errors"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/rundir"
)

func init() {
	Register("bayes", 0, func(spec *rundir.RunnerSpec) (Runner, any, error) {
		var none struct{}
		if err := spec.DecodeSettings(&none); err != nil {
			return nil, nil, err
		}
		return bayesRunner{}, none, nil
	})
}

// bayesRunner answers with the test set's Bayes-optimal occupation, which
// synthetic data sets carry: the ceiling, scored like any other system.
type bayesRunner struct{}

// Check finds Bayes-optimal answers in the test set (all of it: a shard
// may hold no user).
func (bayesRunner) Check(env *Env) error {
	for _, ex := range env.AllTest {
		if ex.BayesCode != "" {
			return nil
		}
	}
	return errors.New("the test set has no Bayes-optimal answers (column bayes_code): the bayes kind scores synthetic test sets")
}

func (bayesRunner) Predict(_ context.Context, ex *bench.Example) (rundir.Prediction, error) {
	if ex.BayesCode == "" {
		return rundir.Prediction{Mapping: onet.MethodNone.String(), Error: "the test set has no Bayes-optimal answer for this user (bayes_code)"}, nil
	}
	p := rundir.Prediction{Code: ex.BayesCode, Title: ex.BayesTitle, Mapping: onet.MethodExact.String()}
	if len(ex.BayesPath) > 1 {
		// Each horizon's own most probable occupation given the history.
		for _, o := range ex.BayesPath {
			p.Path = append(p.Path, rundir.Step{Code: o.Code, Title: o.Title})
		}
	}
	return p, nil
}
