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

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/llm"
	"github.com/occbench/occbench/rundir"
)

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
	f := NewLLMFactory(llm.Options{
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
