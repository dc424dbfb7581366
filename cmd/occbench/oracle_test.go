package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/internal/fixture"
	"github.com/occbench/occbench/llm"
	"github.com/occbench/occbench/method"
)

// occbench oracle from a YAML config against a server that answers the
// target on every other choice, then train export of its output.
func TestOracleCommand(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"choices":[`+
			`{"index":0,"message":{"role":"assistant","content":"<think>\nProgrammers become developers.\n</think>\n<answer>\nSoftware Developers\n</answer>"},"finish_reason":"stop"},`+
			`{"index":1,"message":{"role":"assistant","content":"<think>\nThey stay.\n</think>\n<answer>\nComputer Programmers\n</answer>"},"finish_reason":"stop"}]}`)
	}))
	defer srv.Close()
	dir := t.TempDir()
	exs := []*bench.Example{
		{UserID: "a", History: []bench.Record{{Kind: bench.Job, Code: "15-1251.00", Occupation: "Computer Programmers"}}, TargetCode: "15-1252.00", TargetTitle: "Software Developers"},
		{UserID: "b", History: []bench.Record{{Kind: bench.Job, Code: "15-1251.00", Occupation: "Computer Programmers", Title: "Coder"}}, TargetCode: "11-1011.00", TargetTitle: "Chief Executives"},
	}
	train := filepath.Join(dir, "train.arrow")
	if err := bench.WriteExamples(train, exs, nil); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "oracle.yaml")
	fixture.Write(t, cfg, fmt.Sprintf("endpoint: {base_url: %q, model: gpt-4.1}\nattempts: 2\nn: true\ntemperature: 1\n", srv.URL+"/v1"))
	out := filepath.Join(dir, "oracle.arrow")
	stdout, stderr, err := runCLI(t, "oracle", "--config", cfg, "--train", train, "-o", out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "oracle: 2/2 done") {
		t.Errorf("no progress on stderr: %q", stderr)
	}
	for _, want := range []string{"users          2", "attempts       4 (1 correct)", "valid reasons  1", "kept users     1 (1 with a wrong attempt too, 0 without a reason)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "oracle-run", "oracle_attempts.jsonl")); err != nil {
		t.Error(err)
	}
	got, _, err := bench.ReadAll(out)
	if err != nil || len(got) != 1 || got[0].OracleReason != "Programmers become developers." || len(got[0].Attempts) != 2 {
		t.Fatalf("oracle set %+v, %v", got, err)
	}
	if _, _, err := runCLI(t, "train", "export", "--oracle", out, "-o", filepath.Join(dir, "lf")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI(t, "oracle", "--train", train, "-o", out); err == nil || !strings.Contains(err.Error(), "--endpoint") {
		t.Fatalf("no endpoint: %v", err)
	}
}

func TestModelConfigYAML(t *testing.T) {
	cases := []struct {
		name, yaml string
		err        bool
	}{
		{"nested", "endpoint: {base_url: http://h/v1, model: m, api_key_env: K}\nattempts: 3\nn: false\ntemperature: 0.7\n", false},
		{"flat", "endpoint: http://h/v1\nmodel: m\napi_key_env: K\nattempts: 3\nn: false\ntemperature: 0.7\n", false},
		{"unknown key", "endpoint: http://h/v1\nmodel: m\nattempt: 3\n", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "m.yaml")
			fixture.Write(t, p, tc.yaml)
			cmd := newOracleCmd()
			mf := modelFlags{config: p}
			mc, err := mf.resolve(cmd, method.DefaultOracle)
			if tc.err {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if mc.Endpoint != (llm.Endpoint{BaseURL: "http://h/v1", Model: "m", APIKeyEnv: "K"}) || mc.Attempts != 3 || mc.N || *mc.Temperature != 0.7 || mc.Concurrency != 16 {
				t.Errorf("config %+v", mc)
			}
		})
	}
}

func FuzzFlatEndpoint(f *testing.F) {
	f.Add("endpoint: http://h/v1\nmodel: m\n")
	f.Add("endpoint: {base_url: u}\nmodel: m\n")
	f.Add("- a\n- b\n")
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = flatEndpoint([]byte(s)) // must not panic
	})
}
