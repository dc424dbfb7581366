package llm

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
	"unicode/utf8"
)

// RateLimit are a provider's per-minute limits (OpenAI's RPM and TPM). A
// client keeps under them, so that a run at the limit gets no 429s. Zero
// is no limit.
type RateLimit struct {
	RequestsPerMinute int `yaml:"requests_per_minute" json:"requests_per_minute,omitempty"`
	TokensPerMinute   int `yaml:"tokens_per_minute" json:"tokens_per_minute,omitempty"`
}

func (r RateLimit) check() error {
	switch {
	case r.RequestsPerMinute < 0:
		return fmt.Errorf("rate_limit.requests_per_minute %d: want 0 (no limit) or more", r.RequestsPerMinute)
	case r.TokensPerMinute < 0:
		return fmt.Errorf("rate_limit.tokens_per_minute %d: want 0 (no limit) or more", r.TokensPerMinute)
	}
	return nil
}

// estimateTokens is what a request counts against tokens_per_minute until
// its answer says what it used: the prompt at four characters a token,
// rounded up, plus every token the answer may take (n choices of
// max_completion_tokens, else max_tokens). That is how OpenAI counts a
// request when it arrives, so a run never goes faster than the provider
// allows while answers are on their way.
func estimateTokens(prompt string, d Decoding, n int) int {
	budget := d.MaxTokens
	if d.MaxCompletionTokens > 0 {
		budget = d.MaxCompletionTokens
	}
	return (utf8.RuneCountInString(prompt)+3)/4 + max(n, 1)*budget
}

// Limiter keeps requests under a RateLimit with two token buckets, one
// of requests and one of tokens, refilled continuously at the per-minute
// rate. The requests bucket holds one second's worth (at least one
// request), as providers may enforce a per-minute request limit in slices
// of a second; the tokens bucket holds a minute's worth, since one request's
// estimate includes its whole max_tokens. Both start full.
//
// A request waits its turn (first come, first served) until both buckets
// hold its cost, then takes it; one that had to wait goes limitGuard after
// the buckets first hold its cost. One costing more than the tokens bucket
// holds waits for a full bucket and leaves the bucket in debt, which the
// requests after it wait out: it never deadlocks, and the rate over time
// stays the limit. When its answer comes, Settle replaces the estimate by
// the tokens the server reports, giving back or charging the difference.
//
// A nil *Limiter limits nothing. It is safe for concurrent use.
type Limiter struct {
	now   func() time.Time
	sleep func(context.Context, time.Duration) error

	mu       sync.Mutex
	requests *bucket       // nil: no limit
	tokens   *bucket       // nil: no limit
	queue    []*waiter     // the waiting requests, in turn
	changed  chan struct{} // closed when a waiting request may go sooner: a refund, a request leaving
	binding  string        // the limit the head waits for, for the progress line
}

// limitGuard is how much later than the buckets allow a request that had
// to wait goes. Requests take unequal times to reach the provider (the
// first opens a connection): without it, one that arrives sooner after
// the one before than it was sent would find the provider's bucket a
// fraction of a request short. It delays requests, not the rate, as long
// as the bucket can hold the guard's worth beside a request (above 66
// requests a minute): the bucket fills meanwhile, and the next request
// waits that much less. Below, a request waits its interval plus the
// guard, up to a tenth of the rate at 60 requests a minute.
const limitGuard = 100 * time.Millisecond

// NewLimiter is the limiter of rl (nil when rl limits nothing); nil now
// and sleep take the real clock.
func NewLimiter(rl RateLimit, now func() time.Time, sleep func(context.Context, time.Duration) error) *Limiter {
	if rl == (RateLimit{}) {
		return nil
	}
	if now == nil {
		now = time.Now
	}
	if sleep == nil {
		sleep = sleepCtx
	}
	l := &Limiter{now: now, sleep: sleep, changed: make(chan struct{})}
	t := now()
	if n := rl.RequestsPerMinute; n > 0 {
		l.requests = newBucket(fmt.Sprintf("%d req/min", n), n, max(float64(n)/60, 1), t)
	}
	if n := rl.TokensPerMinute; n > 0 {
		l.tokens = newBucket(fmt.Sprintf("%d tok/min", n), n, float64(n), t)
	}
	return l
}

// waiter is a request waiting for its turn.
type waiter struct {
	cost  float64
	ready time.Time // when the buckets held its cost, once it had to wait
}

