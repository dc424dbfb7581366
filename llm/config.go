package llm

import (
	"fmt"
	"maps"
	"slices"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Endpoint is an OpenAI-compatible server and model, or a pool of servers
// of that model. The API key, one for every server of a pool, is read from
// the environment variable APIKeyEnv names and is never recorded.
type Endpoint struct {
	BaseURL   URLs   `yaml:"base_url" json:"base_url"`
	Model     string `yaml:"model" json:"model"`
	APIKeyEnv string `yaml:"api_key_env" json:"api_key_env,omitempty"`
}

// Clone is a deep copy.
func (e Endpoint) Clone() Endpoint {
	e.BaseURL = slices.Clone(e.BaseURL)
	return e
}

// Decoding are the sampling settings of a request. A nil Temperature or
// TopP is left out of the request (the server's default); any value, 0
// included, is sent. How many choices to ask for is the caller's, per
// call (NewCall).
type Decoding struct {
	Temperature         *float64       `yaml:"temperature" json:"temperature"`
	TopP                *float64       `yaml:"top_p" json:"top_p,omitempty"`
	MaxTokens           int            `yaml:"max_tokens" json:"max_tokens,omitempty"`
	MaxCompletionTokens int            `yaml:"max_completion_tokens" json:"max_completion_tokens,omitempty"`
	Seed                *int           `yaml:"seed" json:"seed,omitempty"`
	Stop                []string       `yaml:"stop" json:"stop,omitempty"`
	ExtraBody           map[string]any `yaml:"extra_body" json:"extra_body,omitempty"` // merged into the request body last
}

// Clone is a deep copy, so that a copy decoded over does not change d.
func (d Decoding) Clone() Decoding {
	c := d
	c.Temperature = clonePtr(d.Temperature)
	c.TopP = clonePtr(d.TopP)
	c.Seed = clonePtr(d.Seed)
	c.Stop = slices.Clone(d.Stop)
	c.ExtraBody = maps.Clone(d.ExtraBody)
	return c
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// Config is a model and how to call it: the endpoint, the decoding, and the
// handling of requests. It reads from a suite entry or a model file, whose
// keys sit at the top level (endpoint, temperature, …, concurrency).
type Config struct {
	Endpoint    Endpoint `yaml:"endpoint" json:"endpoint"`
	Decoding    `yaml:",inline"`
	Concurrency int      `yaml:"concurrency" json:"concurrency"` // requests in flight
	Timeout     Duration `yaml:"timeout" json:"timeout"`         // per request
	MaxRetries  int      `yaml:"max_retries" json:"max_retries"` // of a request that may pass on a second try
	Backoff     Backoff  `yaml:"backoff" json:"backoff"`         // the waits between tries
	// PoolBackoff is how long a server of a pool that failed stays out:
	// base after its first fault, doubling with each failed probe up to
	// max. Zero takes DefaultPoolBackoff.
	PoolBackoff Backoff   `yaml:"pool_backoff" json:"pool_backoff,omitzero"`
	RateLimit   RateLimit `yaml:"rate_limit" json:"rate_limit,omitzero"`
}

// DefaultPoolBackoff takes a failed server of a pool out for 2 s, then 4,
// 8, … up to a minute while it keeps failing: a restarting replica is
// probed often at first, a dead one about once a minute.
var DefaultPoolBackoff = Backoff{Base: Duration(2 * time.Second), Max: Duration(time.Minute)}

// DefaultConfig is greedy decoding (temperature 0, sent explicitly), 16
// requests in flight, 5 minutes a request, 8 retries waiting 1 s to 1 min,
// DefaultPoolBackoff, no rate limit.
var DefaultConfig = Config{
	Decoding:    Decoding{Temperature: Float(0)},
	Concurrency: 16,
	Timeout:     Duration(5 * time.Minute),
	MaxRetries:  8,
	Backoff:     Backoff{Base: Duration(time.Second), Max: Duration(time.Minute)},
	PoolBackoff: DefaultPoolBackoff,
}

// DefaultMaxTokens is max_tokens when neither it nor max_completion_tokens
// is set: a server's own default may cut reasoning short.
const DefaultMaxTokens = 4096

// Float is a pointer to v, for Decoding's optional settings.
func Float(v float64) *float64 { return &v }

// Clone is a deep copy.
func (c Config) Clone() Config {
	c.Endpoint = c.Endpoint.Clone()
	c.Decoding = c.Decoding.Clone()
	return c
}

// WithDefaults fills in what a config may leave to occbench: max_tokens,
// and a pool's back-off.
func (c Config) WithDefaults() Config {
	if c.MaxTokens == 0 && c.MaxCompletionTokens == 0 {
		c.MaxTokens = DefaultMaxTokens
	}
	if c.PoolBackoff == (Backoff{}) && c.Endpoint.BaseURL.Pool() {
		c.PoolBackoff = DefaultPoolBackoff
	}
	return c
}

// Check reports the first setting that cannot work, naming its key.
func (c *Config) Check() error {
	if err := c.CheckCall(""); err != nil {
		return err
	}
	switch {
	case c.Concurrency < 1:
		return fmt.Errorf("concurrency %d: want at least 1", c.Concurrency)
	case c.Timeout <= 0:
		return fmt.Errorf("timeout %s: want a positive duration such as 2m", c.Timeout)
	case c.MaxRetries < 0:
		return fmt.Errorf("max_retries %d: want 0 or more", c.MaxRetries)
	}
	if err := c.Backoff.check("backoff"); err != nil {
		return err
	}
	if c.Endpoint.BaseURL.Pool() {
		if err := c.PoolBackoff.check("pool_backoff"); err != nil {
			return err
		}
	}
	return c.RateLimit.check()
}

// CheckBatch says whether the Batch API can take the config: it sends a
// file to one server, so a pool has no use there.
func (c *Config) CheckBatch() error {
	if u := c.Endpoint.BaseURL; u.Pool() {
		return fmt.Errorf("endpoint.base_url: the Batch API takes one URL, not a pool of %d (batch: true)", len(u))
	}
	return nil
}

// CheckCall checks the endpoint and decoding alone; prefix goes before the
// keys it names ("reasoner.").
func (c *Config) CheckCall(prefix string) error {
	if err := c.Endpoint.BaseURL.check(prefix); err != nil {
		return err
	}
	switch {
	case c.Endpoint.Model == "":
		return fmt.Errorf("%sendpoint.model: missing", prefix)
	case c.Temperature != nil && *c.Temperature < 0:
		return fmt.Errorf("%stemperature %v: want 0 or more", prefix, *c.Temperature)
	case c.TopP != nil && (*c.TopP <= 0 || *c.TopP > 1):
		return fmt.Errorf("%stop_p %v: want a number in (0, 1]", prefix, *c.TopP)
	case c.MaxTokens < 0 || c.MaxCompletionTokens < 0:
		return fmt.Errorf("%smax_tokens: want 0 or more", prefix)
	}
	// Build one request, so that a setting go-openai rejects (max_tokens
	// with an o-series model) fails before any request is sent.
	req := chatRequest(c.Endpoint.Model, c.Decoding, "", 1)
	if err := openai.NewReasoningValidator().Validate(req); err != nil {
		return fmt.Errorf("%smodel %s: %w (use max_completion_tokens, and temperature: null)", prefix, c.Endpoint.Model, err)
	}
	_, err := requestBody(req, c.Decoding)
	return err
}

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
