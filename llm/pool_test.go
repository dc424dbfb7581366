package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func testPool(clock *fakeClock, names ...string) *pool {
	var ms []*member
	for _, n := range names {
		ms = append(ms, &member{name: n})
	}
	return newPool(ms, Backoff{Base: Duration(time.Second), Max: Duration(4 * time.Second)}, clock.now, clock.sleep)
}

// pickName picks a server and returns its name, marking a probe with "?".
func pickName(t *testing.T, p *pool) (*member, string) {
	t.Helper()
	m, probe, err := p.pick(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if probe {
		return m, m.name + "?"
	}
	return m, m.name
}

// Requests go to the server with the fewest outstanding, ties in turn.
func TestPoolLeastOutstanding(t *testing.T) {
	p := testPool(newFakeClock(), "a", "b", "c")
	var got []string
	held := map[string]*member{}
	for range 3 {
		m, name := pickName(t, p)
		got = append(got, name)
		held[name] = m
	}
	p.release(held["b"], false, false) // b has none outstanding now
	for range 3 {
		_, name := pickName(t, p)
		got = append(got, name)
	}
	if want := "a b c b c a"; strings.Join(got, " ") != want {
		t.Errorf("picks %v, want %s", got, want)
	}
}

// A server that fails is out for its back-off, then probed by one request;
// a failed probe doubles the back-off up to the cap, a good one brings it
// back in.
func TestPoolBackoffAndProbe(t *testing.T) {
	clock := newFakeClock()
	p := testPool(clock, "a", "b")
	a, b := p.members[0], p.members[1]
	steps := []struct {
		do   func()
		want string // the next two picks (released at once, no faults)
	}{
		{func() {}, "a b"},
		{func() { p.release(hold(p, b), false, true) }, "a a"},                                     // b out for 1 s
		{func() { clock.advance(time.Second) }, "b? a"},                                            // its probe, and no second
		{func() { p.release(b, true, true); clock.advance(time.Second) }, "a a"},                   // probe failed: 2 s now
		{func() { clock.advance(time.Second) }, "b? a"},                                            // …
		{func() { p.release(b, true, true); clock.advance(4 * time.Second) }, "b? a"},              // 4 s
		{func() { p.release(b, true, true); clock.advance(4 * time.Second) }, "b? a"},              // capped at 4 s
		{func() { p.release(b, true, false) }, "b a"},                                              // a good probe: in
		{func() { p.release(hold(p, a), false, true); p.release(hold(p, a), false, true) }, "b b"}, // a second fault of a try sent before it went out changes nothing
		{func() { clock.advance(time.Second) }, "a? b"},
		{func() { p.release(a, true, true); clock.advance(2 * time.Second) }, "a? b"}, // 2 s, not 4
	}
	for i, s := range steps {
		s.do()
		var got []string
		for range 2 {
			m, name := pickName(t, p)
			got = append(got, name)
			if !strings.HasSuffix(name, "?") {
				p.release(m, false, false)
			}
		}
		if strings.Join(got, " ") != s.want {
			t.Errorf("step %d: picks %v, want %s", i, got, s.want)
		}
	}
}

// hold counts a try sent to m, as pick does, whichever server pick
// would choose.
func hold(p *pool, m *member) *member {
	p.mu.Lock()
	m.outstanding++
	p.mu.Unlock()
	return m
}

// An answer from a server that is out, to a try sent before, brings it
// back in at once.
func TestPoolAnswerBringsBackIn(t *testing.T) {
	p := testPool(newFakeClock(), "a", "b")
	b := p.members[1]
	early := hold(p, b)
	p.release(hold(p, b), false, true)
	p.release(early, false, false)
	if got := b.faults; got != 0 {
		t.Errorf("b has %d faults after an answer", got)
	}
}

// With every server out a request waits for the first back, and goes there
// even while its probe is in flight: a dead pool fails its requests the way
// a dead server does.
func TestPoolAllOut(t *testing.T) {
	clock := newFakeClock()
	p := testPool(clock, "a", "b")
	a, b := p.members[0], p.members[1]
	p.release(hold(p, a), false, true)
	clock.advance(500 * time.Millisecond)
	p.release(hold(p, b), false, true)
	o := &countingObserver{}
	m, probe, err := p.pick(WithObserver(context.Background(), o))
	if err != nil || m != a || !probe {
		t.Fatalf("picked %v (probe %v, %v), want a's probe", m, probe, err)
	}
	if w := clock.waited(); !equalDurations(w, []time.Duration{500 * time.Millisecond}) || o.retrying != 0 {
		t.Errorf("waited %v, retrying %d after", w, o.retrying)
	}
	if m, probe, _ := p.pick(context.Background()); m != a || probe {
		t.Errorf("second pick %v (probe %v), want a, no probe", m.name, probe)
	}
	if p.failover(b) {
		t.Error("failover with every server out")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p.release(a, true, true)
	if _, _, err := p.pick(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("pick with its context ended: %v", err)
	}
}

// A pool of one never takes its server out: the retry backoff spaces the
// retries, as before pools.
func TestPoolOfOne(t *testing.T) {
	p := testPool(newFakeClock(), "a")
	m, _ := pickName(t, p)
	p.release(m, false, true)
	if _, name := pickName(t, p); name != "a" || p.failover(m) {
		t.Errorf("pick %s, failover %v", name, p.failover(m))
	}
}

// poolServer answers chat completions, or fails with status (0: answers).
func poolServer(t *testing.T, status *atomic.Int64) (*httptest.Server, *atomic.Int64) {
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if code := int(status.Load()); code != 0 {
			w.WriteHeader(code)
			fmt.Fprintf(w, `{"error": {"message": "status %d"}}`, code)
			return
		}
		served.Add(1)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": "ok"}}}, "usage": map[string]any{"prompt_tokens": 3, "completion_tokens": 2}})
	}))
	t.Cleanup(srv.Close)
	return srv, &served
}

