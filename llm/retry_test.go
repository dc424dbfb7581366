package llm

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		header, value string
		want          time.Duration
	}{
		{"Retry-After", "3", 3 * time.Second},
		{"Retry-After", "0.5", 500 * time.Millisecond},
		{"Retry-After", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"Retry-After", now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"Retry-After", "soon", -1},
		{"Retry-After", "-4", -1},
		{"Retry-After-Ms", "250", 250 * time.Millisecond},
		{"X-Other", "3", -1},
	} {
		h := http.Header{}
		h.Set(tc.header, tc.value)
		if got := parseRetryAfter(h, now); got != tc.want {
			t.Errorf("%s: %s → %v, want %v", tc.header, tc.value, got, tc.want)
		}
	}
}

func TestBackoffWait(t *testing.T) {
	b := Backoff{Base: Duration(time.Second), Max: Duration(10 * time.Second)}
	for _, tc := range []struct {
		retry      int
		retryAfter time.Duration
		rnd        float64
		want       time.Duration
	}{
		{1, -1, 0.5, 500 * time.Millisecond},       // half of 1 s
		{3, -1, 0.5, 2 * time.Second},              // half of 4 s
		{10, -1, 0.999999, 10 * time.Second},       // capped at max (just under)
		{2, -1, 0, 0},                              // full jitter reaches 0
		{1, 5 * time.Second, 0.1, 5 * time.Second}, // Retry-After is a floor
		{4, time.Second, 0.5, 4 * time.Second},     // …not a ceiling
		{1, 24 * time.Hour, 0, maxRetryAfter},      // bounded
		{64, -1, 0.5, 5 * time.Second},             // no overflow on many retries
	} {
		got := b.wait(tc.retry, tc.retryAfter, tc.rnd)
		if d := got - tc.want; d < -time.Millisecond || d > time.Millisecond {
			t.Errorf("wait(%d, %v, %v) = %v, want %v", tc.retry, tc.retryAfter, tc.rnd, got, tc.want)
		}
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		name  string
		err   error
		ex    exchange
		retry bool
	}{
		{"429", &openai.APIError{HTTPStatusCode: 429, Message: "slow down"}, exchange{}, true},
		{"500", &openai.APIError{HTTPStatusCode: 500}, exchange{}, true},
		{"503 html", &openai.RequestError{HTTPStatusCode: 503, Body: []byte("<html>")}, exchange{}, true},
		{"408", &openai.RequestError{HTTPStatusCode: 408}, exchange{}, true},
		{"400", &openai.APIError{HTTPStatusCode: 400, Message: "context too long"}, exchange{}, false},
		{"401", &openai.APIError{HTTPStatusCode: 401}, exchange{}, false},
		{"404", &openai.APIError{HTTPStatusCode: 404}, exchange{}, false},
		{"malformed", &malformedError{errors.New("eof")}, exchange{}, true},
		{"bad 200", errors.New("invalid character"), exchange{status: 200}, true},
		{"connection", errors.New("connection refused"), exchange{transport: errors.New("connection refused")}, true},
		{"other", errors.New("something"), exchange{}, false},
	} {
		if got, why := classify(tc.err, &tc.ex, false, time.Second); got != tc.retry || why == "" {
			t.Errorf("%s: retry %v (%s), want %v", tc.name, got, why, tc.retry)
		}
	}
	if retry, why := classify(context.DeadlineExceeded, &exchange{}, true, 2*time.Second); !retry || why != "no response within 2s" {
		t.Errorf("timeout: %v %s", retry, why)
	}
}

// countingObserver counts requests waiting to be retried or for a rate
// limit.
type countingObserver struct {
	mu               sync.Mutex
	retrying, tokens int
	throttled        map[string]int
	everThrottled    []string
}

func (o *countingObserver) Retrying(d int) { o.mu.Lock(); o.retrying += d; o.mu.Unlock() }
func (o *countingObserver) Tokens(n int)   { o.mu.Lock(); o.tokens += n; o.mu.Unlock() }
func (o *countingObserver) Throttled(limit string, d int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.throttled == nil {
		o.throttled = map[string]int{}
	}
	o.throttled[limit] += d
	if d > 0 {
		o.everThrottled = append(o.everThrottled, limit)
	}
}

// The observer counts a request as retrying while it waits.
func TestRetrierReportsWaits(t *testing.T) {
	o := &countingObserver{}
	var during []int
	r := &retrier{
		timeout: time.Second, maxRetries: 2, backoff: Backoff{Base: Duration(time.Millisecond), Max: Duration(time.Millisecond)},
		now: time.Now, rand: func() float64 { return 0.5 },
		redact: func(s string) string { return s },
		sleep: func(context.Context, time.Duration) error {
			during = append(during, o.retrying)
			return nil
		},
	}
	calls := 0
	tries, err := r.run(WithObserver(context.Background(), o), "req", 0, func(context.Context, *exchange) error {
		calls++
		return &openai.APIError{HTTPStatusCode: 502, Message: "bad gateway"}
	})
	var f *Failure
	if !errors.As(err, &f) || tries != 3 || calls != 3 || f.Error() != "req: HTTP 502: bad gateway (after 3 tries)" || f.Tries != 3 {
		t.Errorf("tries %d, calls %d, err %v", tries, calls, err)
	}
	if len(during) != 2 || during[0] != 1 || during[1] != 1 || o.retrying != 0 {
		t.Errorf("retrying during waits %v, after %d", during, o.retrying)
	}
	// A cancelled run is not a sample error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.run(ctx, "req", 0, func(ctx context.Context, _ *exchange) error { return ctx.Err() }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
