package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/internal/fixture"
	"github.com/occbench/occbench/llm"
	"github.com/occbench/occbench/method"
	"github.com/occbench/occbench/reports"
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
		{"decoding and handling keys", "endpoint: http://h/v1\nmodel: m\napi_key_env: K\nattempts: 3\nn: false\ntemperature: 0.7\ntop_p: 0.9\nseed: 4\nbackoff: {base: 2s, max: 10s}\n", false},
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
			if !reflect.DeepEqual(mc.Endpoint, llm.Endpoint{BaseURL: llm.URLs{"http://h/v1"}, Model: "m", APIKeyEnv: "K"}) || mc.Attempts != 3 || mc.N || *mc.Temperature != 0.7 || mc.Concurrency != 16 {
				t.Errorf("config %+v", mc)
			}
			if strings.Contains(tc.yaml, "top_p") && (*mc.TopP != 0.9 || *mc.Seed != 4 || mc.Backoff.Max.D() != 10*time.Second) {
				t.Errorf("decoding %+v, backoff %+v", mc.Decoding, mc.Backoff)
			}
		})
	}
}

// A pool and a rate limit come from a model file, nested or flat, and
// --endpoint takes several URLs, repeated or comma-separated.
func TestModelConfigPool(t *testing.T) {
	const limits = "rate_limit: {requests_per_minute: 60, tokens_per_minute: 9000}\npool_backoff: {base: 1s, max: 10s}\n"
	for _, tc := range []struct {
		name, yaml string
		args       []string
	}{
		{"nested", "endpoint: {base_url: [http://a/v1, http://b/v1], model: m}\n" + limits, nil},
		{"flat", "endpoint: [http://a/v1, http://b/v1]\nmodel: m\n" + limits, nil},
		{"comma-separated flag", "endpoint: http://c/v1\nmodel: m\n" + limits, []string{"--endpoint", "http://a/v1,http://b/v1"}},
		{"repeated flag", "endpoint: http://c/v1\nmodel: m\n" + limits, []string{"--endpoint", "http://a/v1", "--endpoint", "http://b/v1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "m.yaml")
			fixture.Write(t, p, tc.yaml)
			cmd := &cobra.Command{Use: "judge"}
			var mf modelFlags
			mf.add(cmd, method.DefaultJudge, false)
			if err := cmd.ParseFlags(append([]string{"--config", p}, tc.args...)); err != nil {
				t.Fatal(err)
			}
			mc, err := mf.resolve(cmd, method.DefaultJudge)
			if err != nil {
				t.Fatal(err)
			}
			if want := (llm.URLs{"http://a/v1", "http://b/v1"}); !reflect.DeepEqual(mc.Endpoint.BaseURL, want) {
				t.Errorf("base_url %v, want %v", mc.Endpoint.BaseURL, want)
			}
			if mc.RateLimit != (llm.RateLimit{RequestsPerMinute: 60, TokensPerMinute: 9000}) || mc.PoolBackoff.Max.D() != 10*time.Second {
				t.Errorf("rate_limit %+v, pool_backoff %+v", mc.RateLimit, mc.PoolBackoff)
			}
		})
	}
}

func FuzzFlatEndpoint(f *testing.F) {
	f.Add("endpoint: http://h/v1\nmodel: m\n")
	f.Add("endpoint: {base_url: u}\nmodel: m\n")
	f.Add("- a\n- b\n")
	f.Add("endpoint: [http://a/v1, http://b/v1]\nmodel: m\n")
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = flatEndpoint([]byte(s)) // must not panic
	})
}

