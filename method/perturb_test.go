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
	"github.com/occbench/occbench/llm"
	"github.com/occbench/occbench/llm/llmtest"
	"github.com/occbench/occbench/reasons"
)

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
	mc.Endpoint = llm.Endpoint{BaseURL: srv.URL(), Model: "gpt-4.1"}
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
		Judge: JudgeOptions{Model: mc, LLM: llm.Options{Sleep: func(context.Context, time.Duration) error { return nil }}}}
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
