package runners

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/llm"
	"github.com/occbench/occbench/prompt"
	"github.com/occbench/occbench/rundir"
)

func init() {
	Register("llm", DefaultLLM.Concurrency, NewLLMFactory(llm.Options{}))
}

// The modes of the paper's LLM systems.
const (
	ModeCoT      = "cot"       // zero-shot chain of thought: reason, then answer, in one output
	ModeDirect   = "direct"    // the answer only (direct SFT)
	ModeJoint    = "joint"     // <think> reason </think> <answer> title </answer> (joint SFT/DPO)
	ModeTwoModel = "two-model" // a reasoner call, then a predictor call given its reasoning
)

// ReasonerSettings are the two-model reasoner's call. Every setting it
// leaves out is the predictor's; it shares the runner's concurrency,
// timeout and retries.
type ReasonerSettings struct {
	Endpoint     llm.Endpoint `yaml:"endpoint" json:"endpoint"`
	llm.Decoding `yaml:",inline"`
	N            int    `yaml:"n" json:"n"`                     // always 1: one reasoning per user
	Prompt       string `yaml:"prompt" json:"prompt,omitempty"` // a text/template file replacing reasoner.tmpl
}

// LLMSettings are the suite settings of the llm kind.
type LLMSettings struct {
	Mode       string `yaml:"mode" json:"mode"`
	llm.Config `yaml:",inline"`
	// N asks for n answers per user; the prediction is the occupation most
	// of them map to.
	N int `yaml:"n" json:"n"`
	// Prompt is a text/template file replacing the mode's embedded prompt.
	Prompt        string            `yaml:"prompt" json:"prompt,omitempty"`
	Reasoner      *ReasonerSettings `yaml:"reasoner" json:"reasoner,omitempty"`
	Attempt       int               `yaml:"attempt" json:"attempt"` // part of the cache key: a new attempt draws new answers
	HistoryFormat string            `yaml:"history_format" json:"history_format"`
	// Batch sends the requests through the OpenAI Batch API.
	Batch            bool         `yaml:"batch" json:"batch"`
	BatchPoll        llm.Duration `yaml:"batch_poll" json:"batch_poll,omitempty"`
	BatchSize        int          `yaml:"batch_size" json:"batch_size,omitempty"` // users per batch
	CompletionWindow string       `yaml:"completion_window" json:"completion_window,omitempty"`
}

// reasonerConfig is the client config of the two-model reasoner.
func (s *LLMSettings) reasonerConfig() llm.Config {
	c := s.Config.Clone()
	c.Endpoint, c.Decoding = s.Reasoner.Endpoint.Clone(), s.Reasoner.Decoding.Clone()
	return c
}

// configs are the client configs of the runner's calls: the predictor's,
// and the reasoner's if it has one.
func (s *LLMSettings) configs() []llm.Config {
	if s.Reasoner == nil {
		return []llm.Config{s.Config}
	}
	return []llm.Config{s.Config, s.reasonerConfig()}
}

// pooled says some call of the runner goes to a pool of servers.
func (s *LLMSettings) pooled() bool {
	return slices.ContainsFunc(s.configs(), func(c llm.Config) bool { return c.Endpoint.BaseURL.Pool() })
}

// DefaultLLM are the llm kind's defaults: llm.DefaultConfig (temperature
// 0, sent explicitly), one answer per user, max_tokens 4096 unless
// max_completion_tokens is set.
var DefaultLLM = LLMSettings{
	Mode:             ModeCoT,
	Config:           llm.DefaultConfig,
	N:                1,
	Attempt:          1,
	HistoryFormat:    prompt.HistoryFormat,
	BatchPoll:        llm.Duration(30 * time.Second),
	BatchSize:        20000,
	CompletionWindow: "24h",
}

