package method

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occbench/occbench/internal/fixture"
	"github.com/occbench/occbench/llm"
	"github.com/occbench/occbench/llm/llmtest"
	"github.com/occbench/occbench/reasons"
)

func TestReasonSourcesTable(t *testing.T) {
	// The predictor answers Nurse Practitioners when the reasoning says so,
	// and Chief Executives otherwise; the "weak" model always the latter.
	srv := llmtest.NewScripted(t, `ward \w+`, func(prompt string, _ int) (string, int) {
		if !strings.Contains(prompt, "--- Reasoning: start ---") {
			return "no reasoning block", 0
		}
		if strings.Contains(prompt, "advanced practice") && !strings.HasPrefix(prompt, "model=weak\n") {
			return "<answer>\n" + titleNP + "\n</answer>", 0
		}
		return "<think>\n\n</think>\n<answer>" + titleCEO + "</answer>", 0
	})
	test := oracleTrain("u1", "u2", "u3", "u4", "nooracle")
	for _, ex := range test[:4] {
		ex.OracleReason = "Ward work leads to advanced practice."
	}
	dir := t.TempDir()
	reasoner := filepath.Join(dir, "reasoner.jsonl")
	fixture.Write(t, reasoner, `{"user_id":"u1","runner":"r","reason":"Toward advanced practice.","error":"","latency_ms":0}
{"user_id":"u2","runner":"r","reason":"Toward management.","error":"","latency_ms":0}
{"user_id":"u3","runner":"r","reason":"Toward management.","error":"","latency_ms":0}
`)
	mc := func(model string) ModelConfig {
		m := DefaultJudge
		m.Endpoint = llm.Endpoint{BaseURL: llm.URLs{srv.URL()}, Model: model}
		return m
	}
	run := filepath.Join(dir, "run")
	opts := SourcesOptions{RunDir: run, Bootstrap: 50, Seed: 1, Env: noWaits}
	preds := []SourcePredictor{{"Qwen3-8B-P", mc("p")}, {"Weak P", mc("weak")}}
	srcs := []ReasonSource{{Name: "Oracle Reason", Oracle: true}, {Name: "Qwen3-8B-R", Predictions: reasoner}}
	table, err := ReasonSourcesTable(context.Background(), test, preds, srcs, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		runner string
		em     float64
	}{
		{"p-qwen3-8b-p--oracle-reason", 1},
		{"p-qwen3-8b-p--qwen3-8b-r", 0.25}, // u1 right; u2, u3 wrong; u4 has no reason
		{"p-weak-p--oracle-reason", 0},
		{"p-weak-p--qwen3-8b-r", 0},
	}
	if table.Users != 4 || len(table.Rows) != len(want) {
		t.Fatalf("table %+v", table)
	}
	for i, w := range want {
		r := table.Rows[i]
		if r.Runner != w.runner || r.EM.Float() != w.em || r.N != 4 {
			t.Errorf("row %d: %s n %d em %v, want %s em %v", i, r.Runner, r.N, r.EM, w.runner, w.em)
		}
	}
	n := srv.Requests()
	if n != 2*(4+3) {
		t.Errorf("%d requests, want 14", n)
	}
	if _, err := ReasonSourcesTable(context.Background(), test, preds, srcs, opts); err != nil {
		t.Fatal(err)
	}
	if srv.Requests() != n {
		t.Errorf("rerun sent %d requests", srv.Requests()-n)
	}
	var got map[string]any
	b, _ := os.ReadFile(filepath.Join(run, reasons.SourcesFile))
	if err := json.Unmarshal(b, &got); err != nil || fmt.Sprint(got["users"]) != "4" {
		t.Fatalf("%s: %s", reasons.SourcesFile, b)
	}
}
