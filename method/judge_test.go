package method

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/internal/fixture"
	"github.com/occbench/occbench/llm"
	"github.com/occbench/occbench/llm/llmtest"
	"github.com/occbench/occbench/reasons"
)

// judgeScript reads the scores a test wants from the reason: "[F5 C4 U3]".
// Factuality replies are fenced, coherence replies have text around them,
// utility scores are strings; "[F0…]" makes the factuality reply unusable.
// noWaits is an Env whose retries do not wait.
var noWaits = Env{LLM: llm.Options{Sleep: func(context.Context, time.Duration) error { return nil }}}

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
	mc.Endpoint = llm.Endpoint{BaseURL: llm.URLs{srv.URL()}, Model: "gpt-4.1"}
	mc.MaxRetries = 1
	out := filepath.Join(t.TempDir(), "judge.jsonl")
	opts := JudgeOptions{Model: mc, Env: noWaits}
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
	_, sum3, err := Judge(context.Background(), items, filepath.Join(t.TempDir(), "j3.jsonl"), JudgeOptions{Model: mc, Threshold: 3, RunDir: filepath.Dir(out), Env: opts.Env})
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

// nurseReason is an oracle reason of five sentences, each stating facts of
// the history the test users share.
const nurseReason = "First, they worked as a Staff Nurse from 2015. Then they studied at State University. " +
	"Next they led a team of nurses. After that they trained new staff. Finally they are ready for advanced practice."

// sentences splits a reason the way the test writes them.
func sentences(s string) []string { return strings.Split(strings.TrimSpace(s), ". ") }

// perturbJudge scores like a sensitive judge: factuality loses a point per
// history fact missing and per fabricated claim, coherence drops with the
// sentences out of place, utility depends on the occupation shown.
func perturbJudge(related string) func(string, int) (string, int) {
	reasonRe := regexp.MustCompile(`(?s)===== Reasoning: start =====\n(.*)\n===== Reasoning: end =====`)
	return func(prompt string, _ int) (string, int) {
		reason := reasonRe.FindStringSubmatch(prompt)[1]
		switch {
		case strings.Contains(prompt, "FACTUALITY"):
			s := 5
			for _, f := range []string{"State University", "2015", "Staff Nurse"} {
				if !strings.Contains(reason, f) {
					s--
				}
			}
			for _, f := range []string{"PhD", "pilot", "chief financial"} {
				if strings.Contains(reason, f) {
					s--
				}
			}
			return fmt.Sprintf(`{"factuality_score": %d, "factuality_justification": "x"}`, max(s, 1)), 0
		case strings.Contains(prompt, "COHERENCE"):
			moved := 0
			got := sentences(regexp.MustCompile(` \(u\d+\)`).ReplaceAllString(reason, ""))
			for i, s := range sentences(nurseReason) {
				if i < len(got) && got[i] != s {
					moved++
				}
			}
			s := map[bool]int{true: 5, false: 3}[moved == 0]
			if moved > 2 {
				s = 1
			}
			return fmt.Sprintf("```json\n{\"coherence_score\": %d}\n```", s), 0
		}
		s := 1
		switch {
		case strings.Contains(prompt, "Actual next occupation: "+titleNP+"\n"):
			s = 5
		case strings.Contains(prompt, "Actual next occupation: "+related+"\n"):
			s = 3
		}
		return fmt.Sprintf(`{"utility_score": %d}`, s), 0
	}
}

func TestPerturbationStudy(t *testing.T) {
	tax := onet.Default()
	rel, _ := tax.ByCode(tax.RelatedCodes(codeNP, 1)[0])
	srv := llmtest.NewScripted(t, `\(u\d+\)`, perturbJudge(rel.Title))
	mc := DefaultJudge
	mc.Endpoint = llm.Endpoint{BaseURL: llm.URLs{srv.URL()}, Model: "gpt-4.1"}
	exs := make([]*bench.Example, 12)
	for i := range exs {
		id := fmt.Sprintf("u%d", i)
		exs[i] = &bench.Example{UserID: id, TargetCode: codeNP, TargetTitle: titleNP,
			OracleReason: strings.Replace(nurseReason, "First,", "First ("+id+"),", 1)}
		exs[i].History = append(exs[i].History,
			bench.Record{Kind: bench.Education, School: "State University", Degree: "BSN", Major: "Nursing", GradYear: 2014},
			bench.Record{Kind: bench.Job, Title: "Staff Nurse", Code: "29-1141.00", Occupation: titleRN, Start: bench.DateOf(2015, 3, 1)})
	}
	run := t.TempDir()
	opts := PerturbOptions{RunDir: run, Sample: 10, Seed: 4,
		Judge: JudgeOptions{Model: mc, Env: noWaits}}
	table, err := PerturbationStudy(context.Background(), exs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if table.Users != 10 || len(table.Rows) != 3 {
		t.Fatalf("table %+v", table)
	}
	o, mi, ma := table.Rows[0], table.Rows[1], table.Rows[2]
	if o.Factuality.Float() != 5 || o.Coherence.Float() != 5 || o.Utility.Float() != 5 {
		t.Errorf("oracle row %v %v %v", o.Factuality.Float(), o.Coherence.Float(), o.Utility.Float())
	}
	if mi.Factuality.Float() != 4 || mi.Coherence.Float() != 3 || mi.Utility.Float() != 3 {
		t.Errorf("minor row %v %v %v", mi.Factuality.Float(), mi.Coherence.Float(), mi.Utility.Float())
	}
	if ma.Factuality.Float() >= mi.Factuality.Float() || ma.Coherence.Float() != 1 || ma.Utility.Float() != 1 {
		t.Errorf("major row %v %v %v", ma.Factuality.Float(), ma.Coherence.Float(), ma.Utility.Float())
	}
	// 10 reasons × 7 versions × 3 dimensions, less the utility versions'
	// factuality and coherence calls, which repeat the oracle's.
	if want := 10 * (7*3 - 2*2); srv.Requests() != want {
		t.Errorf("%d requests, want %d", srv.Requests(), want)
	}
	// The file has the shape the reports read.
	var got struct {
		Judge string `json:"judge"`
		Users int    `json:"users"`
		Rows  []struct {
			Type, Label                    string
			N                              int
			Factuality, Coherence, Utility float64
		} `json:"rows"`
	}
	b, err := os.ReadFile(filepath.Join(run, reasons.PerturbationFile))
	if err != nil || json.Unmarshal(b, &got) != nil || got.Judge != "gpt-4.1" || got.Rows[1].Type != "minor" || got.Rows[2].Label != "Major Perturbation" {
		t.Fatalf("%s: %s (%v)", reasons.PerturbationFile, b, err)
	}
	// A rerun asks nothing and writes the same table.
	n := srv.Requests()
	if _, err := PerturbationStudy(context.Background(), exs, opts); err != nil {
		t.Fatal(err)
	}
	b2, _ := os.ReadFile(filepath.Join(run, reasons.PerturbationFile))
	if srv.Requests() != n || string(b) != string(b2) {
		t.Errorf("rerun: %d new requests, same table %v", srv.Requests()-n, string(b) == string(b2))
	}
}
