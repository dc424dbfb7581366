package runners

import (
	"context"
	"errors"
	"io"
	"sync"

	"github.com/occbench/occbench/rundir"
)

// ModelConfig is the model of the commands that call one model outside a
// suite (oracle, judge): endpoint, sampling and request handling. It reads
// from a small YAML file or from flags.
type ModelConfig struct {
	Endpoint    Endpoint `yaml:"endpoint" json:"endpoint"`
	Temperature *float64 `yaml:"temperature" json:"temperature"`
	MaxTokens   int      `yaml:"max_tokens" json:"max_tokens,omitempty"`
	// Attempts (oracle) are the independent answers asked per user.
	Attempts int `yaml:"attempts" json:"attempts,omitempty"`
	// N (oracle) asks for all attempts in one request with the n parameter;
	// a server that answers with fewer choices gets one request per
	// missing attempt.
	N           bool     `yaml:"n" json:"n"`
	Concurrency int      `yaml:"concurrency" json:"concurrency"`
	Timeout     Duration `yaml:"timeout" json:"timeout"`
	MaxRetries  int      `yaml:"max_retries" json:"max_retries"`
}

// modelRunner is an llmRunner set up for free-form calls: the cache,
// retries, key handling and client of the llm kind, with prompts the
// caller renders.
func modelRunner(ctx context.Context, mc ModelConfig, runDir string, opts LLMOptions) (*llmRunner, error) {
	s := DefaultLLM
	s.Decoding = DefaultLLM.Decoding.clone()
	s.Mode = ModeJoint
	s.Endpoint = mc.Endpoint
	if mc.Temperature != nil {
		s.Temperature = ptr(*mc.Temperature)
	}
	s.MaxTokens = defaultMaxTokens
	if mc.MaxTokens > 0 {
		s.MaxTokens = mc.MaxTokens
	}
	if mc.Concurrency > 0 {
		s.Concurrency = mc.Concurrency
	}
	if mc.Timeout > 0 {
		s.Timeout = mc.Timeout
	}
	if mc.MaxRetries > 0 {
		s.MaxRetries = mc.MaxRetries
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	r := &llmRunner{name: "model", s: &s, opts: opts.withDefaults(s.Concurrency)}
	if err := r.Prepare(ctx, &Env{RunDir: runDir, CacheDir: rundir.DefaultCacheDir(runDir)}); err != nil {
		return nil, err
	}
	return r, nil
}

// textCall builds a request for prompt with n choices. attempt is part of
// the cache key: another attempt draws another answer.
func (r *llmRunner) textCall(role, sampleID string, attempt, n int, prompt string) (*chatCall, error) {
	cs := r.s.CallSettings
	cs.N = n
	req := chatRequest(&cs, prompt)
	body, err := requestBody(req, cs.Decoding)
	if err != nil {
		return nil, err
	}
	return &chatCall{role: role, client: r.main, req: req, body: body,
		key: CacheKey(cs.Endpoint.BaseURL, cs.Endpoint.Model, body, sampleID, attempt)}, nil
}

// callOutcome is a finished call as the oracle and judge record it: the
// choices, or the error of a call that failed for good.
type callOutcome struct {
	res *chatResult
	err string
	key string
}

// do sends c. A failed call is an outcome; only fatal errors (a cancelled
// context, a cache that cannot be written) are returned.
func (r *llmRunner) do(ctx context.Context, c *chatCall) (callOutcome, error) {
	res, err := r.complete(ctx, c)
	if err != nil {
		var ce *callError
		if errors.As(err, &ce) {
			return callOutcome{err: ce.msg, key: c.key}, nil
		}
		return callOutcome{key: c.key}, err
	}
	return callOutcome{res: res, key: c.key}, nil
}

// sharedCalls sends each cache key once at a time: callers asking for a
// key already in flight wait for its outcome instead of paying for it
// twice (the judge sees the same reason under several labels).
type sharedCalls struct {
	mu     sync.Mutex
	flight map[string]*flight
}

type flight struct {
	done chan struct{}
	o    callOutcome
	err  error
}

func (s *sharedCalls) do(ctx context.Context, r *llmRunner, c *chatCall) (callOutcome, error) {
	s.mu.Lock()
	if s.flight == nil {
		s.flight = map[string]*flight{}
	}
	if f, ok := s.flight[c.key]; ok {
		s.mu.Unlock()
		select {
		case <-f.done:
			return f.o, f.err
		case <-ctx.Done():
			return callOutcome{key: c.key}, ctx.Err()
		}
	}
	f := &flight{done: make(chan struct{})}
	s.flight[c.key] = f
	s.mu.Unlock()
	f.o, f.err = r.do(ctx, c)
	close(f.done)
	s.mu.Lock()
	delete(s.flight, c.key)
	s.mu.Unlock()
	return f.o, f.err
}

// track shows progress of total items on w (nil: none) while fn runs over
// them; done reports whether an item failed.
func (r *llmRunner) track(w io.Writer, name string, total int, fn func(prog *Progress) error) error {
	if w == nil || total == 0 {
		return fn(nil)
	}
	p := newProgress(w, name, total, r.opts.Now)
	r.env.Progress = p
	err := fn(p)
	p.Close()
	r.env.Progress = nil
	return err
}

// begin and end count an item on a progress display that may be nil.
func (p *Progress) begin() {
	if p != nil {
		p.Started()
	}
}

func (p *Progress) end(failed bool) {
	if p != nil {
		p.Finished(failed)
	}
}
