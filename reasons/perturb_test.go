package reasons

import (
	"slices"
	"strings"
	"testing"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/bench/onet"
)

const (
	titleNP = "Nurse Practitioners"
	titleRN = "Registered Nurses"
	codeNP  = "29-1171.00"
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