// NewLLMFactory makes the factory of the llm kind with the given side
// effects (the cache directory is the run's).
func NewLLMFactory(opts llm.Options) Factory {
	return func(spec *rundir.RunnerSpec) (Runner, any, error) {
		s, err := decodeLLM(spec)
		if err != nil {
			return nil, nil, err
		}
		r, err := newLLMRunner(spec, s, opts)
		if err != nil {
			return nil, nil, spec.Errorf("%w", err)
		}
		if s.Batch {
			return &llmBatchRunner{llmRunner: r}, s, nil
		}
		return r, s, nil
	}
}

// decodeLLM reads a suite entry over the defaults. The reasoner entry is
// decoded a second time over a copy of the predictor's settings, so that
// it inherits what it does not set.
func decodeLLM(spec *rundir.RunnerSpec) (*LLMSettings, error) {
	s := DefaultLLM
	s.Config = DefaultLLM.Config.Clone()
	if err := spec.DecodeSettings(&s); err != nil {
		return nil, err
	}
	s.Config = s.Config.WithDefaults()
	if s.Reasoner != nil || s.Mode == ModeTwoModel {
		r := ReasonerSettings{Endpoint: s.Endpoint.Clone(), Decoding: s.Decoding.Clone(), N: 1}
		if err := spec.DecodeSetting("reasoner", &r); err != nil {
			return nil, err
		}
		s.Reasoner = &r
	}
	if err := s.check(); err != nil {
		return nil, spec.Errorf("%w", err)
	}
	// Keep the manifest to the settings that apply.
	if !s.Batch {
		s.BatchPoll, s.BatchSize, s.CompletionWindow = 0, 0, ""
	}
	if !s.pooled() {
		s.PoolBackoff = llm.Backoff{}
	}
	s.Prompt = spec.Path(s.Prompt)
	if s.Reasoner != nil {
		s.Reasoner.Prompt = spec.Path(s.Reasoner.Prompt)
	}
	return &s, nil
}

func (s *LLMSettings) check() error {
	switch s.Mode {
	case ModeCoT, ModeDirect, ModeJoint, ModeTwoModel:
	default:
		return fmt.Errorf("mode %q: want cot, direct, joint or two-model", s.Mode)
	}
	if s.Reasoner != nil && s.Mode != ModeTwoModel {
		return fmt.Errorf("reasoner: only the two-model mode has a reasoner (mode is %s)", s.Mode)
	}
	if err := s.Config.CheckCall(""); err != nil {
		return err
	}
	if s.N < 1 {
		return fmt.Errorf("n %d: want at least 1", s.N)
	}
	if s.Reasoner != nil {
		rc := s.reasonerConfig()
		if err := rc.CheckCall("reasoner."); err != nil {
			return err
		}
		if s.Reasoner.N != 1 {
			return fmt.Errorf("reasoner.n %d: the reasoner writes one reasoning per user", s.Reasoner.N)
		}
	}
	if err := s.Config.Check(); err != nil {
		return err
	}
	if s.Attempt < 1 {
		return fmt.Errorf("attempt %d: want 1 or more", s.Attempt)
	}
	if err := prompt.CheckHistoryFormat(s.HistoryFormat); err != nil {
		return err
	}
	if s.Batch {
		for _, c := range s.configs() {
			if err := c.CheckBatch(); err != nil {
				return err
			}
		}
	}
	switch {
	case s.Batch && s.BatchPoll <= 0:
		return fmt.Errorf("batch_poll %s: want a positive duration", s.BatchPoll)
	case s.Batch && s.BatchSize < 1:
		return fmt.Errorf("batch_size %d: want at least 1", s.BatchSize)
	}
	return nil
}

// llmRunner predicts through chat completions, one user per Predict.
type llmRunner struct {
	name      string
	s         *LLMSettings
	opts      llm.Options
	prompt    *prompt.Template // the single call's, or the two-model predictor's
	reasonerP *prompt.Template // two-model only
	// horizon is K > 1 in a path run, whose prompt asks for a numbered list
	// of the next K occupations (prompt.PathTemplates); 0 otherwise.
	horizon int

	// Set by Prepare.
	tax      *onet.Taxonomy
	main     *llm.Client
	reasoner *llm.Client // two-model only
}

