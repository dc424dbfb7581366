package llm

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock whose sleeps move it on at once, recording each.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	slept []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.slept = append(c.slept, d)
	c.mu.Unlock()
	return nil
}

// waited is the clock's sleeps so far, and forgets them.
func (c *fakeClock) waited() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	w := c.slept
	c.slept = nil
	return w
}

func TestEstimateTokens(t *testing.T) {
	for _, tc := range []struct {
		name   string
		prompt string
		d      Decoding
		n      int
		want   int
	}{
		{"four characters a token, rounded up", "abcdefghi", Decoding{}, 1, 3},
		{"characters, not bytes", "ééééé", Decoding{}, 1, 2},
		{"plus max_tokens", "abcd", Decoding{MaxTokens: 100}, 1, 101},
		{"for each choice", "abcd", Decoding{MaxTokens: 100}, 3, 301},
		{"max_completion_tokens first", "abcd", Decoding{MaxTokens: 100, MaxCompletionTokens: 50}, 1, 51},
		{"n 0 is one choice", "", Decoding{MaxTokens: 10}, 0, 10},
	} {
		if got := estimateTokens(tc.prompt, tc.d, tc.n); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

// Each case sends requests of the given costs one after another (settling
// each as it goes when used is given) and expects the limiter's waits. A
// request that has to wait goes limitGuard (g) after the buckets allow.
func TestLimiterWaits(t *testing.T) {
	sec, g := time.Second, limitGuard
	for _, tc := range []struct {
		name  string
		limit RateLimit
		costs []int
		used  []int // the usage each answer reports; -1 none
		want  []time.Duration
	}{
		{"no limit", RateLimit{}, []int{1e9, 1e9}, nil, nil},
		// 120 req/min: two a second, a burst of two. The guard delays the
		// third request; the fourth waits that much less.
		{"requests", RateLimit{RequestsPerMinute: 120}, []int{0, 0, 0, 0, 0}, nil, []time.Duration{sec/2 + g, sec / 2, sec / 2}},
		// 60 req/min: a bucket of one request, which cannot hold the guard
		// beside it: each wait is a second and the guard.
		{"one a second", RateLimit{RequestsPerMinute: 60}, []int{0, 0, 0}, nil, []time.Duration{sec + g, sec + g}},
		// Under 60 req/min the bucket still holds one request.
		{"one request at least", RateLimit{RequestsPerMinute: 30}, []int{0, 0}, nil, []time.Duration{2*sec + g}},
		// 600 tok/min: 10 a second, a burst of 600.
		{"tokens", RateLimit{TokensPerMinute: 600}, []int{500, 200}, nil, []time.Duration{10*sec + g}},
		// Larger than the bucket: waits for a full bucket, then leaves a
		// debt of 40 that the next request waits out with its own 10.
		{"larger than the bucket", RateLimit{TokensPerMinute: 60}, []int{30, 100, 10}, nil, []time.Duration{30*sec + g, 50*sec + g}},
		// The first answer used 100 of its 600: 500 come back at once.
		{"refund", RateLimit{TokensPerMinute: 600}, []int{600, 500}, []int{100, -1}, nil},
		// The first answer used 400 more than its 100: charged.
		{"charge", RateLimit{TokensPerMinute: 600}, []int{100, 400}, []int{500, -1}, []time.Duration{30*sec + g}},
		// No usage reported: the estimate stands.
		{"no usage", RateLimit{TokensPerMinute: 600}, []int{600, 100}, []int{-1, -1}, []time.Duration{10*sec + g}},
		// Both limits: each request waits for the one that binds.
		{"both", RateLimit{RequestsPerMinute: 60, TokensPerMinute: 6000}, []int{5000, 500, 2000}, nil, []time.Duration{sec + g, 14 * sec}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := newFakeClock()
			l := NewLimiter(tc.limit, clock.now, clock.sleep)
			for i, c := range tc.costs {
				if err := l.Wait(context.Background(), c); err != nil {
					t.Fatal(err)
				}
				if i < len(tc.used) {
					l.Settle(c, tc.used[i])
				}
			}
			if got := clock.waited(); !equalDurations(got, tc.want) {
				t.Errorf("waits %v, want %v", got, tc.want)
			}
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if d := a[i] - b[i]; d < -time.Microsecond || d > time.Microsecond {
			return false
		}
	}
	return true
}

// The observer sees a waiting request as throttled by the limit that
// binds, and no longer once it goes.
func TestLimiterReportsTheBindingLimit(t *testing.T) {
	clock := newFakeClock()
	l := NewLimiter(RateLimit{RequestsPerMinute: 60, TokensPerMinute: 6000}, clock.now, clock.sleep)
	o := &countingObserver{}
	ctx := WithObserver(context.Background(), o)
	for _, c := range []int{5000, 500, 2000} {
		if err := l.Wait(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Join(o.everThrottled, ",") != "60 req/min,6000 tok/min" || o.throttled["60 req/min"] != 0 || o.throttled["6000 tok/min"] != 0 {
		t.Errorf("throttled by %v, left %v", o.everThrottled, o.throttled)
	}
}

// blockingClock's sleeps last until their context ends (a change in the
// limiter, or the caller's end) or the test ends them as their timer
// would (fire), moving the clock on; entered receives each.
type blockingClock struct {
	*fakeClock
	entered chan time.Duration
	timer   chan struct{}
}

func (c blockingClock) sleep(ctx context.Context, d time.Duration) error {
	c.entered <- d
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-c.timer:
		c.advance(d)
		return nil
	}
}

func (c blockingClock) fire() { c.timer <- struct{}{} }

// Requests wait their turn; a refund wakes the head of the queue before its
// wait is over, and a request whose context ends leaves the queue to the
// next.
func TestLimiterQueue(t *testing.T) {
	clock := blockingClock{newFakeClock(), make(chan time.Duration, 4), make(chan struct{})}
	l := NewLimiter(RateLimit{TokensPerMinute: 600}, clock.now, clock.sleep)
	if err := l.Wait(context.Background(), 600); err != nil { // the bucket is empty now
		t.Fatal(err)
	}
	type result struct {
		name string
		err  error
	}
	done := make(chan result, 3)
	wait := func(name string, ctx context.Context, cost int) {
		done <- result{name, l.Wait(ctx, cost)}
	}
	go wait("first", context.Background(), 300)
	if d := <-clock.entered; d != 30*time.Second+limitGuard {
		t.Fatalf("the head waits %v, want 30s and the guard", d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go wait("second", ctx, 100)
	go func() {
		// The third arrives after the second: it waits behind it even
		// though the bucket would hold it alone.
		for len(queueOf(l)) < 2 {
			time.Sleep(time.Millisecond)
		}
		wait("third", context.Background(), 100)
	}()
	for len(queueOf(l)) < 3 {
		time.Sleep(time.Millisecond)
	}
	l.Settle(600, 300) // 300 back: the head is ready without its 30 s…
	if d := <-clock.entered; d != limitGuard {
		t.Fatalf("the head waits %v more, want the guard", d)
	}
	clock.fire() // …and goes once the guard is over
	if r := <-done; r.name != "first" || r.err != nil {
		t.Fatalf("%s went first (%v)", r.name, r.err)
	}
	// The bucket refilled 1 token during the guard and holds 1 after the
	// first took 300: 99 to go at 10 a second.
	if d := <-clock.entered; d != 9900*time.Millisecond+limitGuard {
		t.Fatalf("the second waits %v, want 9.9s and the guard", d)
	}
	cancel()
	if r := <-done; r.name != "second" || !errors.Is(r.err, context.Canceled) {
		t.Fatalf("%s: %v, want the second, cancelled", r.name, r.err)
	}
	<-clock.entered // the third is at the head now
	l.Settle(100, 0)
	if d := <-clock.entered; d != limitGuard {
		t.Fatalf("the third waits %v after its refund, want the guard", d)
	}
	clock.fire()
	if r := <-done; r.name != "third" || r.err != nil {
		t.Fatalf("%s: %v, want the third", r.name, r.err)
	}
	if len(queueOf(l)) != 0 {
		t.Errorf("%d left in the queue", len(queueOf(l)))
	}
}

func queueOf(l *Limiter) []*waiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*waiter(nil), l.queue...)
}

func TestRateLimitCheck(t *testing.T) {
	if NewLimiter(RateLimit{}, nil, nil) != nil {
		t.Error("no limits made a limiter")
	}
	var l *Limiter
	if err := l.Wait(context.Background(), 1e9); err != nil {
		t.Error(err)
	}
	l.Settle(1, 2)
	for _, tc := range []struct {
		rl   RateLimit
		want string
	}{
		{RateLimit{RequestsPerMinute: -1}, "rate_limit.requests_per_minute -1: want 0 (no limit) or more"},
		{RateLimit{TokensPerMinute: -5}, "rate_limit.tokens_per_minute -5: want 0 (no limit) or more"},
	} {
		if err := tc.rl.check(); err == nil || err.Error() != tc.want {
			t.Errorf("%+v: %v, want %q", tc.rl, err, tc.want)
		}
	}
}

// The limiter's cost when it never waits: a lock, two refills and a
// queue of one.
func BenchmarkLimiterWait(b *testing.B) {
	l := NewLimiter(RateLimit{RequestsPerMinute: 1 << 40, TokensPerMinute: 1 << 50}, nil, nil)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := l.Wait(ctx, 1000); err != nil {
				b.Fatal(err)
			}
			l.Settle(1000, 800)
		}
	})
}
