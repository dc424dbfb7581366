package runners

import (
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/rundir"
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

// The progress line counts a request as retrying while it waits.
func TestRetrierReportsWaits(t *testing.T) {
	p := newProgress(nil, "m", 1, time.Now)
	var during []int64
	r := &retrier{
		timeout: time.Second, maxRetries: 2, backoff: Backoff{Base: Duration(time.Millisecond), Max: Duration(time.Millisecond)},
		now: time.Now, rand: func() float64 { return 0.5 }, progress: func() *Progress { return p },
		redact: func(s string) string { return s },
		sleep: func(context.Context, time.Duration) error {
			during = append(during, p.retrying.Load())
			return nil
		},
	}
	calls := 0
	tries, err := r.run(context.Background(), "req", func(context.Context, *exchange) error {
		calls++
		return &openai.APIError{HTTPStatusCode: 502, Message: "bad gateway"}
	})
	var ce *callError
	if !errors.As(err, &ce) || tries != 3 || calls != 3 || ce.Error() != "req: HTTP 502: bad gateway (after 3 tries)" {
		t.Errorf("tries %d, calls %d, err %v", tries, calls, err)
	}
	if len(during) != 2 || during[0] != 1 || during[1] != 1 || p.retrying.Load() != 0 {
		t.Errorf("retrying during waits %v, after %d", during, p.retrying.Load())
	}
	// A cancelled run is not a sample error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.run(ctx, "req", func(ctx context.Context, _ *exchange) error { return ctx.Err() }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// roundTripFunc is an http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// errReader fails after its first bytes, like a connection cut mid-body.
type errReader struct{ sent bool }

func (e *errReader) Read(p []byte) (int, error) {
	if e.sent {
		return 0, io.ErrUnexpectedEOF
	}
	e.sent = true
	return copy(p, `{"choices": [`), nil
}
func (e *errReader) Close() error { return nil }

// The llm runner on its own (no engine, no server): an injected transport
// that refuses the first connection and cuts the second response short;
// the third try answers. The waits go through the injected sleep.
func TestLLMInjectedTransport(t *testing.T) {
	var tries int
	var slept []time.Duration
	transport := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		tries++
		switch tries {
		case 1:
			return nil, errors.New("dial tcp: connection refused")
		case 2:
			return &http.Response{StatusCode: 200, Header: http.Header{}, Body: &errReader{}, Request: r}, nil
		}
		body := `{"choices":[{"message":{"role":"assistant","content":"<answer>Software Developers</answer>"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3}}`
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
	})
	s, _ := rundir.ParseSuite([]byte("name: x\ntest: t\nrunners:\n  - {name: m, kind: llm, mode: joint, endpoint: {base_url: 'http://nowhere.invalid/v1', model: m}, backoff: {base: 2s, max: 8s}}\n"))
	f := NewLLMFactory(LLMOptions{
		Transport: transport,
		Sleep:     func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil },
		Rand:      func() float64 { return 0.5 },
	})
	r, _, err := f(&s.Runners[0])
	if err != nil {
		t.Fatal(err)
	}
	lr := r.(*llmRunner)
	if err := lr.Prepare(context.Background(), &Env{RunDir: filepath.Join(t.TempDir(), "run")}); err != nil {
		t.Fatal(err)
	}
	p, err := lr.Predict(context.Background(), &bench.Example{UserID: "u1"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Code != "15-1252.00" || p.Calls[0].Tries != 3 || tries != 3 {
		t.Errorf("prediction %+v after %d tries", p, tries)
	}
	if len(slept) != 2 || slept[0] != time.Second || slept[1] != 2*time.Second {
		t.Errorf("waits %v, want [1s 2s] (half of 2 s, then of 4 s)", slept)
	}
}
