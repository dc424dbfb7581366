package llm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Backoff is the wait before retry k (1, 2, …): a uniformly random time in
// [0, min(Max, Base·2^(k-1))] ("full jitter"), or at least what the
// server's Retry-After asks for.
type Backoff struct {
	Base Duration `yaml:"base" json:"base"`
	Max  Duration `yaml:"max" json:"max"`
}

// maxRetryAfter bounds a server's Retry-After, so that a bogus date cannot
// park a worker for days.
const maxRetryAfter = 10 * time.Minute

// check names the setting (key) whose base and max cannot work.
func (b Backoff) check(key string) error {
	if b.Base <= 0 || b.Max < b.Base {
		return fmt.Errorf("%s {base: %s, max: %s}: want 0 < base <= max", key, b.Base, b.Max)
	}
	return nil
}

// ceiling is min(Max, Base·2^(k-1)), the longest wait before retry k.
func (b Backoff) ceiling(k int) time.Duration {
	ceil := time.Duration(b.Base)
	for i := 1; i < k && ceil < time.Duration(b.Max); i++ {
		ceil *= 2
	}
	return min(ceil, time.Duration(b.Max))
}

// wait is the pause before retry k; retryAfter < 0 means the server sent
// none. rnd is uniform in [0, 1).
func (b Backoff) wait(k int, retryAfter time.Duration, rnd float64) time.Duration {
	d := time.Duration(rnd * float64(b.ceiling(k)))
	if retryAfter >= 0 {
		d = max(d, min(retryAfter, maxRetryAfter))
	}
	return d
}

// parseRetryAfter reads Retry-After (delay-seconds or an HTTP date) or
// OpenAI's retry-after-ms; -1 when absent or unreadable.
func parseRetryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return -1
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s < 0 {
			return -1
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return -1
}

// exchange is what the HTTP layer saw of one request, passed through the
// request's context so that go-openai need not know about it: the body to
// send in place of go-openai's own encoding, and the status, headers and
// body that came back.
type exchange struct {
	body []byte // sent instead of go-openai's body when set
	// ok, when set, receives a 200 response body as soon as it is read,
	// before anything else happens, so that a run killed right after a
	// response arrives has already cached it.
	ok func(body []byte)

	status    int
	header    http.Header
	transport error // the round trip itself failed (connection, timeout)

	member *member // the server of the pool the try went to; nil for Batch API calls
	probe  bool    // the try probes a server coming back
	used   int     // tokens the answer used, as the server reports them; -1 unknown
}

type exchangeKey struct{}

// doer is the go-openai HTTP client: it sends the exchange's body and
// records the response.
type doer struct{ c *http.Client }

