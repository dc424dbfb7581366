package runners

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/occbench/occbench/llm/llmtest"
	"github.com/occbench/occbench/rundir"
)

// fakeServers starts n fake model servers answering after latency.
func fakeServers(t *testing.T, n int, latency time.Duration) []*llmtest.Server {
	var srvs []*llmtest.Server
	for range n {
		s := llmtest.New(t, llmtest.NoFaults)
		s.Set(func(f *llmtest.Server) { f.Latency, f.DropBodies = latency, true })
		srvs = append(srvs, s)
	}
	return srvs
}

// poolURLs is a suite's list of the servers' base URLs.
func poolURLs(srvs ...*llmtest.Server) string {
	var q []string
	for _, s := range srvs {
		q = append(q, fmt.Sprintf("%q", s.URL()))
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// byEndpoint counts the predictions' answered calls per endpoint, failing
// on any error.
func byEndpoint(t *testing.T, preds map[string]rundir.Prediction) map[string]int {
	t.Helper()
	n := map[string]int{}
	for u, p := range preds {
		if p.Error != "" || p.Code == "" {
			t.Errorf("%s: error %q, code %q", u, p.Error, p.Code)
		}
		for _, c := range p.Calls {
			n[c.Endpoint]++
		}
	}
	return n
}

// whenServed runs fn once srv has answered n requests, or never if the
// test ends first; done is closed after fn.
func whenServed(t *testing.T, srv *llmtest.Server, n int, fn func()) (done chan struct{}) {
	done = make(chan struct{})
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go func() {
		for srv.TotalSuccesses() < n {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
		fn()
		close(done)
	}()
	return done
}

// The check: a 600-user run over a pool of two servers, one of
// which dies part-way (once it has answered 150 requests: a point in the
// run, which a loaded machine cannot move), answers every user with no
// error; both servers answered, and the records name them.
func TestPoolSurvivesAKilledServer(t *testing.T) {
	const users = 600
	dir := t.TempDir()
	test, exs := llmTestSet(t, dir, users)
	srvs := fakeServers(t, 2, 2*time.Millisecond)
	a, b := srvs[0], srvs[1]
	killed := whenServed(t, b, 150, b.Kill)
	out := filepath.Join(dir, "run")
	s := llmSuite(t, test, out, filepath.Join(dir, "cache"), fmt.Sprintf(
		"  - {name: m, kind: llm, mode: joint, endpoint: {base_url: %s, model: qwen3-8b}, concurrency: 16}\n", poolURLs(a, b)))
	start := time.Now()
	if _, err := Run(context.Background(), s, Options{}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-killed:
	default:
		t.Fatal("the run ended before the server was killed")
	}
	preds := readPreds(t, rundir.PredictionsPath(out, "m"))
	if len(preds) != users {
		t.Fatalf("%d users recorded, want %d", len(preds), users)
	}
	for _, ex := range exs {
		if p := preds[ex.UserID]; p.Code != ex.TargetCode {
			t.Errorf("%s: code %s, want %s", ex.UserID, p.Code, ex.TargetCode)
		}
	}
	n := byEndpoint(t, preds)
	if n[a.URL()] == 0 || n[b.URL()] == 0 || n[a.URL()]+n[b.URL()] != users {
		t.Errorf("answers by endpoint %v, want both of %s and %s, %d in all", n, a.URL(), b.URL(), users)
	}
	if b.TotalSuccesses() < 150 || a.TotalSuccesses() == 0 {
		t.Errorf("served: a %d, b %d", a.TotalSuccesses(), b.TotalSuccesses())
	}
	t.Logf("%v; answered by a %d, by b %d (b killed after %d)", time.Since(start).Round(time.Millisecond), n[a.URL()], n[b.URL()], b.TotalSuccesses())
}

// A server that fails (503s) is out for its back-off; once it answers
// again it takes requests again.
func TestPoolServerComesBack(t *testing.T) {
	const users = 300
	dir := t.TempDir()
	test, _ := llmTestSet(t, dir, users)
	srvs := fakeServers(t, 2, 5*time.Millisecond)
	a, b := srvs[0], srvs[1]
	b.SetPlan(func(uint32, int) llmtest.Fault { return llmtest.Fault503 })
	back := whenServed(t, a, 50, func() { b.SetPlan(llmtest.NoFaults) })
	out := filepath.Join(dir, "run")
	s := llmSuite(t, test, out, filepath.Join(dir, "cache"), fmt.Sprintf(
		"  - {name: m, kind: llm, mode: joint, endpoint: {base_url: %s, model: m}, concurrency: 4, backoff: {base: 1ms, max: 2ms}, pool_backoff: {base: 10ms, max: 20ms}}\n", poolURLs(a, b)))
	if _, err := Run(context.Background(), s, Options{}); err != nil {
		t.Fatal(err)
	}
	<-back
	n := byEndpoint(t, readPreds(t, rundir.PredictionsPath(out, "m")))
	failed := 0
	for _, k := range b.Sent() {
		failed += k
	}
	failed -= b.TotalSuccesses()
	if n[b.URL()] == 0 || failed == 0 {
		t.Errorf("answers by endpoint %v; b failed %d requests before it came back", n, failed)
	}
}

// Least outstanding requests: the fast server of a pool answers far more
// than the slow one, which still gets its share.
func TestPoolFavoursTheFastServer(t *testing.T) {
	const users = 200
	dir := t.TempDir()
	test, _ := llmTestSet(t, dir, users)
	fast, slow := fakeServers(t, 1, time.Millisecond)[0], fakeServers(t, 1, 200*time.Millisecond)[0]
	out := filepath.Join(dir, "run")
	s := llmSuite(t, test, out, filepath.Join(dir, "cache"), fmt.Sprintf(
		"  - {name: m, kind: llm, mode: joint, endpoint: {base_url: %s, model: m}, concurrency: 8}\n", poolURLs(slow, fast)))
	if _, err := Run(context.Background(), s, Options{}); err != nil {
		t.Fatal(err)
	}
	n := byEndpoint(t, readPreds(t, rundir.PredictionsPath(out, "m")))
	if n[slow.URL()] == 0 || n[fast.URL()] < 3*n[slow.URL()] {
		t.Errorf("answers: fast %d, slow %d; want the fast one at least 3 times the slow", n[fast.URL()], n[slow.URL()])
	}
	t.Logf("fast %d, slow %d", n[fast.URL()], n[slow.URL()])
}

// Every server of the pool down: the run takes the usual path of a dead
// endpoint, every user recorded with the connection error, and the run's
// error gives it.
func TestPoolAllDown(t *testing.T) {
	dir := t.TempDir()
	test, _ := llmTestSet(t, dir, 12)
	srvs := fakeServers(t, 2, 0)
	for _, s := range srvs {
		s.Kill()
	}
	out := filepath.Join(dir, "run")
	s := llmSuite(t, test, out, filepath.Join(dir, "cache"), fmt.Sprintf(
		"  - {name: m, kind: llm, mode: joint, endpoint: {base_url: %s, model: m}, max_retries: 2, backoff: {base: 1ms, max: 2ms}, pool_backoff: {base: 1ms, max: 2ms}}\n", poolURLs(srvs...)))
	_, err := Run(context.Background(), s, Options{})
	if err == nil || !strings.Contains(err.Error(), "every one of the 12 users it predicted failed, the first with: model request: connection:") {
		t.Fatalf("error %v", err)
	}
	for u, p := range readPreds(t, rundir.PredictionsPath(out, "m")) {
		if !strings.Contains(p.Error, "connection refused") || !strings.Contains(p.Error, "(after 3 tries)") {
			t.Errorf("%s: error %q", u, p.Error)
		}
	}
}

// The cache key of a pool's request does not name the server that
// answered: a rerun over other servers answers every user from the cache.
func TestPoolCacheKeysNameNoServer(t *testing.T) {
	dir := t.TempDir()
	test, _ := llmTestSet(t, dir, 20)
	cache := filepath.Join(dir, "cache")
	entry := "  - {name: m, kind: llm, mode: joint, endpoint: {base_url: %s, model: m}}\n"
	first, second := fakeServers(t, 2, 0), fakeServers(t, 2, 0)
	run := func(name string, srvs []*llmtest.Server) map[string]rundir.Prediction {
		out := filepath.Join(dir, name)
		if _, err := Run(context.Background(), llmSuite(t, test, out, cache, fmt.Sprintf(entry, poolURLs(srvs...))), Options{}); err != nil {
			t.Fatal(err)
		}
		return readPreds(t, rundir.PredictionsPath(out, "m"))
	}
	was, now := run("first", first), run("second", second)
	for u, p := range now {
		c := p.Calls[0]
		if c.Source != "cache" || c.Endpoint != "" || c.CacheKey != was[u].Calls[0].CacheKey || p.Code != was[u].Code {
			t.Errorf("%s: rerun call %+v, first %+v", u, c, was[u].Calls[0])
		}
	}
	if n := second[0].TotalSuccesses() + second[1].TotalSuccesses(); n != 0 {
		t.Errorf("the rerun sent %d requests", n)
	}
}

// A run under rate_limit keeps to a provider's limits: the server,
// enforcing the same limits, never answers 429, and the run takes at least
// the time the limits allow. The same run without rate_limit draws 429s.
func TestRateLimitKeepsUnderTheProvidersLimit(t *testing.T) {
	for _, tc := range []struct {
		name    string
		users   int
		limits  llmtest.Limits
		setting string
		atLeast time.Duration
	}{
		// Two requests a second with a burst of two: the 12th goes at 5 s.
		{"requests", 12, llmtest.Limits{RequestsPerMinute: 120}, "{requests_per_minute: 120}", 4 * time.Second},
		// 750 tokens a second, a burst of 45,000; a user's request is about
		// 375 tokens (404 estimated with max_tokens 64, then refunded), so
		// 130 users need about 5 s.
		{"tokens", 130, llmtest.Limits{TokensPerMinute: 45000}, "{tokens_per_minute: 45000}", 3 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			test, _ := llmTestSet(t, dir, tc.users)
			limited := func(kind, rateLimit string) (*llmtest.Server, map[string]rundir.Prediction, time.Duration) {
				srv := llmtest.New(t, llmtest.NoFaults)
				srv.Set(func(f *llmtest.Server) { f.Limits = tc.limits })
				out := filepath.Join(dir, kind)
				s := llmSuite(t, test, out, filepath.Join(dir, kind+"-cache"), fmt.Sprintf(
					"  - {name: m, kind: %s, mode: joint, endpoint: {base_url: %q, model: m}, max_tokens: 64, concurrency: 8, max_retries: 0%s}\n", kind, srv.URL(), rateLimit))
				start := time.Now()
				Run(context.Background(), s, Options{}) // a control run's 429s fail its users
				return srv, readPreds(t, rundir.PredictionsPath(out, "m")), time.Since(start)
			}
			srv, preds, took := limited("llm", ", rate_limit: "+tc.setting)
			byEndpoint(t, preds)
			if srv.Limited() != 0 || len(preds) != tc.users || took < tc.atLeast {
				t.Errorf("%d users in %v with %d 429s; want %d users, no 429, at least %v", len(preds), took, srv.Limited(), tc.users, tc.atLeast)
			}
			control, _, _ := limited("llm-fast", "")
			if control.Limited() == 0 {
				t.Error("without rate_limit the server never answered 429: the test does not bind")
			}
			t.Logf("%d users in %v", len(preds), took.Round(time.Millisecond))
		})
	}
}