// judgeServer scores a reason by the digit after "score" in it on every
// dimension, in a fenced JSON reply.
func judgeServer(t *testing.T) *httptest.Server {
	re := regexp.MustCompile(`score(\d)`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Messages []struct{ Content string } `json:"messages"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		p := req.Messages[0].Content
		dim := "utility"
		switch {
		case strings.Contains(p, "FACTUALITY"):
			dim = "factuality"
		case strings.Contains(p, "COHERENCE"):
			dim = "coherence"
		}
		s := re.FindStringSubmatch(p)[1]
		reply, _ := json.Marshal(fmt.Sprintf("```json\n{\"%s_score\": %s, \"%s_justification\": \"ok\"}\n```", dim, s, dim))
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"choices":[{"index":0,"message":{"role":"assistant","content":%s},"finish_reason":"stop"}]}`, reply)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestJudgeCommandThenExport(t *testing.T) {
	srv := judgeServer(t)
	dir := t.TempDir()
	hist := []bench.Record{{Kind: bench.Job, Code: "15-1251.00", Occupation: "Computer Programmers"}}
	mk := func(id, reason string) *bench.Example {
		return &bench.Example{UserID: id, History: hist, TargetCode: "15-1252.00", TargetTitle: "Software Developers", OracleReason: reason,
			Attempts: []bench.Attempt{{Reason: reason, Answer: "Software Developers", Code: "15-1252.00", Correct: true}}}
	}
	oracle := filepath.Join(dir, "oracle.arrow")
	if err := bench.WriteExamples(oracle, []*bench.Example{mk("a", "good score5"), mk("b", "weak score3")}, nil); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "judge.jsonl")
	kept := filepath.Join(dir, "kept.arrow")
	stdout, _, err := runCLI(t, "judge", "--reasons", oracle, "-o", out, "--endpoint", srv.URL+"/v1", "--model", "judge", "--kept", kept)
	if err != nil {
		t.Fatal(err)
	}
	if k, _, err := bench.ReadAll(kept); err != nil || len(k) != 1 || k[0].UserID != "a" || len(k[0].Attempts) != 1 {
		t.Fatalf("kept set %+v, %v", k, err)
	}
	if !strings.Contains(stdout, " 1 (every score ≥ 4)") || !strings.Contains(stdout, "factuality 4.00") {
		t.Errorf("stdout:\n%s", stdout)
	}
	var sum struct {
		Kept      int      `json:"kept"`
		KeptUsers []string `json:"kept_users"`
	}
	b, _ := os.ReadFile(filepath.Join(dir, "judge.summary.json"))
	if err := json.Unmarshal(b, &sum); err != nil || sum.Kept != 1 || sum.KeptUsers[0] != "a" {
		t.Fatalf("summary %s (%v)", b, err)
	}
	stdout, _, err = runCLI(t, "train", "export", "--oracle", oracle, "--judged", out, "-o", filepath.Join(dir, "lf"))
	if err != nil || !strings.Contains(stdout, "users\t1 of 2 oracle users (judge threshold 4)") {
		t.Fatalf("export: %v\n%s", err, stdout)
	}
	stdout, _, err = runCLI(t, "train", "export", "--oracle", oracle, "--judged", out, "--threshold", "3", "-o", filepath.Join(dir, "lf3"))
	if err != nil || !strings.Contains(stdout, "users\t2 of 2") {
		t.Fatalf("export threshold 3: %v\n%s", err, stdout)
	}
	if _, _, err := runCLI(t, "judge", "--reasons", "p.jsonl", "-o", out, "--endpoint", srv.URL, "--model", "m"); err == nil || !strings.Contains(err.Error(), "--data") {
		t.Fatalf("predictions without --data: %v", err)
	}
}

func TestPerturbCommand(t *testing.T) {
	srv := judgeServer(t)
	dir := t.TempDir()
	hist := []bench.Record{{Kind: bench.Job, Title: "Coder", Code: "15-1251.00", Occupation: "Computer Programmers", Start: bench.DateOf(2015, 1, 1)}}
	var exs []*bench.Example
	for _, id := range []string{"a", "b", "c"} {
		exs = append(exs, &bench.Example{UserID: id, History: hist, TargetCode: "15-1252.00", TargetTitle: "Software Developers",
			OracleReason: "As a Coder since 2015 they grew. They shipped products score5. They lead now (" + id + ")."})
	}
	oracle := filepath.Join(dir, "oracle.arrow")
	if err := bench.WriteExamples(oracle, exs, nil); err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(dir, "run")
	stdout, _, err := runCLI(t, "perturb", "--reasons", oracle, "--run", run, "--sample", "2", "--endpoint", srv.URL+"/v1", "--model", "judge")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "Oracle Reason") || !strings.Contains(stdout, "Major Perturbation") {
		t.Errorf("stdout:\n%s", stdout)
	}
	// The reports package reads the table (strictly: no unknown field).
	in, err := reports.LoadInputs(run, reports.InputPaths{})
	if err != nil || in.Perturbation == nil || len(in.Perturbation.Rows) != 3 || in.Perturbation.Users != 2 {
		t.Fatalf("reports read %+v, %v", in.Perturbation, err)
	}
	b, err := os.ReadFile(filepath.Join(run, "judge_perturbation.json"))
	if err != nil || !strings.Contains(string(b), `"users": 2`) {
		t.Fatalf("%s (%v)", b, err)
	}
}

func TestSourcesCommand(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"choices":[{"index":0,"message":{"role":"assistant","content":"<answer>\nSoftware Developers\n</answer>"},"finish_reason":"stop"}]}`)
	}))
	defer srv.Close()
	dir := t.TempDir()
	hist := []bench.Record{{Kind: bench.Job, Code: "15-1251.00", Occupation: "Computer Programmers"}}
	exs := []*bench.Example{
		{UserID: "a", History: hist, TargetCode: "15-1252.00", TargetTitle: "Software Developers", OracleReason: "Programmers move up."},
		{UserID: "b", History: hist, TargetCode: "15-1251.00", TargetTitle: "Computer Programmers", OracleReason: "They stay."},
	}
	test := filepath.Join(dir, "test.arrow")
	if err := bench.WriteExamples(test, exs, nil); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "p.yaml")
	fixture.Write(t, model, fmt.Sprintf("endpoint: {base_url: %q, model: p}\n", srv.URL+"/v1"))
	run := filepath.Join(dir, "run")
	stdout, _, err := runCLI(t, "sources", "--test", test, "--run", run, "--predictor", "Qwen3-8B-P="+model, "--reasons", "Oracle Reason=oracle", "--bootstrap", "20")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "Qwen3-8B-P  Oracle Reason  2  0.5000") {
		t.Errorf("stdout:\n%s", stdout)
	}
	in, err := reports.LoadInputs(run, reports.InputPaths{})
	if err != nil || in.Sources == nil || len(in.Sources.Rows) != 1 || in.Sources.Rows[0].Runner != "p-qwen3-8b-p--oracle-reason" {
		t.Fatalf("reports read %+v, %v", in.Sources, err)
	}
}