func (d doer) Do(req *http.Request) (*http.Response, error) {
	ex, _ := req.Context().Value(exchangeKey{}).(*exchange)
	if ex == nil {
		return d.c.Do(req)
	}
	if ex.body != nil {
		body := ex.body
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	resp, err := d.c.Do(req)
	if err != nil {
		ex.transport = err
		return nil, err
	}
	ex.status, ex.header = resp.StatusCode, resp.Header
	if ex.ok == nil {
		return resp, nil
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		ex.transport = err
		return nil, err
	}
	if resp.StatusCode == http.StatusOK {
		ex.ok(b)
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, nil
}

// fatalError stops the run (a cache write failed).
type fatalError struct{ err error }

func (e *fatalError) Error() string { return e.err.Error() }
func (e *fatalError) Unwrap() error { return e.err }

// malformedError is a 200 response whose body is not a usable completion.
type malformedError struct{ err error }

func (e *malformedError) Error() string { return "malformed response body: " + e.err.Error() }

// retrier runs requests with a deadline each, retrying what may succeed on
// a second try. A chat completion's tries also wait for the rate limit and
// take a server of the pool.
type retrier struct {
	timeout    time.Duration
	maxRetries int
	backoff    Backoff
	now        func() time.Time
	sleep      func(context.Context, time.Duration) error
	rand       func() float64
	redact     func(string) string
	pool       *pool    // nil: the op calls a server of its own (Batch API calls)
	limiter    *Limiter // nil: no rate limit
}

// plain is r without a pool or a rate limit, for the Batch API's calls:
// they go to one server, under limits of their own.
func (r retrier) plain() *retrier {
	r.pool, r.limiter = nil, nil
	return &r
}

// run calls op until it succeeds, fails in a way no retry can fix, or the
// retries run out; op gets a context with the request deadline and a fresh
// exchange. tokens is the request's estimate for the rate limit. The error
// is a *Failure for a failed request, anything else (the run's context
// ended, a *fatalError) stops the run.
func (r *retrier) run(ctx context.Context, what string, tokens int, op func(context.Context, *exchange) error) (tries int, err error) {
	for tries = 1; ; tries++ {
		ex, err := r.begin(ctx, tokens)
		if err != nil {
			return tries, err
		}
		rctx, cancel := context.WithTimeout(ctx, r.timeout)
		err = op(context.WithValue(rctx, exchangeKey{}, ex), ex)
		timedOut := rctx.Err() != nil && ctx.Err() == nil
		cancel()
		fault := err != nil && ctx.Err() == nil && endpointFault(ex, timedOut)
		r.end(ex, tokens, fault)
		if err == nil {
			return tries, nil
		}
		if ctx.Err() != nil {
			return tries, ctx.Err()
		}
		var fe *fatalError
		if errors.As(err, &fe) {
			return tries, err
		}
		retry, why := classify(err, ex, timedOut, r.timeout)
		why = r.redact(why)
		if !retry || tries > r.maxRetries {
			msg := fmt.Sprintf("%s: %s", what, why)
			if tries > 1 {
				msg = fmt.Sprintf("%s: %s (after %d tries)", what, why, tries)
			}
			return tries, &Failure{Msg: msg, Tries: tries}
		}
		if fault && r.pool.failover(ex.member) {
			continue // another server takes the retry at once
		}
		ra := time.Duration(-1)
		if ex.header != nil {
			ra = parseRetryAfter(ex.header, r.now())
		}
		o := observerOf(ctx)
		if o != nil {
			o.Retrying(1)
		}
		err = r.sleep(ctx, r.backoff.wait(tries, ra, r.rand()))
		if o != nil {
			o.Retrying(-1)
		}
		if err != nil {
			return tries, err
		}
	}
}

// begin waits for the rate limit and a server of the pool, and makes the
// try's exchange.
func (r *retrier) begin(ctx context.Context, tokens int) (*exchange, error) {
	if err := r.limiter.Wait(ctx, tokens); err != nil {
		return nil, err
	}
	ex := &exchange{used: -1}
	if r.pool != nil {
		var err error
		if ex.member, ex.probe, err = r.pool.pick(ctx); err != nil {
			return nil, err
		}
	}
	return ex, nil
}

// end gives the try's server back to the pool and settles its tokens.
func (r *retrier) end(ex *exchange, tokens int, fault bool) {
	if ex.member != nil {
		r.pool.release(ex.member, ex.probe, fault)
	}
	r.limiter.Settle(tokens, ex.used)
}

// endpointFault says a failed try looks like a dead or overloaded server:
// no connection, a connection cut, no answer in time, or a 5xx. A 4xx (a
// bad request, a wrong key, a rate limit) and a malformed body come from a
// server that works.
func endpointFault(ex *exchange, timedOut bool) bool {
	return timedOut || ex.transport != nil || ex.status >= 500
}

// classify says whether a failed request is worth retrying, and why it
// failed in words fit for a prediction record.
func classify(err error, ex *exchange, timedOut bool, timeout time.Duration) (retry bool, why string) {
	var me *malformedError
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case timedOut:
		return true, fmt.Sprintf("no response within %s", timeout)
	case errors.As(err, &me):
		return true, me.Error()
	case errors.As(err, &apiErr) && apiErr.HTTPStatusCode > 0:
		return retryStatus(apiErr.HTTPStatusCode), fmt.Sprintf("HTTP %d: %s", apiErr.HTTPStatusCode, clip(apiErr.Message))
	case errors.As(err, &reqErr) && reqErr.HTTPStatusCode > 0:
		return retryStatus(reqErr.HTTPStatusCode), fmt.Sprintf("HTTP %d: %s", reqErr.HTTPStatusCode, clip(string(reqErr.Body)))
	case ex.status == http.StatusOK:
		// go-openai could not decode a 200 body (the files and batches calls).
		return true, "malformed response body: " + clip(err.Error())
	case ex.transport != nil:
		return true, "connection: " + clip(ex.transport.Error())
	}
	var ue *url.Error
	if errors.As(err, &ue) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true, "connection: " + clip(err.Error())
	}
	return false, clip(err.Error())
}

// retryStatus: rate limits, timeouts and server errors may pass; other
// client errors (a bad request, a missing model, a wrong key) will not.
func retryStatus(code int) bool {
	return code == http.StatusTooManyRequests || code == http.StatusRequestTimeout || code >= 500
}

// clip shortens a server's error text for a record.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = strings.ToValidUTF8(s[:300], "") + "…"
	}
	return s
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sleepUntil waits d, or until changed is closed, or until ctx ends; only
// the last is an error. d < 0 waits for changed alone. The wait goes
// through sleep, so that tests can fake the clock.
func sleepUntil(ctx context.Context, sleep func(context.Context, time.Duration) error, d time.Duration, changed <-chan struct{}) error {
	if d < 0 {
		select {
		case <-changed:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-changed:
			cancel()
		case <-wctx.Done():
		}
	}()
	sleep(wctx, d) // its error is wctx's: a change, or ctx's end
	return ctx.Err()
}
