package runners

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
	"go.yaml.in/yaml/v3"

	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/rundir"
)

func init() {
	Register("llm", DefaultLLM.Concurrency, NewLLMFactory(LLMOptions{}))
}

// The modes of the paper's LLM systems.
const (
	ModeCoT      = "cot"       // zero-shot chain of thought: reason, then answer, in one output
	ModeDirect   = "direct"    // the answer only (direct SFT)
	ModeJoint    = "joint"     // <think> reason </think> <answer> title </answer> (joint SFT/DPO)
	ModeTwoModel = "two-model" // a reasoner call, then a predictor call given its reasoning
)

// Endpoint is an OpenAI-compatible server and model. The API key is read
// from the environment variable APIKeyEnv names and is never recorded.
type Endpoint struct {
	BaseURL   string `yaml:"base_url" json:"base_url"`
	Model     string `yaml:"model" json:"model"`
	APIKeyEnv string `yaml:"api_key_env" json:"api_key_env,omitempty"`
}

// Decoding are the sampling settings of a call. A nil Temperature or TopP
// is left out of the request (the server's default); any value, 0
// included, is sent.
type Decoding struct {
	Temperature         *float64       `yaml:"temperature" json:"temperature"`
	TopP                *float64       `yaml:"top_p" json:"top_p,omitempty"`
	MaxTokens           int            `yaml:"max_tokens" json:"max_tokens,omitempty"`
	MaxCompletionTokens int            `yaml:"max_completion_tokens" json:"max_completion_tokens,omitempty"`
	Seed                *int           `yaml:"seed" json:"seed,omitempty"`
	N                   int            `yaml:"n" json:"n"`
	Stop                []string       `yaml:"stop" json:"stop,omitempty"`
	ExtraBody           map[string]any `yaml:"extra_body" json:"extra_body,omitempty"` // merged into the request body last
}

func (d Decoding) clone() Decoding {
	c := d
	if d.Temperature != nil {
		c.Temperature = ptr(*d.Temperature)
	}
	if d.TopP != nil {
		c.TopP = ptr(*d.TopP)
	}
	if d.Seed != nil {
		c.Seed = ptr(*d.Seed)
	}
	c.Stop = append([]string(nil), d.Stop...)
	if d.ExtraBody != nil {
		c.ExtraBody = make(map[string]any, len(d.ExtraBody))
		for k, v := range d.ExtraBody {
			c.ExtraBody[k] = v
		}
	}
	return c
}

func ptr[T any](v T) *T { return &v }

// CallSettings are the endpoint, decoding and prompt of one model call.
type CallSettings struct {
	Endpoint Endpoint `yaml:"endpoint" json:"endpoint"`
	Decoding `yaml:",inline"`
	// Prompt is a text/template file replacing the mode's embedded prompt.
	Prompt string `yaml:"prompt" json:"prompt,omitempty"`
}

// LLMSettings are the suite settings of the llm kind.
type LLMSettings struct {
	Mode         string `yaml:"mode" json:"mode"`
	CallSettings `yaml:",inline"`
	// Reasoner is the two-model reasoner call; every setting it leaves out
	// is the predictor's (but n, which is always 1).
	Reasoner      *CallSettings `yaml:"reasoner" json:"reasoner,omitempty"`
	Concurrency   int           `yaml:"concurrency" json:"concurrency"`
	Timeout       Duration      `yaml:"timeout" json:"timeout"` // per request
	MaxRetries    int           `yaml:"max_retries" json:"max_retries"`
	Backoff       Backoff       `yaml:"backoff" json:"backoff"`
	Attempt       int           `yaml:"attempt" json:"attempt"` // part of the cache key: a new attempt draws new answers
	HistoryFormat string        `yaml:"history_format" json:"history_format"`
	// Batch sends the requests through the OpenAI Batch API.
	Batch            bool     `yaml:"batch" json:"batch"`
	BatchPoll        Duration `yaml:"batch_poll" json:"batch_poll,omitempty"`
	BatchSize        int      `yaml:"batch_size" json:"batch_size,omitempty"` // users per batch
	CompletionWindow string   `yaml:"completion_window" json:"completion_window,omitempty"`
}

