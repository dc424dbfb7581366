package runners

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/llm"
	"github.com/occbench/occbench/llm/llmtest"
)

var perturbSentences = []string{
	"First, they worked as a Staff Nurse from 2015.",
	"Then they studied at State University.",
	"Next they led a team of nurses.",
	"After that they trained new staff.",
	"Finally they are ready for advanced practice.",
}

func perturbExample(id string) *bench.Example {
	return &bench.Example{
		UserID: id,
		History: []bench.Record{
			{Kind: bench.Education, School: "State University", Degree: "BSN", Major: "Nursing", GradYear: 2014},
			{Kind: bench.Job, Title: "Staff Nurse", Code: "29-1141.00", Occupation: titleRN, Start: bench.DateOf(2015, 3, 1)},
		},
		TargetCode: codeNP, TargetTitle: titleNP,
		OracleReason: strings.Replace(strings.Join(perturbSentences, " "), "First,", "First ("+id+"),", 1),
	}
}

func TestSplitSentences(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"One. Two! Three?", []string{"One.", "Two!", "Three?"}},
		{"Line one\nLine two.", []string{"Line one", "Line two."}},
		{"Version 2.5 is out. Yes.", []string{"Version 2.5 is out.", "Yes."}},
		{"", nil},
	}
	for _, tc := range cases {
		if got := splitSentences(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("splitSentences(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPerturb(t *testing.T) {
	tax := onet.Default()
	ex := perturbExample("u")
	ps := Perturb(ex, tax, 9)
	if again := Perturb(ex, tax, 9); !slices.EqualFunc(ps, again, func(a, b Perturbation) bool {
		return a.Reason == b.Reason && a.Occupation == b.Occupation
	}) {
		t.Fatal("the same seed gave other perturbations")
	}
	if len(ps) != 6 {
		t.Fatalf("%d perturbations, want 6", len(ps))
	}
	for _, p := range ps {
		switch p.Dimension {
		case "factuality":
			want := map[string][]int{"minor": {1}, "major": {2, 3}}[p.Type]
			if !slices.Contains(want, len(p.Changes)) || p.Reason == ex.OracleReason {
				t.Errorf("%s: changes %q", p.Source(), p.Changes)
			}
		case "coherence":
			moved := 0
			got := splitSentences(p.Reason)
			orig := splitSentences(ex.OracleReason)
			for i := range orig {
				if got[i] != orig[i] {
					moved++
				}
			}
			slices.Sort(got)
			slices.Sort(orig)
			want := map[string]int{"minor": 2, "major": 3}[p.Type]
			if moved != want || !slices.Equal(got, orig) {
				t.Errorf("%s: %d sentences moved (want %d), same sentences: %v", p.Source(), moved, want, slices.Equal(got, orig))
			}
		case "utility":
			if p.Reason != ex.OracleReason {
				t.Errorf("%s changed the reason", p.Source())
			}
			o, ok := tax.ByTitle(p.Occupation)
			if !ok || o.Code == codeNP {
				t.Fatalf("%s: occupation %q", p.Source(), p.Occupation)
			}
			rank := tax.RelatedRank(codeNP, o.Code)
			if p.Type == "minor" && rank != 1 {
				t.Errorf("minor utility: %s has related rank %d, want 1", o.Title, rank)
			}
			if p.Type == "major" && (rank > 0 || onet.MajorGroup(o.Code) == onet.MajorGroup(codeNP)) {
				t.Errorf("major utility: %s is related (rank %d) or in the same major group", o.Title, rank)
			}
		}
	}
}

func TestChangeFactsFabricatesWhenTheReasonStatesNone(t *testing.T) {
	ex := perturbExample("u")
	ex.OracleReason = "Careers grow."
	ps := Perturb(ex, onet.Default(), 1)
	if !strings.Contains(ps[0].Changes[0], "added: ") || ps[0].Reason == ex.OracleReason {
		t.Fatalf("minor factuality: %+v", ps[0])
	}
}

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
			got := splitSentences(regexp.MustCompile(` \(u\d+\)`).ReplaceAllString(reason, ""))
			for i, s := range perturbSentences {
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
	var exs []*bench.Example
	for i := range 12 {
		exs = append(exs, perturbExample(fmt.Sprintf("u%d", i)))
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
	b, err := os.ReadFile(filepath.Join(run, PerturbationFile))
	if err != nil || json.Unmarshal(b, &got) != nil || got.Judge != "gpt-4.1" || got.Rows[1].Type != "minor" || got.Rows[2].Label != "Major Perturbation" {
		t.Fatalf("%s: %s (%v)", PerturbationFile, b, err)
	}
	// A rerun asks nothing and writes the same table.
	n := srv.Requests()
	if _, err := PerturbationStudy(context.Background(), exs, opts); err != nil {
		t.Fatal(err)
	}
	b2, _ := os.ReadFile(filepath.Join(run, PerturbationFile))
	if srv.Requests() != n || string(b) != string(b2) {
		t.Errorf("rerun: %d new requests, same table %v", srv.Requests()-n, string(b) == string(b2))
	}
}
