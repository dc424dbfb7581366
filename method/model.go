package method

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/internal/progress"
	"github.com/occbench/occbench/llm"
	"github.com/occbench/occbench/rundir"
)

// ModelConfig is the model of the commands that call one model outside a
// suite (oracle, judge, sources): the llm config read from a small YAML
// file or from flags, and the oracle's attempts.
type ModelConfig struct {
	llm.Config `yaml:",inline"`
	// Attempts (oracle) are the independent answers asked per user.
	Attempts int `yaml:"attempts" json:"attempts,omitempty"`
	// N (oracle) asks for all attempts in one request with the n parameter;
	// a server that answers with fewer choices gets one request per
	// missing attempt.
	N bool `yaml:"n" json:"n"`
}

// Env are the side effects of a method step; zero fields take the real
// thing, and tests pass fakes.
type Env struct {
	LLM      llm.Options    // the model client's transport, clock, sleeps, environment
	Taxonomy *onet.Taxonomy // nil: the embedded O*NET
	Stderr   io.Writer      // progress; nil for none
}

// taxonomy is the Env's taxonomy, the embedded one by default.
func (e *Env) taxonomy() *onet.Taxonomy {
	if e.Taxonomy == nil {
		e.Taxonomy = onet.Default()
	}
	return e.Taxonomy
}

// newModel is the client of a method step, with the request cache beside
// runDir as for runs.
func newModel(mc ModelConfig, runDir string, opts llm.Options) (*llm.Client, error) {
	opts.CacheDir = rundir.DefaultCacheDir(runDir)
	return llm.New(mc.Config, opts)
}

// outcome is a finished call as the oracle and judge record it: the
// choices, or the error of a call that failed for good.
type outcome struct {
	res *llm.Result
	err string
	key string
}

// ask builds and sends one call. A failed call is an outcome; only fatal
// errors (a cancelled context, a cache that cannot be written) are
// returned.
func ask(ctx context.Context, c *llm.Client, role, prompt, sampleID string, attempt, n int) (outcome, error) {
	call, err := c.NewCall(role, prompt, sampleID, attempt, n)
	if err != nil {
		return outcome{}, err
	}
	return send(ctx, c, call)
}

// send sends a call built already, as ask does.
func send(ctx context.Context, c *llm.Client, call *llm.Call) (outcome, error) {
	res, err := c.Complete(ctx, call)
	var f *llm.Failure
	if errors.As(err, &f) {
		return outcome{err: f.Msg, key: call.Key}, nil
	}
	return outcome{res: res, key: call.Key}, err
}

// track shows progress of total items on w (nil: none) while fn runs over
// them with a context that carries the display to the model client.
func track(ctx context.Context, w io.Writer, name string, total int, now func() time.Time, fn func(context.Context, *progress.Display) error) error {
	if w == nil || total == 0 {
		return fn(ctx, nil)
	}
	p := progress.New(w, name, total, now)
	err := fn(llm.WithObserver(ctx, p), p)
	p.Close()
	return err
}