// Over a pool, a request a server fails with a 5xx or a refused connection
// is retried on another server at once, with no backoff; a 4xx is not the
// server's fault and stays a failure. The answer names its server, and
// the cache key does not depend on it.
func TestClientPool(t *testing.T) {
	var okStatus, badStatus atomic.Int64
	good, goodServed := poolServer(t, &okStatus)
	bad, _ := poolServer(t, &badStatus)
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	for _, tc := range []struct {
		name   string
		status int64
		urls   URLs
	}{
		{"503", 503, URLs{bad.URL + "/v1", good.URL + "/v1"}},
		{"refused", 0, URLs{dead.URL + "/v1", good.URL + "/v1/"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			badStatus.Store(tc.status)
			cfg := DefaultConfig.Clone()
			cfg.Endpoint = Endpoint{BaseURL: tc.urls, Model: "m"}
			var slept []time.Duration
			c, err := New(cfg, Options{CacheDir: t.TempDir(), Sleep: func(_ context.Context, d time.Duration) error {
				slept = append(slept, d)
				return nil
			}})
			if err != nil {
				t.Fatal(err)
			}
			before := goodServed.Load()
			for i := range 4 {
				call, _ := c.NewCall("model", "hello", fmt.Sprint("u", i), 1, 1)
				res, err := c.Complete(context.Background(), call)
				if err != nil {
					t.Fatal(err)
				}
				if res.Endpoint != good.URL+"/v1" || (i == 0) != (res.Tries == 2) {
					t.Errorf("call %d: endpoint %q after %d tries", i, res.Endpoint, res.Tries)
				}
				single := CacheKey(good.URL+"/v1", "m", call.body, fmt.Sprint("u", i), 1)
				if call.Key != CacheKey("", "m", call.body, fmt.Sprint("u", i), 1) || call.Key == single {
					t.Errorf("a pool's cache key names a server")
				}
			}
			if len(slept) != 0 || goodServed.Load()-before != 4 {
				t.Errorf("waits %v, %d answers from the good server", slept, goodServed.Load()-before)
			}
		})
	}
	// A 400 fails the request at once and leaves the server in.
	badStatus.Store(400)
	cfg := DefaultConfig.Clone()
	cfg.Endpoint = Endpoint{BaseURL: URLs{bad.URL + "/v1", good.URL + "/v1"}, Model: "m"}
	c, err := New(cfg, Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	call, _ := c.NewCall("model", "hello", "u1", 1, 1)
	var f *Failure
	if _, err := c.Complete(context.Background(), call); !errors.As(err, &f) || f.Tries != 1 || !strings.Contains(f.Msg, "HTTP 400") {
		t.Errorf("a 400: %v", err)
	}
	if m := c.retry.pool.members[0]; m.faults != 0 {
		t.Errorf("a 400 took its server out")
	}
}

// A single URL keeps the cache keys it always had.
func TestCacheKeyOfOneURL(t *testing.T) {
	const want = "8a9498a4265707971381d2e4993b1d815ebac470e33d91b67a73674fa67ebb29" // before pools
	if got := CacheKey("http://localhost:8000/v1", "qwen3-8b", []byte(`{"model":"qwen3-8b"}`), "u0001", 1); got != want {
		t.Errorf("key %s, want %s", got, want)
	}
	cfg := DefaultConfig.Clone()
	cfg.Endpoint = Endpoint{BaseURL: URLs{"http://localhost:8000/v1/"}, Model: "m"}
	c, err := New(cfg, Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	call, _ := c.NewCall("model", "hi", "u1", 1, 1)
	if call.Key != CacheKey("http://localhost:8000/v1", "m", call.body, "u1", 1) {
		t.Error("a single URL's key changed")
	}
}

// The pool's overhead per request: pick and release over four servers.
func BenchmarkPoolPick(b *testing.B) {
	p := newPool([]*member{{name: "a"}, {name: "b"}, {name: "c"}, {name: "d"}}, DefaultPoolBackoff, time.Now, sleepCtx)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m, probe, err := p.pick(ctx)
			if err != nil {
				b.Fatal(err)
			}
			p.release(m, probe, false)
		}
	})
}
