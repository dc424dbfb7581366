package runners

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/internal/fixture"
	"github.com/occbench/occbench/llm"
	"github.com/occbench/occbench/llm/llmtest"
	"github.com/occbench/occbench/metrics"
	"github.com/occbench/occbench/prompt"
	"github.com/occbench/occbench/rundir"
)

// fastSleep replaces backoff waits in the "llm-fast" kind: it records each
// wait and sleeps at most a millisecond, so retry tests take no time.
var fastSleep struct {
	mu    sync.Mutex
	waits []time.Duration
}

func resetWaits() {
	fastSleep.mu.Lock()
	fastSleep.waits = nil
	fastSleep.mu.Unlock()
}

func waits() []time.Duration {
	fastSleep.mu.Lock()
	defer fastSleep.mu.Unlock()
	return append([]time.Duration(nil), fastSleep.waits...)
}

func init() {
	Register("llm-fast", 8, NewLLMFactory(llm.Options{
		Sleep: func(ctx context.Context, d time.Duration) error {
			fastSleep.mu.Lock()
			fastSleep.waits = append(fastSleep.waits, d)
			fastSleep.mu.Unlock()
			select {
			case <-time.After(min(d, time.Millisecond)):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		},
	}))
}

// llmTestSet writes llmtest.Careers(n) as a test set.
func llmTestSet(t testing.TB, dir string, n int) (string, []*bench.Example) {
	t.Helper()
	exs := llmtest.Careers(n)
	path := filepath.Join(dir, "test.arrow")
	if err := bench.WriteExamples(path, exs, nil); err != nil {
		t.Fatal(err)
	}
	return path, exs
}

// llmSuite is a suite over test with the given runner entries (YAML list
// items), writing to out and caching in cache.
func llmSuite(t testing.TB, test, out, cache, runners string) *rundir.Suite {
	t.Helper()
	s, err := rundir.ParseSuite([]byte(fmt.Sprintf("name: t\ntest: %s\nout: %s\ncache: %s\nmetrics: {bootstrap: 10}\nrunners:\n%s", test, out, cache, runners)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// readPreds reads a predictions file, failing on a user recorded twice.
func readPreds(t testing.TB, path string) map[string]rundir.Prediction {
	t.Helper()
	out := map[string]rundir.Prediction{}
	err := rundir.EachPrediction(path, func(p *rundir.Prediction) error {
		if _, dup := out[p.UserID]; dup {
			t.Errorf("%s: user %s recorded twice", path, p.UserID)
		}
		out[p.UserID] = *p
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkOnce fails unless every body the server answered successfully was
// answered once.
func checkOnce(t *testing.T, srv *llmtest.Server) {
	t.Helper()
	for d, n := range srv.SuccessCounts() {
		if n != 1 {
			t.Errorf("request %.12s answered successfully %d times", d, n)
		}
	}
}

func TestLLMModesAgainstServer(t *testing.T) {
	const users = 120
	dir := t.TempDir()
	test, exs := llmTestSet(t, dir, users)
	for _, mode := range []string{"cot", "direct", "joint", "two-model"} {
		t.Run(mode, func(t *testing.T) {
			srv := llmtest.New(t, llmtest.MixedFaults(false))
			out := filepath.Join(dir, mode, "run")
			s := llmSuite(t, test, out, filepath.Join(dir, mode, "cache"), fmt.Sprintf(
				"  - {name: m, kind: llm-fast, mode: %s, endpoint: {base_url: %q, model: qwen3-8b}, concurrency: 8, max_retries: 3, backoff: {base: 1ms, max: 4ms}}\n", mode, srv.URL()))
			if _, err := Run(context.Background(), s, Options{}); err != nil {
				t.Fatal(err)
			}
			preds := readPreds(t, rundir.PredictionsPath(out, "m"))
			if len(preds) != users {
				t.Fatalf("%d users recorded, want %d", len(preds), users)
			}
			checkOnce(t, srv)
			parses := map[string]int{}
			for _, ex := range exs {
				p := preds[ex.UserID]
				parses[p.Parse]++
				switch {
				case p.Error != "":
					t.Errorf("%s: error %q", ex.UserID, p.Error)
				case p.Parse == prompt.ParseTruncated || p.Parse == prompt.ParseUnclosedThink:
					if p.Code != "" || p.Mapping != "none" {
						t.Errorf("%s: truncated output mapped to %s (%s)", ex.UserID, p.Code, p.Mapping)
					}
				case p.Code != ex.TargetCode:
					t.Errorf("%s: code %q (answer %q, parse %s, raw %q), want %s", ex.UserID, p.Code, p.Answer, p.Parse, p.Raw, ex.TargetCode)
				}
				wantCalls := 1
				if mode == "two-model" {
					wantCalls = 2
					if p.Calls[0].Role != "reasoner" || !strings.Contains(p.Reason, "career moves") {
						t.Errorf("%s: reasoner call %+v, reason %q", ex.UserID, p.Calls[0], p.Reason)
					}
				}
				if len(p.Calls) != wantCalls || p.CacheKey != p.Calls[len(p.Calls)-1].CacheKey || p.PromptTokens == 0 {
					t.Errorf("%s: calls %+v, cache key %s, prompt tokens %d", ex.UserID, p.Calls, p.CacheKey, p.PromptTokens)
				}
				if p.Parse == prompt.ParseTag && mode != "two-model" && p.Reason == "" && !strings.HasPrefix(p.Raw, "```") && !strings.HasPrefix(p.Raw, "<answer>") {
					t.Errorf("%s: no reasoning kept from %q", ex.UserID, p.Raw)
				}
			}
			// The plan gives every kind of odd answer to some user.
			for _, k := range []string{prompt.ParseTag, prompt.ParseAnswerLine, prompt.ParseLastLine, prompt.ParseTruncated} {
				if parses[k] == 0 && mode != "two-model" {
					t.Errorf("no answer parsed as %s: %v", k, parses)
				}
			}
			man, err := rundir.ReadManifest(filepath.Join(out, rundir.ManifestFile))
			if err != nil {
				t.Fatal(err)
			}
			info := man.Runners["m"].Info
			if info["history_format"] != "v1" || info["backend"] != "chat" || info["prompts"] == nil {
				t.Errorf("manifest info %v", info)
			}
		})
	}
}

func TestLLMRetryAfterAndExhaustion(t *testing.T) {
	dir := t.TempDir()
	test, _ := llmTestSet(t, dir, 12)
	t.Run("retry-after", func(t *testing.T) {
		resetWaits()
		// Every body: 429 with Retry-After seconds, then an HTTP date, then an answer.
		srv := llmtest.New(t, func(h uint32, attempt int) llmtest.Fault {
			switch attempt {
			case 1:
				return llmtest.Fault429
			case 2:
				return llmtest.Fault429Date
			}
			return llmtest.AnswerOK
		})
		out := filepath.Join(dir, "ra")
		s := llmSuite(t, test, out, filepath.Join(dir, "ra-cache"), fmt.Sprintf(
			"  - {name: m, kind: llm-fast, mode: joint, endpoint: {base_url: %q, model: m}, backoff: {base: 1ms, max: 2ms}}\n", srv.URL()))
		if _, err := Run(context.Background(), s, Options{}); err != nil {
			t.Fatal(err)
		}
		for u, p := range readPreds(t, rundir.PredictionsPath(out, "m")) {
			if p.Error != "" || p.Calls[0].Tries != 3 {
				t.Errorf("%s: error %q after %d tries", u, p.Error, p.Calls[0].Tries)
			}
		}
		w := waits()
		if len(w) != 24 {
			t.Fatalf("%d waits, want 24", len(w))
		}
		for _, d := range w {
			// Retry-After: 1, and a date 2 s ahead (1 s at second precision).
			if d < 900*time.Millisecond || d > 2*time.Second+50*time.Millisecond {
				t.Errorf("waited %v after a 429 with Retry-After", d)
			}
		}
	})
	t.Run("exhausted", func(t *testing.T) {
		srv := llmtest.New(t, func(uint32, int) llmtest.Fault { return llmtest.Fault503 })
		out := filepath.Join(dir, "ex")
		s := llmSuite(t, test, out, filepath.Join(dir, "ex-cache"), fmt.Sprintf(
			"  - {name: m, kind: llm-fast, mode: cot, endpoint: {base_url: %q, model: m}, max_retries: 2, backoff: {base: 1ms, max: 2ms}}\n", srv.URL()))
		// Every request failed: the run is written and scored, and its
		// error gives the cause.
		scores, err := Run(context.Background(), s, Options{})
		if scores == nil || err == nil || !strings.Contains(err.Error(), "every one of the 12 users it predicted failed, the first with: model request: HTTP 503") {
			t.Fatalf("scores %v, err %v", scores, err)
		}
		preds := readPreds(t, rundir.PredictionsPath(out, "m"))
		for u, p := range preds {
			if !strings.Contains(p.Error, "HTTP 503") || !strings.Contains(p.Error, "after 3 tries") || p.Mapping != "none" {
				t.Errorf("%s: error %q mapping %q", u, p.Error, p.Mapping)
			}
		}
		if len(preds) != 12 || scores.Runners["m"].Errors != metrics.Num(1) {
			t.Errorf("%d records, error rate %v", len(preds), scores.Runners["m"].Errors)
		}
		for d, n := range srv.Sent() {
			if n != 3 {
				t.Errorf("body %.12s sent %d times, want 3", d, n)
			}
		}
		// --retry-errors once the server has recovered: every user ends with one good record.
		srv.SetPlan(llmtest.NoFaults)
		if _, err := Run(context.Background(), s, Options{Resume: true, RetryErrors: true}); err != nil {
			t.Fatal(err)
		}
		for u, p := range readPreds(t, rundir.PredictionsPath(out, "m")) {
			if p.Error != "" || p.Code == "" {
				t.Errorf("%s after --retry-errors: %+v", u, p)
			}
		}
	})
}

// TestLLMRequestDeadline: a request the server never answers is given up at
// the timeout and retried. The timeout leaves the answering retry room under
// the race detector on a loaded machine (150 ms did not).
func TestLLMRequestDeadline(t *testing.T) {
	dir := t.TempDir()
	test, exs := llmTestSet(t, dir, 8)
	srv := llmtest.New(t, func(_ uint32, attempt int) llmtest.Fault {
		if attempt == 1 {
			return llmtest.FaultHang
		}
		return llmtest.AnswerOK
	})
	out := filepath.Join(dir, "run")
	s := llmSuite(t, test, out, filepath.Join(dir, "cache"), fmt.Sprintf(
		"  - {name: m, kind: llm-fast, mode: joint, endpoint: {base_url: %q, model: m}, timeout: 1s, backoff: {base: 1ms, max: 2ms}}\n", srv.URL()))
	start := time.Now()
	if _, err := Run(context.Background(), s, Options{}); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("a hanging server held the run for %v", el)
	}
	preds := readPreds(t, rundir.PredictionsPath(out, "m"))
	for _, ex := range exs {
		if p := preds[ex.UserID]; p.Error != "" || p.Code != ex.TargetCode || p.Calls[0].Tries != 2 {
			t.Errorf("%s: %+v", ex.UserID, p)
		}
	}
	checkOnce(t, srv)
}

func TestLLMSendsSamplingSettings(t *testing.T) {
	dir := t.TempDir()
	test, _ := llmTestSet(t, dir, 3)
	srv := llmtest.New(t, llmtest.NoFaults)
	out := filepath.Join(dir, "run")
	s := llmSuite(t, test, out, filepath.Join(dir, "cache"), fmt.Sprintf(`  - name: m
    kind: llm-fast
    mode: joint
    endpoint: {base_url: %q, model: qwen3-8b}
    temperature: 0
    seed: 7
    n: 3
    stop: ["</answer>"]
    max_tokens: 512
    extra_body: {chat_template_kwargs: {enable_thinking: false}}
  - name: defaults
    kind: llm-fast
    endpoint: {base_url: %q, model: qwen3-8b}
    top_p: 0.9
    temperature: null
`, srv.URL(), srv.URL()))
	if _, err := Run(context.Background(), s, Options{}); err != nil {
		t.Fatal(err)
	}
	bodies := srv.Requests()
	if len(bodies) != 6 {
		t.Fatalf("%d requests, want 6", len(bodies))
	}
	for _, b := range bodies {
		if b["top_p"] != nil { // the first runner
			if _, sent := b["temperature"]; sent || b["top_p"] != 0.9 || b["max_tokens"] != 4096.0 {
				t.Errorf("defaults runner sent %v", b)
			}
			continue
		}
		temp, sent := b["temperature"]
		if !sent || temp != 0.0 {
			t.Errorf("temperature 0 was not sent: %v", b)
		}
		kw, _ := b["chat_template_kwargs"].(map[string]any)
		if b["seed"] != 7.0 || b["n"] != 3.0 || b["max_tokens"] != 512.0 || fmt.Sprint(b["stop"]) != "[</answer>]" || kw["enable_thinking"] != false {
			t.Errorf("request body %v", b)
		}
	}
	// n: 3 — choices 0 and 2 agree, so they win the vote; Ranked holds both codes.
	for u, p := range readPreds(t, rundir.PredictionsPath(out, "m")) {
		if len(p.Ranked) != 2 || p.Ranked[0] != p.Code || p.Scores[0] < 0.66 || p.Scores[0] > 0.67 {
			t.Errorf("%s: vote %v %v code %s", u, p.Ranked, p.Scores, p.Code)
		}
	}
}

func TestCacheKeyCoversEverySetting(t *testing.T) {
	ex := &bench.Example{UserID: "u1", History: []bench.Record{{Kind: bench.Job, Title: "Dev", Occupation: "Software Developers", Start: bench.DateOf(2020, 1, 1)}}}
	cache := t.TempDir()
	key := func(t *testing.T, extra, apiKey string) string {
		t.Helper()
		s, err := rundir.ParseSuite([]byte("name: k\ntest: t\nrunners:\n  - name: m\n    kind: llm\n    mode: joint\n    endpoint: {base_url: 'http://h/v1', model: m, api_key_env: K}\n" + extra))
		if err != nil {
			t.Fatal(err)
		}
		r, _, err := New(&s.Runners[0])
		if err != nil {
			t.Fatal(err)
		}
		lr := r.(*llmRunner)
		c, err := llm.New(lr.s.Config, llm.Options{CacheDir: cache, Getenv: func(string) string { return apiKey }})
		if err != nil {
			t.Fatal(err)
		}
		hist, _ := prompt.SerializeHistory(ex, lr.s.HistoryFormat)
		text, _ := lr.prompt.Render(prompt.Data{History: hist})
		call, err := c.NewCall("model", text, ex.UserID, lr.s.Attempt, lr.s.N)
		if err != nil {
			t.Fatal(err)
		}
		return call.Key
	}
	base := key(t, "", "k")
	tmpl := filepath.Join(t.TempDir(), "p.tmpl")
	fixture.Write(t, tmpl, "Predict from {{.History}}")
	seen := map[string]string{base: "base"}
	for _, extra := range []string{
		"    temperature: 0.7\n",
		"    temperature: null\n",
		"    top_p: 0.95\n",
		"    max_tokens: 100\n",
		"    max_completion_tokens: 100\n",
		"    seed: 1\n",
		"    seed: 2\n",
		"    n: 2\n",
		"    stop: [x]\n",
		"    extra_body: {reasoning_effort: low}\n",
		"    attempt: 2\n",
		"    prompt: " + tmpl + "\n",
	} {
		k := key(t, extra, "k")
		if prev, dup := seen[k]; dup {
			t.Errorf("setting %q gives the key of %q", strings.TrimSpace(extra), prev)
		}
		seen[k] = extra
	}
	if key(t, "", "another-key") != base {
		t.Error("the API key changed the cache key")
	}
}

func TestCacheServesRerun(t *testing.T) {
	dir := t.TempDir()
	test, _ := llmTestSet(t, dir, 30)
	srv := llmtest.New(t, llmtest.MixedFaults(false))
	cache := filepath.Join(dir, "cache")
	entry := fmt.Sprintf("  - {name: m, kind: llm-fast, mode: two-model, endpoint: {base_url: %q, model: m}, backoff: {base: 1ms, max: 2ms}}\n", srv.URL())
	if _, err := Run(context.Background(), llmSuite(t, test, filepath.Join(dir, "a"), cache, entry), Options{}); err != nil {
		t.Fatal(err)
	}
	sent := len(srv.Requests())
	first := readPreds(t, rundir.PredictionsPath(filepath.Join(dir, "a"), "m"))
	// A new run directory over the same cache sends nothing.
	if _, err := Run(context.Background(), llmSuite(t, test, filepath.Join(dir, "b"), cache, entry), Options{}); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Requests()); n != sent {
		t.Errorf("the rerun sent %d requests", n-sent)
	}
	for u, p := range readPreds(t, rundir.PredictionsPath(filepath.Join(dir, "b"), "m")) {
		if p.Calls[0].Source != "cache" || p.Calls[1].Source != "cache" || p.Raw != first[u].Raw || p.CacheKey != first[u].CacheKey {
			t.Errorf("%s: rerun record differs: %+v", u, p)
		}
	}
	// The default cache sits beside the run directory.
	if got := rundir.DefaultCacheDir(filepath.Join(dir, "runs", "r1")); got != filepath.Join(dir, "runs", ".occbench-cache") {
		t.Errorf("default cache %s", got)
	}
}

func TestLLMSettingsErrors(t *testing.T) {
	for _, tc := range []struct{ name, entry, want string }{
		{"mode", "mode: chat, endpoint: {base_url: 'http://h/v1', model: m}", `mode "chat"`},
		{"no url", "endpoint: {model: m}", "endpoint.base_url: missing"},
		{"bad url", "endpoint: {base_url: 'localhost:8000', model: m}", "want an http(s) URL"},
		{"key in url", "endpoint: {base_url: 'http://u:p@h/v1', model: m}", "credentials"},
		{"no model", "endpoint: {base_url: 'http://h/v1'}", "endpoint.model: missing"},
		{"misspelt", "endpoint: {base_url: 'http://h/v1', model: m}, temprature: 0", "temprature"},
		{"top_p", "endpoint: {base_url: 'http://h/v1', model: m}, top_p: 0", "top_p 0"},
		{"reasoner in cot", "endpoint: {base_url: 'http://h/v1', model: m}, reasoner: {temperature: 1}", "only the two-model"},
		{"reasoner n", "mode: two-model, endpoint: {base_url: 'http://h/v1', model: m}, reasoner: {n: 2}", "reasoner.n 2"},
		{"reasoner misspelt", "mode: two-model, endpoint: {base_url: 'http://h/v1', model: m}, reasoner: {modle: x}", "modle"},
		{"timeout", "endpoint: {base_url: 'http://h/v1', model: m}, timeout: soon", "duration"},
		{"history", "endpoint: {base_url: 'http://h/v1', model: m}, history_format: v9", "history_format"},
		{"prompt", "endpoint: {base_url: 'http://h/v1', model: m}, prompt: /nonexistent.tmpl", "nonexistent.tmpl"},
		{"o-series", "endpoint: {base_url: 'http://h/v1', model: o3-mini}", "max_completion_tokens"},
		{"base_url mapping", "endpoint: {base_url: {a: 'http://h/v1'}, model: m}", "endpoint.base_url: want one URL or a list of URLs, not a mapping"},
		{"pool member", "endpoint: {base_url: ['http://a/v1', 'localhost:8000'], model: m}", `endpoint.base_url[1] "localhost:8000": want an http(s) URL`},
		{"pool twice", "endpoint: {base_url: ['http://a/v1', 'http://a/v1/'], model: m}", "listed twice"},
		{"pool backoff", "endpoint: {base_url: ['http://a/v1', 'http://b/v1'], model: m}, pool_backoff: {base: 2s, max: 1s}", "pool_backoff {base: 2s, max: 1s}: want 0 < base <= max"},
		{"reasoner pool", "mode: two-model, endpoint: {base_url: 'http://h/v1', model: m}, reasoner: {endpoint: {base_url: ['http://a/v1', 'ftp://b']}}", `reasoner.endpoint.base_url[1] "ftp://b"`},
		{"batch pool", "endpoint: {base_url: ['http://a/v1', 'http://b/v1'], model: m}, batch: true", "endpoint.base_url: the Batch API takes one URL, not a pool of 2 (batch: true)"},
		{"rate limit", "endpoint: {base_url: 'http://h/v1', model: m}, rate_limit: {requests_per_minute: -60}", "rate_limit.requests_per_minute -60: want 0 (no limit) or more"},
		{"rate limit misspelt", "endpoint: {base_url: 'http://h/v1', model: m}, rate_limit: {rpm: 60}", `unknown setting "rate_limit.rpm"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := rundir.ParseSuite([]byte("name: x\ntest: t\nrunners:\n  - {name: m, kind: llm, " + tc.entry + "}\n"))
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = New(&s.Runners[0])
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
	// The reasoner inherits what it does not set, and never shares the predictor's values.
	s, _ := rundir.ParseSuite([]byte("name: x\ntest: t\nrunners:\n  - {name: m, kind: llm, mode: two-model, n: 3, temperature: 0.5, endpoint: {base_url: 'http://h/v1', model: pred, api_key_env: K}, reasoner: {endpoint: {model: reas}, temperature: 0}}\n"))
	_, set, err := New(&s.Runners[0])
	if err != nil {
		t.Fatal(err)
	}
	ls := set.(*LLMSettings)
	r := ls.Reasoner
	if r.Endpoint.Model != "reas" || r.Endpoint.BaseURL.String() != "http://h/v1" || r.Endpoint.APIKeyEnv != "K" || *r.Temperature != 0 || r.N != 1 || *ls.Temperature != 0.5 || ls.N != 3 {
		t.Errorf("reasoner %+v (temperature %v), predictor temperature %v", r, *r.Temperature, *ls.Temperature)
	}
}

// A single URL's settings read in the manifest as they did before pools;
// a pool's record its back-off, the default where it leaves one out.
func TestLLMSettingsOfPools(t *testing.T) {
	for _, tc := range []struct {
		name, entry string
		json        []string // in the manifest's settings
		absent      []string
	}{
		{"one URL", "endpoint: {base_url: 'http://h/v1', model: m}, pool_backoff: {max: 10s}",
			[]string{`"base_url":"http://h/v1"`}, []string{"pool_backoff", "rate_limit"}},
		{"pool", "endpoint: {base_url: ['http://a/v1', 'http://b/v1'], model: m}, pool_backoff: {max: 10s}, rate_limit: {tokens_per_minute: 9000}",
			[]string{`"base_url":["http://a/v1","http://b/v1"]`, `"pool_backoff":{"base":"2s","max":"10s"}`, `"rate_limit":{"tokens_per_minute":9000}`}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := rundir.ParseSuite([]byte("name: x\ntest: t\nrunners:\n  - {name: m, kind: llm, " + tc.entry + "}\n"))
			if err != nil {
				t.Fatal(err)
			}
			_, set, err := New(&s.Runners[0])
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(set)
			for _, w := range tc.json {
				if !strings.Contains(string(b), w) {
					t.Errorf("settings lack %s: %s", w, b)
				}
			}
			for _, a := range tc.absent {
				if strings.Contains(string(b), a) {
					t.Errorf("settings hold %s: %s", a, b)
				}
			}
		})
	}
}

func TestAPIKeyMissingFromEnv(t *testing.T) {
	dir := t.TempDir()
	test, _ := llmTestSet(t, dir, 2)
	s := llmSuite(t, test, filepath.Join(dir, "run"), filepath.Join(dir, "cache"),
		"  - {name: m, kind: llm, endpoint: {base_url: 'http://127.0.0.1:1/v1', model: m, api_key_env: OCCBENCH_SURELY_UNSET_KEY}}\n")
	_, err := Run(context.Background(), s, Options{})
	if err == nil || !strings.Contains(err.Error(), "OCCBENCH_SURELY_UNSET_KEY is not set") {
		t.Errorf("error %v", err)
	}
}

// The README's example suite parses and builds every runner.
func TestExampleSuite(t *testing.T) {
	s, err := rundir.LoadSuite(filepath.Join("..", "testdata", "suites", "llm.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range s.Runners {
		if _, _, err := New(&s.Runners[i]); err != nil {
			t.Errorf("%s: %v", s.Runners[i].Name, err)
		}
	}
	if !strings.HasSuffix(s.Cache, filepath.Join("runs", ".occbench-cache")) {
		t.Errorf("cache %s", s.Cache)
	}
}