// DefaultLLM are the llm kind's defaults. Temperature 0 (greedy) is sent
// explicitly; max_tokens is 4096 unless max_completion_tokens is set.
var DefaultLLM = LLMSettings{
	Mode:             ModeCoT,
	CallSettings:     CallSettings{Decoding: Decoding{Temperature: ptr(0.0), N: 1}},
	Concurrency:      16,
	Timeout:          Duration(5 * time.Minute),
	MaxRetries:       8,
	Backoff:          Backoff{Base: Duration(time.Second), Max: Duration(time.Minute)},
	Attempt:          1,
	HistoryFormat:    HistoryFormat,
	BatchPoll:        Duration(30 * time.Second),
	BatchSize:        20000,
	CompletionWindow: "24h",
}

const defaultMaxTokens = 4096

// LLMOptions are the side effects of the llm kind; zero fields take the
// real thing. Tests pass fakes.
type LLMOptions struct {
	Transport http.RoundTripper // nil: a transport keeping enough idle connections for the concurrency
	Now       func() time.Time
	Sleep     func(context.Context, time.Duration) error
	Rand      func() float64 // uniform in [0, 1), for backoff jitter
	Getenv    func(string) string
}

func (o LLMOptions) withDefaults(concurrency int) LLMOptions {
	if o.Transport == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		// The default keeps 2 idle connections per host: at 64 requests in
		// flight most would open a new connection each time.
		t.MaxIdleConns = 0
		t.MaxIdleConnsPerHost = max(concurrency, 2)
		o.Transport = t
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleepCtx
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	return o
}