func newLLMRunner(spec *rundir.RunnerSpec, s *LLMSettings, opts llm.Options) (*llmRunner, error) {
	r := &llmRunner{name: spec.Name, s: s, opts: opts}
	var err error
	if s.Mode == ModeTwoModel {
		if r.reasonerP, err = prompt.Load("reasoner.tmpl", s.Reasoner.Prompt, false); err != nil {
			return nil, err
		}
	}
	if r.prompt, err = prompt.Load(r.promptName(), s.Prompt, s.Mode == ModeTwoModel); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *llmRunner) Concurrency() int { return r.s.Concurrency }

// promptName is the embedded template of the mode's answering call.
func (r *llmRunner) promptName() string {
	switch r.s.Mode {
	case ModeDirect:
		return "direct.tmpl"
	case ModeTwoModel:
		return "predictor.tmpl"
	}
	return "joint.tmpl"
}

// usePath switches the answering call to the path prompt of a run with
// horizon k > 1. A suite's prompt file replaces the path prompt and must
// then use {{.Horizon}}. The two-model reasoner keeps its prompt.
func (r *llmRunner) usePath(k int) error {
	if k <= 1 || r.horizon == k {
		return nil
	}
	p, err := prompt.LoadPath(prompt.PathTemplates[r.promptName()], r.s.Prompt, r.s.Mode == ModeTwoModel)
	if err != nil {
		return err
	}
	r.prompt, r.horizon = p, k
	return nil
}

// Check finds the API keys the endpoints name, and loads the path prompt
// of a path run.
func (r *llmRunner) Check(env *Env) error {
	if err := r.usePath(env.Horizon); err != nil {
		return err
	}
	getenv := r.opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	for _, ep := range []*llm.Endpoint{&r.s.Endpoint, r.reasonerEndpoint()} {
		if ep != nil && ep.APIKeyEnv != "" && getenv(ep.APIKeyEnv) == "" {
			return fmt.Errorf("endpoint.api_key_env: the environment variable %s is not set", ep.APIKeyEnv)
		}
	}
	return nil
}

// reasonerEndpoint is the two-model reasoner's endpoint, or nil.
func (r *llmRunner) reasonerEndpoint() *llm.Endpoint {
	if r.s.Reasoner == nil {
		return nil
	}
	return &r.s.Reasoner.Endpoint
}

// Prepare reads the API keys, opens the cache and makes the clients.
func (r *llmRunner) Prepare(_ context.Context, env *Env) error {
	if err := r.usePath(env.Horizon); err != nil {
		return err
	}
	r.tax = env.Taxonomy
	if r.tax == nil {
		r.tax = onet.Default()
	}
	opts := r.opts
	opts.CacheDir = env.CacheDir
	if opts.CacheDir == "" {
		opts.CacheDir = rundir.DefaultCacheDir(env.RunDir)
	}
	// One rate limit for the runner: its reasoner and predictor count
	// against it together.
	opts.Limiter = llm.NewLimiter(r.s.RateLimit, opts.Now, opts.Sleep)
	var err error
	if r.main, err = llm.New(r.s.Config, opts); err != nil {
		return err
	}
	if r.s.Reasoner != nil {
		if r.reasoner, err = llm.New(r.s.reasonerConfig(), opts); err != nil {
			return fmt.Errorf("reasoner: %w", err)
		}
	}
	return nil
}

// Describe records what the manifest needs beyond the settings: the
// backend, prompt digests, serialiser, parser and cache. Never a key.
func (r *llmRunner) Describe() map[string]any {
	prompts := map[string]*prompt.Template{"prompt": r.prompt}
	if r.reasonerP != nil {
		prompts["reasoner"] = r.reasonerP
	}
	backend := "chat"
	if r.s.Batch {
		backend = "batch"
	}
	info := map[string]any{
		"backend":        backend,
		"history_format": r.s.HistoryFormat,
		"parser":         prompt.ParserVersion,
		"prompts":        prompts,
	}
	if r.horizon > 1 {
		info["horizon"] = r.horizon
	}
	if r.main != nil {
		info["cache"] = r.main.Cache().Dir()
	}
	return info
}
