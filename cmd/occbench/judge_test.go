package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/internal/fixture"
	"github.com/occbench/occbench/reports"
)

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
