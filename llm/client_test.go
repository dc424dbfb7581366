package llm

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// server answers chat completions with its request's prompt in upper case,
// or with the status the prompt names ("status 400"), echoing the key.
func server(t *testing.T, key string) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		var req struct {
			Messages []struct{ Content string } `json:"messages"`
			N        int                        `json:"n"`
		}
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &req); err != nil || r.Header.Get("Authorization") != "Bearer "+key {
			w.WriteHeader(401)
			return
		}
		prompt := req.Messages[0].Content
		w.Header().Set("Content-Type", "application/json")
		if strings.HasPrefix(prompt, "status 400") {
			w.WriteHeader(400)
			json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": "bad request from key " + key}})
			return
		}
		var choices []any
		for i := range max(req.N, 1) {
			choices = append(choices, map[string]any{"index": i, "finish_reason": "stop",
				"message": map[string]any{"role": "assistant", "content": strings.ToUpper(prompt) + " " + key}})
		}
		json.NewEncoder(w).Encode(map[string]any{"choices": choices, "usage": map[string]any{"prompt_tokens": 3, "completion_tokens": 7}})
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestClientComplete(t *testing.T) {
	const key = "sk-test-0123456789"
	srv, requests := server(t, key)
	cfg := DefaultConfig.Clone()
	cfg.Endpoint = Endpoint{BaseURL: URLs{srv.URL + "/v1"}, Model: "m", APIKeyEnv: "KEY"}
	cfg.MaxRetries = 0
	opts := Options{CacheDir: t.TempDir(), Getenv: func(string) string { return key }}
	c, err := New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if c.Config().MaxTokens != DefaultMaxTokens {
		t.Errorf("max_tokens %d, want the default %d", c.Config().MaxTokens, DefaultMaxTokens)
	}
	call, err := c.NewCall("model", "hello", "u1", 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	obs := &countingObserver{}
	res, err := c.Complete(WithObserver(context.Background(), obs), call)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Choices) != 2 || res.Choices[1].Content != "HELLO [redacted]" || res.Source != "http" || res.Tries != 1 {
		t.Errorf("result %+v", res)
	}
	if obs.tokens != 7 {
		t.Errorf("observer saw %d tokens, want 7", obs.tokens)
	}
	// The same call again is answered from the cache, redacted there too.
	res, err = c.Complete(context.Background(), call)
	if err != nil || res.Source != "cache" || requests.Load() != 1 || strings.Contains(res.Choices[0].Content, key) {
		t.Errorf("second call: %+v, %v, %d requests", res, err, requests.Load())
	}
	// A request the server refuses is a Failure, with the key redacted.
	bad, _ := c.NewCall("judge", "status 400", "u1", 1, 1)
	_, err = c.Complete(context.Background(), bad)
	var f *Failure
	if !errors.As(err, &f) || strings.Contains(f.Msg, key) || !strings.Contains(f.Msg, "judge request: HTTP 400") {
		t.Errorf("a refused request: %v", err)
	}
}

func TestNewChecksConfig(t *testing.T) {
	base := DefaultConfig.Clone()
	base.Endpoint = Endpoint{BaseURL: URLs{"http://localhost:8000/v1"}, Model: "m"}
	for _, tc := range []struct {
		name string
		edit func(*Config)
		opts Options
		err  string
	}{
		{"no cache", func(*Config) {}, Options{}, "cache: no directory"},
		{"no base url", func(c *Config) { c.Endpoint.BaseURL = nil }, Options{CacheDir: "x"}, "endpoint.base_url: missing"},
		{"credentials in url", func(c *Config) { c.Endpoint.BaseURL = URLs{"http://u:p@h/v1"} }, Options{CacheDir: "x"}, "put credentials in the variable"},
		{"no model", func(c *Config) { c.Endpoint.Model = "" }, Options{CacheDir: "x"}, "endpoint.model: missing"},
		{"negative temperature", func(c *Config) { c.Temperature = Float(-1) }, Options{CacheDir: "x"}, "temperature -1"},
		{"top_p", func(c *Config) { c.TopP = Float(0) }, Options{CacheDir: "x"}, "top_p 0"},
		{"o-series with max_tokens", func(c *Config) { c.Endpoint.Model = "o3-mini" }, Options{CacheDir: "x"}, "use max_completion_tokens"},
		{"concurrency", func(c *Config) { c.Concurrency = 0 }, Options{CacheDir: "x"}, "concurrency 0"},
		{"timeout", func(c *Config) { c.Timeout = 0 }, Options{CacheDir: "x"}, "timeout 0s"},
		{"backoff", func(c *Config) { c.Backoff.Max = Duration(time.Millisecond) }, Options{CacheDir: "x"}, "want 0 < base <= max"},
		{"key variable unset", func(c *Config) { c.Endpoint.APIKeyEnv = "OCCBENCH_UNSET_KEY" }, Options{CacheDir: "x", Getenv: func(string) string { return "" }}, "OCCBENCH_UNSET_KEY is not set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base.Clone()
			tc.edit(&cfg)
			if tc.opts.CacheDir != "" {
				tc.opts.CacheDir = t.TempDir()
			}
			_, err := New(cfg, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err = %v, want one with %q", err, tc.err)
			}
		})
	}
}

// Temperature 0 must reach the server: go-openai leaves zero floats out.
func TestRequestBodySendsZeroTemperature(t *testing.T) {
	d := Decoding{Temperature: Float(0), TopP: Float(1), ExtraBody: map[string]any{"top_k": 5}}
	b, err := requestBody(chatRequest("m", d, "p", 1), d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"temperature":0`, `"top_p":1`, `"top_k":5`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("body %s lacks %s", b, want)
		}
	}
}