// NewLLMFactory makes the factory of the llm kind with the given side
// effects.
func NewLLMFactory(opts LLMOptions) Factory {
	return func(spec *rundir.RunnerSpec) (Runner, any, error) {
		s, err := decodeLLM(spec)
		if err != nil {
			return nil, nil, err
		}
		r, err := newLLMRunner(spec, s, opts.withDefaults(s.Concurrency))
		if err != nil {
			return nil, nil, fmt.Errorf("runner %q (line %d): %w", spec.Name, spec.Line(), err)
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
	s.Decoding = DefaultLLM.Decoding.clone()
	if err := spec.DecodeSettings(&s); err != nil {
		return nil, err
	}
	where := fmt.Sprintf("runner %q (line %d)", spec.Name, spec.Line())
	if s.MaxTokens == 0 && s.MaxCompletionTokens == 0 {
		s.MaxTokens = defaultMaxTokens
	}
	if s.Reasoner != nil {
		r := CallSettings{Endpoint: s.Endpoint, Decoding: s.Decoding.clone()}
		r.N = 1
		if err := decodeNode(settingsNode(spec, "reasoner"), &r); err != nil {
			return nil, fmt.Errorf("%s: reasoner: %w", where, err)
		}
		s.Reasoner = &r
	}
	if err := s.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	if s.Mode == ModeTwoModel && s.Reasoner == nil {
		r := CallSettings{Endpoint: s.Endpoint, Decoding: s.Decoding.clone()}
		r.N = 1
		s.Reasoner = &r
	}
	if !s.Batch { // keep the manifest to the settings that apply
		s.BatchPoll, s.BatchSize, s.CompletionWindow = 0, 0, ""
	}
	s.Prompt = spec.Path(s.Prompt)
	if s.Reasoner != nil {
		s.Reasoner.Prompt = spec.Path(s.Reasoner.Prompt)
	}
	return &s, nil
}

// settingsNode is the value of key in a runner's settings.
func settingsNode(spec *rundir.RunnerSpec, key string) *yaml.Node {
	c := spec.Settings.Content
	for i := 0; i+1 < len(c); i += 2 {
		if c[i].Value == key {
			return c[i+1]
		}
	}
	return nil
}

// decodeNode decodes n into v strictly (unknown keys are errors).
func decodeNode(n *yaml.Node, v any) error {
	if n == nil {
		return nil
	}
	b, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	return dec.Decode(v)
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
	if err := s.CallSettings.check(""); err != nil {
		return err
	}
	if s.Reasoner != nil {
		if err := s.Reasoner.check("reasoner."); err != nil {
			return err
		}
		if s.Reasoner.N != 1 {
			return fmt.Errorf("reasoner.n %d: the reasoner writes one reasoning per user", s.Reasoner.N)
		}
	}
	switch {
	case s.Concurrency < 1:
		return fmt.Errorf("concurrency %d: want at least 1", s.Concurrency)
	case s.Timeout <= 0:
		return fmt.Errorf("timeout %s: want a positive duration such as 2m", s.Timeout)
	case s.MaxRetries < 0:
		return fmt.Errorf("max_retries %d: want 0 or more", s.MaxRetries)
	case s.Backoff.Base <= 0 || s.Backoff.Max < s.Backoff.Base:
		return fmt.Errorf("backoff {base: %s, max: %s}: want 0 < base <= max", s.Backoff.Base, s.Backoff.Max)
	case s.Attempt < 1:
		return fmt.Errorf("attempt %d: want 1 or more", s.Attempt)
	case historyFormats[s.HistoryFormat] == nil:
		return fmt.Errorf("history_format %q: want %s", s.HistoryFormat, HistoryFormat)
	case s.Batch && s.BatchPoll <= 0:
		return fmt.Errorf("batch_poll %s: want a positive duration", s.BatchPoll)
	case s.Batch && s.BatchSize < 1:
		return fmt.Errorf("batch_size %d: want at least 1", s.BatchSize)
	}
	return nil
}

func (c *CallSettings) check(prefix string) error {
	u, err := url.Parse(c.Endpoint.BaseURL)
	switch {
	case c.Endpoint.BaseURL == "":
		return fmt.Errorf("%sendpoint.base_url: missing (such as http://localhost:8000/v1)", prefix)
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fmt.Errorf("%sendpoint.base_url %q: want an http(s) URL such as http://localhost:8000/v1", prefix, c.Endpoint.BaseURL)
	case u.User != nil:
		return fmt.Errorf("%sendpoint.base_url: put credentials in the variable api_key_env names, not in the URL", prefix)
	case c.Endpoint.Model == "":
		return fmt.Errorf("%sendpoint.model: missing", prefix)
	case c.Temperature != nil && *c.Temperature < 0:
		return fmt.Errorf("%stemperature %v: want 0 or more", prefix, *c.Temperature)
	case c.TopP != nil && (*c.TopP <= 0 || *c.TopP > 1):
		return fmt.Errorf("%stop_p %v: want a number in (0, 1]", prefix, *c.TopP)
	case c.N < 1:
		return fmt.Errorf("%sn %d: want at least 1", prefix, c.N)
	case c.MaxTokens < 0 || c.MaxCompletionTokens < 0:
		return fmt.Errorf("%smax_tokens: want 0 or more", prefix)
	}
	return nil
}

// llmRunner predicts through chat completions, one user per Predict.
type llmRunner struct {
	name      string
	s         *LLMSettings
	opts      LLMOptions
	prompt    *Prompt // the single call's, or the two-model predictor's
	reasonerP *Prompt // two-model only

	// Set by Prepare.
	env      *Env
	tax      *onet.Taxonomy
	cache    *Cache
	main     *endpointClient
	reasoner *endpointClient
	retry    *retrier
	secrets  []string
}

// endpointClient is a go-openai client for one endpoint.
type endpointClient struct {
	ep     Endpoint
	client *openai.Client
}

func newLLMRunner(spec *rundir.RunnerSpec, s *LLMSettings, opts LLMOptions) (*llmRunner, error) {
	r := &llmRunner{name: spec.Name, s: s, opts: opts}
	var err error
	switch s.Mode {
	case ModeDirect:
		r.prompt, err = LoadPrompt("direct.tmpl", s.Prompt, false)
	case ModeTwoModel:
		if r.reasonerP, err = LoadPrompt("reasoner.tmpl", s.Reasoner.Prompt, false); err == nil {
			r.prompt, err = LoadPrompt("predictor.tmpl", s.Prompt, true)
		}
	default:
		r.prompt, err = LoadPrompt("joint.tmpl", s.Prompt, false)
	}
	if err != nil {
		return nil, err
	}
	// Build one request now, so that a setting go-openai rejects (max_tokens
	// with an o-series model) fails the run at once.
	for _, c := range r.callSettings() {
		req := chatRequest(c, "")
		if err := openai.NewReasoningValidator().Validate(req); err != nil {
			return nil, fmt.Errorf("model %s: %w (use max_completion_tokens, and temperature: null)", c.Endpoint.Model, err)
		}
		if _, err := requestBody(req, c.Decoding); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// callSettings are the runner's calls in order.
func (r *llmRunner) callSettings() []*CallSettings {
	if r.s.Mode == ModeTwoModel {
		return []*CallSettings{r.s.Reasoner, &r.s.CallSettings}
	}
	return []*CallSettings{&r.s.CallSettings}
}

func (r *llmRunner) Concurrency() int { return r.s.Concurrency }

// Prepare reads the API keys, opens the cache and makes the clients.
func (r *llmRunner) Prepare(_ context.Context, env *Env) error {
	r.env = env
	r.tax = env.Taxonomy
	if r.tax == nil {
		r.tax = onet.Default()
	}
	dir := env.CacheDir
	if dir == "" {
		dir = rundir.DefaultCacheDir(env.RunDir)
	}
	var err error
	if r.cache, err = OpenCache(dir); err != nil {
		return err
	}
	hc := &http.Client{Transport: r.opts.Transport}
	mk := func(c *CallSettings) (*endpointClient, error) {
		key := ""
		if name := c.Endpoint.APIKeyEnv; name != "" {
			if key = r.opts.Getenv(name); key == "" {
				return nil, fmt.Errorf("endpoint.api_key_env: the environment variable %s is not set", name)
			}
			r.secrets = append(r.secrets, key)
		}
		cfg := openai.DefaultConfig(key)
		cfg.BaseURL = strings.TrimRight(c.Endpoint.BaseURL, "/")
		cfg.HTTPClient = doer{c: hc}
		return &endpointClient{ep: c.Endpoint, client: openai.NewClientWithConfig(cfg)}, nil
	}
	if r.main, err = mk(&r.s.CallSettings); err != nil {
		return err
	}
	r.reasoner = r.main
	if r.s.Reasoner != nil && r.s.Reasoner.Endpoint != r.s.Endpoint {
		if r.reasoner, err = mk(r.s.Reasoner); err != nil {
			return fmt.Errorf("reasoner: %w", err)
		}
	}
	r.retry = &retrier{
		timeout:    time.Duration(r.s.Timeout),
		maxRetries: r.s.MaxRetries,
		backoff:    r.s.Backoff,
		now:        r.opts.Now,
		sleep:      r.opts.Sleep,
		rand:       r.opts.Rand,
		progress:   r.progress,
		redact:     r.redact,
	}
	return nil
}

// progress is the engine's progress display, nil outside a run.
func (r *llmRunner) progress() *Progress {
	if r.env == nil {
		return nil
	}
	return r.env.Progress
}

// redact removes the API keys from text about to be written anywhere: a
// server may echo the key in an error message.
func (r *llmRunner) redact(s string) string {
	for _, k := range r.secrets {
		s = strings.ReplaceAll(s, k, "[redacted]")
	}
	return s
}

func (r *llmRunner) redactBytes(b []byte) []byte {
	for _, k := range r.secrets {
		if bytes.Contains(b, []byte(k)) {
			b = bytes.ReplaceAll(b, []byte(k), []byte("[redacted]"))
		}
	}
	return b
}

// Describe records what the manifest needs beyond the settings: the
// backend, prompt digests, serialiser, parser and cache. Never a key.
func (r *llmRunner) Describe() map[string]any {
	prompts := map[string]*Prompt{"prompt": r.prompt}
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
		"parser":         ParserVersion,
		"prompts":        prompts,
	}
	if r.cache != nil {
		info["cache"] = r.cache.Dir()
	}
	return info
}

// ParserVersion names the answer parsing rules (ParseOutput), recorded in
// the manifest.
const ParserVersion = "v1"

// Duration is a time.Duration written as "1m30s" in suites and manifests.
type Duration time.Duration

func (d Duration) String() string { return time.Duration(d).String() }

// D is the time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// MarshalText writes the duration as Go prints it.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads "90s", "2m", "1h30m".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("duration %q: want a number with a unit, such as 30s or 2m", b)
	}
	*d = Duration(v)
	return nil
}
