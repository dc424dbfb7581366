package llm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Options are a client's side effects; zero fields take the real thing,
// and tests pass fakes.
type Options struct {
	// CacheDir holds the request cache; it is required.
	CacheDir  string
	Transport http.RoundTripper // nil: one keeping enough idle connections for the concurrency
	Now       func() time.Time
	Sleep     func(context.Context, time.Duration) error
	Rand      func() float64 // uniform in [0, 1), for backoff jitter
	Getenv    func(string) string
	// Limiter paces the requests; nil: one of the client's own for the
	// config's rate_limit. Clients that count against one limit share one
	// (a two-model runner's reasoner and predictor).
	Limiter *Limiter
}

func (o Options) withDefaults(concurrency int) Options {
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

// Client asks an endpoint, or a pool of servers, for chat completions:
// from the request cache when the answer is there, else from a server
// with a deadline and retries per request, under the rate limit. The API
// key is sent and redacted from everything the client returns or stores.
// It is safe for concurrent use.
type Client struct {
	cfg   Config
	opts  Options
	cache *Cache
	api   *openai.Client // the first server's, for the Batch API
	retry *retrier
	key   string
	// keyURL is the base URL in the cache keys: a pool's servers are
	// replicas of one model, so its keys have none (see CacheKey).
	keyURL string
}

// New checks cfg, reads the API key from the variable it names and opens
// the cache.
func New(cfg Config, opts Options) (*Client, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults(cfg.Concurrency)
	c := &Client{cfg: cfg, opts: opts}
	if name := cfg.Endpoint.APIKeyEnv; name != "" {
		if c.key = opts.Getenv(name); c.key == "" {
			return nil, fmt.Errorf("endpoint.api_key_env: the environment variable %s is not set", name)
		}
	}
	var err error
	if c.cache, err = OpenCache(opts.CacheDir); err != nil {
		return nil, err
	}
	httpc := doer{c: &http.Client{Transport: opts.Transport}}
	var members []*member
	for _, u := range cfg.Endpoint.BaseURL {
		oc := openai.DefaultConfig(c.key)
		oc.BaseURL = trimURL(u)
		oc.HTTPClient = httpc
		members = append(members, &member{name: c.Redact(endpointName(u)), api: openai.NewClientWithConfig(oc)})
	}
	c.api = members[0].api
	if !cfg.Endpoint.BaseURL.Pool() {
		c.keyURL = cfg.Endpoint.BaseURL[0]
	}
	if opts.Limiter == nil {
		opts.Limiter = NewLimiter(cfg.RateLimit, opts.Now, opts.Sleep)
	}
	c.retry = &retrier{
		timeout:    time.Duration(cfg.Timeout),
		maxRetries: cfg.MaxRetries,
		backoff:    cfg.Backoff,
		now:        opts.Now,
		sleep:      opts.Sleep,
		rand:       opts.Rand,
		redact:     c.Redact,
		pool:       newPool(members, cfg.PoolBackoff, opts.Now, opts.Sleep),
		limiter:    opts.Limiter,
	}
	return c, nil
}

// Config is the client's configuration, with defaults filled in.
func (c *Client) Config() Config { return c.cfg }

// Cache is the client's request cache.
func (c *Client) Cache() *Cache { return c.cache }

// NewCall builds the request of prompt with n choices. The sample id and
// the attempt number are part of the cache key: another attempt draws
// another answer.
func (c *Client) NewCall(role, prompt, sampleID string, attempt, n int) (*Call, error) {
	req := chatRequest(c.cfg.Endpoint.Model, c.cfg.Decoding, prompt, n)
	body, err := requestBody(req, c.cfg.Decoding)
	if err != nil {
		return nil, err
	}
	return &Call{Role: role, req: req, body: body,
		Key:    CacheKey(c.keyURL, c.cfg.Endpoint.Model, body, sampleID, attempt),
		tokens: estimateTokens(prompt, c.cfg.Decoding, n)}, nil
}

// Failure is a request that failed for good: the sample records it and the
// run goes on. Complete returns any other error only when the work must
// stop (its context ended, the cache cannot be written).
type Failure struct {
	Msg   string
	Tries int
}

func (e *Failure) Error() string { return e.Msg }

// Complete answers a call from the cache, else from the endpoint with
// retries. A response is cached the moment it is read, before it is parsed
// or recorded, so no answer the server gave is ever asked for again.
func (c *Client) Complete(ctx context.Context, call *Call) (*Result, error) {
	if res, err := c.cached(call); res != nil || err != nil {
		return res, err
	}
	var res *Result
	tries, err := c.retry.run(ctx, call.Role+" request", call.tokens, func(rctx context.Context, ex *exchange) error {
		var decodeErr, cacheErr error
		ex.body = call.body
		ex.ok = func(body []byte) {
			body = c.redactBytes(body)
			if res, decodeErr = decodeChat(body); decodeErr == nil {
				ex.used = res.Usage.total()
				cacheErr = c.cache.Put(call.Key, body)
			}
		}
		start := c.opts.Now()
		_, err := ex.member.api.CreateChatCompletion(rctx, call.req)
		switch {
		case cacheErr != nil:
			return &fatalError{cacheErr}
		case res != nil:
			// go-openai decodes what we already have; its verdict on a body
			// we could read does not matter.
			res.Latency = c.opts.Now().Sub(start)
			res.Endpoint = ex.member.name
			return nil
		case decodeErr != nil:
			return &malformedError{decodeErr}
		case err == nil:
			return &malformedError{errors.New("empty response")}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	res.Tries, res.Source = tries, "http"
	c.redactResult(res)
	if n := res.Usage.Completion; n > 0 {
		if o := observerOf(ctx); o != nil {
			o.Tokens(n)
		}
	}
	return res, nil
}

// cached returns the cached response of a call, if any. An entry that does
// not decode (cut short by a crash) is dropped.
func (c *Client) cached(call *Call) (*Result, error) {
	data, ok, err := c.cache.Get(call.Key)
	if err != nil || !ok {
		return nil, err
	}
	res, err := decodeChat(data)
	if err != nil {
		return nil, c.cache.Delete(call.Key)
	}
	res.Source = "cache"
	c.redactResult(res)
	return res, nil
}

// Redact removes the API key from text about to be written anywhere: a
// server may echo the key in an error message or an answer.
func (c *Client) Redact(s string) string {
	if c.key == "" {
		return s
	}
	return strings.ReplaceAll(s, c.key, "[redacted]")
}

func (c *Client) redactBytes(b []byte) []byte {
	if c.key == "" || !bytes.Contains(b, []byte(c.key)) {
		return b
	}
	return bytes.ReplaceAll(b, []byte(c.key), []byte("[redacted]"))
}

// redactResult redacts the decoded texts as well as the raw body: JSON
// escapes can hide a key from a byte search.
func (c *Client) redactResult(res *Result) {
	for i := range res.Choices {
		ch := &res.Choices[i]
		ch.Content, ch.Reasoning = c.Redact(ch.Content), c.Redact(ch.Reasoning)
	}
}