// judge --table3 records the means as a Table 3 row that the report reads.
func TestJudgeTable3Row(t *testing.T) {
	srv := judgeServer(t)
	dir := t.TempDir()
	hist := []bench.Record{{Kind: bench.Job, Code: "15-1251.00", Occupation: "Computer Programmers"}}
	var exs []*bench.Example
	for i, r := range []string{"good score5", "fine score4"} {
		exs = append(exs, &bench.Example{UserID: fmt.Sprint(i), History: hist, TargetCode: "15-1252.00", TargetTitle: "Software Developers", OracleReason: r})
	}
	oracle := filepath.Join(dir, "oracle.arrow")
	if err := bench.WriteExamples(oracle, exs, nil); err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(dir, "run")
	os.Mkdir(run, 0o755)
	for range 2 { // a second run replaces the row
		if _, _, err := runCLI(t, "judge", "--reasons", oracle, "-o", filepath.Join(dir, "j.jsonl"), "--endpoint", srv.URL+"/v1", "--model", "judge", "--table3", run); err != nil {
			t.Fatal(err)
		}
	}
	in, err := reports.LoadInputs(run, reports.InputPaths{})
	if err != nil {
		t.Fatal(err)
	}
	if in.Reasons == nil || len(in.Reasons.Systems) != 1 {
		t.Fatalf("reason_quality.json: %+v", in.Reasons)
	}
	row := in.Reasons.Systems[0]
	if row.Runner != "oracle" || row.N != 2 || row.Factuality.Float() != 4.5 || row.PassRate.Float() != 1 {
		t.Errorf("row %+v", row)
	}
}

// occbench run with an llm runner against an OpenAI-compatible server,
// then --resume of the finished run, which sends nothing.
func TestRunLLMCommand(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.URL.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer cmd-test-key" {
			http.Error(w, "bad request", 400)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"choices":[{"index":0,"message":{"role":"assistant","content":"<think>\nr\n</think>\n<answer>\nSoftware Developers\n</answer>"},"finish_reason":"stop"}],"usage":{"prompt_tokens":100,"completion_tokens":12}}`)
	}))
	defer srv.Close()
	t.Setenv("OCCBENCH_CMD_TEST_KEY", "cmd-test-key")
	dir := t.TempDir()
	exs := []*bench.Example{
		{UserID: "a", History: []bench.Record{{Kind: bench.Job, Code: "15-1251.00", Occupation: "Computer Programmers"}}, TargetCode: "15-1252.00", TargetTitle: "Software Developers"},
		{UserID: "b", History: []bench.Record{{Kind: bench.Job, Code: "15-1251.00", Occupation: "Computer Programmers"}}, TargetCode: "15-1251.00", TargetTitle: "Computer Programmers"},
	}
	if err := bench.WriteExamples(filepath.Join(dir, "test.arrow"), exs, nil); err != nil {
		t.Fatal(err)
	}
	suite := filepath.Join(dir, "suite.yaml")
	fixture.Write(t, suite, fmt.Sprintf(`name: llm
test: test.arrow
out: run
metrics: {bootstrap: 10}
runners:
  - {name: m, kind: llm, mode: joint, endpoint: {base_url: %q, model: m, api_key_env: OCCBENCH_CMD_TEST_KEY}}
`, srv.URL+"/v1"))
	stdout, _, err := runCLI(t, "run", "--suite", suite)
	if err != nil {
		t.Fatal(err)
	}
	var scores struct {
		Runners map[string]struct{ EM float64 } `json:"runners"`
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "run", "scores.json"))
	if err := json.Unmarshal(raw, &scores); err != nil || scores.Runners["m"].EM != 0.5 {
		t.Errorf("scores %s (%v); stdout %s", raw, err, stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, ".occbench-cache")); err != nil {
		t.Errorf("no default cache beside the run: %v", err)
	}
	sent := requests.Load()
	if _, stderr, err := runCLI(t, "run", "--resume", filepath.Join(dir, "run")); err != nil || !strings.Contains(stderr, "already recorded") {
		t.Fatalf("resume: %v\n%s", err, stderr)
	}
	if requests.Load() != sent {
		t.Errorf("resuming a finished run sent %d requests", requests.Load()-sent)
	}
}
