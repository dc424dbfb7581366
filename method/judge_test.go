package method

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/internal/fixture"
	"github.com/occbench/occbench/llm"
	"github.com/occbench/occbench/llm/llmtest"
	"github.com/occbench/occbench/reasons"
)

// judgeScript reads the scores a test wants from the reason: "[F5 C4 U3]".
// Factuality replies are fenced, coherence replies have text around them,
// utility scores are strings; "[F0…]" makes the factuality reply unusable.
func judgeScript(prompt string, _ int) (string, int) {
	m := regexp.MustCompile(`\[F(\d) C(\d) U(\d)\]`).FindStringSubmatch(prompt)
	if m == nil {
		return "no scores", 0
	}
	switch {
	case strings.Contains(prompt, "FACTUALITY"):
		if m[1] == "0" {
			return "I cannot say.", 0
		}
		if !strings.Contains(prompt, "Education and career history: start") {
			return "the factuality judge was not shown the history", 0
		}
		return fmt.Sprintf("```json\n{\"factuality_score\": %s, \"factuality_justification\": \"checked\", \"error_count\": 0, \"errors_identified\": []}\n```", m[1]), 0
	case strings.Contains(prompt, "COHERENCE"):
		if strings.Contains(prompt, "career history: start") || strings.Contains(prompt, "Actual next occupation") {
			return "the coherence judge saw more than the reason", 0
		}
		return fmt.Sprintf("Verdict:\n{\"coherence_score\": %s, \"coherence_justification\": \"flows\"}\nDone.", m[2]), 0
	case strings.Contains(prompt, "UTILITY"):
		if !strings.Contains(prompt, "Actual next occupation: "+titleNP) || strings.Contains(prompt, "career history: start") {
			return "the utility judge was not shown the occupation alone", 0
		}
		return fmt.Sprintf(`{"utility_score": "%s", "utility_justification": "supports"}`, m[3]), 0
	}
	return "?", 0
}

func judgeExamples() []*bench.Example {
	exs := oracleTrain("a", "b", "c", "d")
	for i, s := range []string{"[F5 C5 U5]", "[F4 C4 U4]", "[F5 C3 U5]", "[F0 C5 U5]"} {
		exs[i].OracleReason = "Reason " + exs[i].UserID + " " + s
	}
	return exs
}

func TestJudge(t *testing.T) {
	srv := llmtest.NewScripted(t, `\[F\d C\d U\d\]`, judgeScript)
	mc := DefaultJudge
	mc.Endpoint = llm.Endpoint{BaseURL: srv.URL(), Model: "gpt-4.1"}
	mc.MaxRetries = 1
	out := filepath.Join(t.TempDir(), "judge.jsonl")
	opts := JudgeOptions{Model: mc, LLM: llm.Options{Sleep: func(context.Context, time.Duration) error { return nil }}}
	items := JudgeItemsFromOracle(judgeExamples())
	recs, sum, err := Judge(context.Background(), items, out, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := [][3]int{{5, 5, 5}, {4, 4, 4}, {5, 3, 5}, {0, 5, 5}}
	for i, rec := range recs {
		if rec.Scores() != want[i] {
			t.Errorf("%s: scores %v, want %v (%+v)", rec.UserID, rec.Scores(), want[i], rec)
		}
		if rec.Pass != (i < 2) {
			t.Errorf("%s: pass %v", rec.UserID, rec.Pass)
		}
	}
	if recs[3].Factuality.Error == "" || recs[0].Factuality.Justification != "checked" {
		t.Errorf("records %+v", recs)
	}
	if sum.Kept != 2 || sum.Failed != 1 || strings.Join(sum.KeptUsers, ",") != "a,b" || sum.Means["coherence"] != 4.25 {
		t.Errorf("summary %+v", sum)
	}
	if srv.Requests() != 12 {
		t.Errorf("%d requests, want 12 (three per reason)", srv.Requests())
	}
	// A rerun judges again only the reason with a failed dimension, from
	// the cache.
	if _, _, err := Judge(context.Background(), items, out, opts); err != nil {
		t.Fatal(err)
	}
	if srv.Requests() != 12 {
		t.Errorf("rerun: %d requests, want 12", srv.Requests())
	}
	judged, err := reasons.ReadJudgeRecords(out)
	if err != nil || len(judged) != 5 {
		t.Fatalf("%d records, %v: want 5 (the failed reason twice)", len(judged), err)
	}
	// A threshold of 3 keeps c too.
	_, sum3, err := Judge(context.Background(), items, filepath.Join(t.TempDir(), "j3.jsonl"), JudgeOptions{Model: mc, Threshold: 3, RunDir: filepath.Dir(out), LLM: opts.LLM})
	if err != nil || sum3.Kept != 3 {
		t.Fatalf("threshold 3: kept %d, %v", sum3.Kept, err)
	}
}

func TestJudgeItemsFromPredictions(t *testing.T) {
	exs := judgeExamples()
	path := filepath.Join(t.TempDir(), "m.jsonl")
	fixture.Write(t, path, `{"user_id":"b","runner":"m","reason":"because","error":"","latency_ms":0}
{"user_id":"a","runner":"m","reason":"","error":"","latency_ms":0}
{"user_id":"zz","runner":"m","reason":"x","error":"","latency_ms":0}
`)
	items, err := JudgeItemsFromPredictions(path, exs)
	if err != nil || len(items) != 1 || items[0].Example.UserID != "b" || items[0].Source != "m" {
		t.Fatalf("items %+v, %v", items, err)
	}
}