// bucket is a token bucket whose level may go below zero (a debt).
type bucket struct {
	label    string  // "60 req/min"
	rate     float64 // per second
	capacity float64
	level    float64
	at       time.Time // when level was last brought up to date
}

func newBucket(label string, perMinute int, capacity float64, now time.Time) *bucket {
	return &bucket{label: label, rate: float64(perMinute) / 60, capacity: capacity, level: capacity, at: now}
}

func (b *bucket) refill(now time.Time) {
	if dt := now.Sub(b.at); dt > 0 {
		b.level = min(b.capacity, b.level+dt.Seconds()*b.rate)
		b.at = now
	}
}

// delay is how long until the bucket holds cost, or all it can hold.
func (b *bucket) delay(cost float64) time.Duration {
	need := min(cost, b.capacity)
	if b.level >= need-1e-9 {
		return 0
	}
	return time.Duration(math.Ceil((need - b.level) / b.rate * float64(time.Second)))
}

// Wait takes one request and tokens (an estimate) from the buckets,
// waiting its turn and until they hold enough; it returns early only when
// ctx ends, having taken nothing. While a request waits, the observer of
// ctx sees it as throttled by the limit that binds.
func (l *Limiter) Wait(ctx context.Context, tokens int) error {
	if l == nil {
		return nil
	}
	w := &waiter{cost: float64(tokens)}
	l.mu.Lock()
	l.queue = append(l.queue, w)
	shown := ""
	defer func() {
		if shown != "" {
			if o := observerOf(ctx); o != nil {
				o.Throttled(shown, -1)
			}
		}
	}()
	for {
		d := time.Duration(-1) // not first in line: until the head goes
		if l.queue[0] == w {
			if d = l.headDelay(w); d == 0 {
				l.take(w.cost)
				l.leave(w)
				l.mu.Unlock()
				return nil
			}
		}
		changed, binding := l.changed, l.binding
		l.mu.Unlock()
		if shown == "" && binding != "" {
			shown = binding
			if o := observerOf(ctx); o != nil {
				o.Throttled(shown, 1)
			}
		}
		err := sleepUntil(ctx, l.sleep, d, changed)
		l.mu.Lock()
		if err != nil {
			l.leave(w)
			l.mu.Unlock()
			return err
		}
	}
}

// headDelay is how long the head of the queue must still wait: until the
// buckets hold its cost, then, if it had to wait for that, limitGuard.
func (l *Limiter) headDelay(w *waiter) time.Duration {
	now := l.now()
	if d := l.delay(now, w.cost); d > 0 {
		w.ready = now.Add(d)
		return d + limitGuard
	}
	if w.ready.IsZero() {
		return 0 // it never waited
	}
	if now.Before(w.ready) {
		w.ready = now // a refund made it ready sooner
	}
	return max(w.ready.Add(limitGuard).Sub(now), 0)
}

// delay is how long until the buckets hold cost tokens and a request; it
// notes the limit that binds.
func (l *Limiter) delay(now time.Time, cost float64) time.Duration {
	var d time.Duration
	wait := func(b *bucket, cost float64) {
		if b == nil {
			return
		}
		b.refill(now)
		if bd := b.delay(cost); bd > d {
			d, l.binding = bd, b.label
		}
	}
	wait(l.requests, 1)
	wait(l.tokens, cost)
	return d
}

func (l *Limiter) take(cost float64) {
	if l.requests != nil {
		l.requests.level--
	}
	if l.tokens != nil {
		l.tokens.level -= cost
	}
}

// leave takes a request off the queue and wakes the others: the next one
// may be at the head now.
func (l *Limiter) leave(w *waiter) {
	if i := slices.Index(l.queue, w); i >= 0 {
		l.queue = slices.Delete(l.queue, i, i+1)
	}
	l.signal()
}

// signal wakes the waiting requests, if any.
func (l *Limiter) signal() {
	if len(l.queue) > 0 {
		close(l.changed)
		l.changed = make(chan struct{})
	}
}

// Settle replaces a request's estimate by the tokens its answer used
// (prompt and completion, as the server reports them): a smaller count
// gives tokens back, a larger one is charged. used < 0 (no usage in the
// answer, or no answer) keeps the estimate: what the server counted is
// unknown.
func (l *Limiter) Settle(estimate, used int) {
	if l == nil || l.tokens == nil || used < 0 || used == estimate {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tokens.refill(l.now())
	l.tokens.level = min(l.tokens.capacity, l.tokens.level+float64(estimate-used))
	if used < estimate {
		l.signal()
	}
}
