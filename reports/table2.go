package reports

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/occbench/occbench/metrics"
)

// Significance marks of Table 2.
const (
	MarkBeatsAll = "†" // the reference is significantly better than every other system
	MarkWorse    = "*" // significantly worse than the reference
	MarkBetter   = "+" // significantly better than the reference
)

// mark says how system i compares with the reference.
func (r *Report) mark(i int) string {
	return markOf(r.Run.Systems, r.Reference, r.VsRef, i, r.Opts.Significance.Alpha)
}

// table2 is the paper's Table 2: EM and RM per system, grouped by category,
// with intervals, the test against the reference, and the paper's numbers.
func (r *Report) table2() *Table {
	t := &Table{
		ID:    "table2",
		Title: fmt.Sprintf("Table 2: Occupation prediction accuracy on %s", r.usersScored("test user", "test users")),
		Group: "Category",
		Columns: []Column{
			{"System", Left}, {"EM (%)", Right}, {"EM 95% CI", Right}, {"RM (%)", Right}, {"RM 95% CI", Right},
			{"p adj. vs ref", Right}, {"Sig.", Center},
		},
	}
	paper := r.Opts.Paper
	matched := 0
	for _, s := range r.Run.Systems {
		if paper.System(s) != nil {
			matched++
		}
	}
	if matched > 0 {
		// The paper scored other data: its numbers are context, not a
		// comparison, and the headers say so.
		t.Columns = append(t.Columns, Column{"Paper EM (different data)", Right}, Column{"Δ EM (not comparable)", Right},
			Column{"Paper RM (different data)", Right}, Column{"Δ RM (not comparable)", Right})
	}
	for i, s := range r.Run.Systems {
		em, emLo, emHi := headlineEMCI(r.Run, s)
		rm := s.Scores.RM.Float()
		p := "ref"
		if s != r.Reference {
			p = pval(r.VsRef[i].PAdj)
		}
		cells := []string{systemLabel(s), pct(em), pctCI(emLo, emHi), pct(rm), pctCI(s.Scores.RMCI[0].Float(), s.Scores.RMCI[1].Float()), p, r.mark(i)}
		if matched > 0 {
			if ps := paper.System(s); ps != nil {
				cells = append(cells, pct(ps.EM), signedPts(em-ps.EM), pct(ps.RM), signedPts(rm-ps.RM))
			} else {
				cells = append(cells, Dash, Dash, Dash, Dash)
			}
		}
		t.Rows = append(t.Rows, Row{Group: s.Category, Cells: cells})
	}
	m := len(r.Run.Systems) - 1
	t.Notes = append(t.Notes, r.protocolNote())
	if m > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("Significance: reference %s; %s. %s the reference is significantly better than every other system; %s significantly worse than the reference; %s significantly better; no mark: not significant.",
			systemLabel(r.Reference), r.Opts.Significance.describe(m), MarkBeatsAll, MarkWorse, MarkBetter))
	} else {
		t.Notes = append(t.Notes, "Significance: one system only, nothing to test.")
	}
	if matched > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("Paper: %s, Table 2 (%s); Δ = ours − paper in percentage points; %d of %d paper systems matched by key.",
			paper.Source, paper.Data, matched, len(paper.Table2)))
	}
	t.Notes = append(t.Notes, r.runWarnings()...)
	if sk := r.Run.Manifest.Skipped; len(sk) > 0 {
		var parts []string
		for _, name := range slices.Sorted(maps.Keys(sk)) {
			parts = append(parts, name+" ("+sk[name]+")")
		}
		t.Notes = append(t.Notes, "Not run: "+strings.Join(parts, "; ")+".")
	}
	return t
}

// runWarnings are the run's and the systems' warnings, as notes.
func (r *Report) runWarnings() []string {
	var out []string
	for _, w := range r.Run.Warnings {
		out = append(out, "Warning: "+w)
	}
	for _, s := range r.Run.Systems {
		if n := trues(s.Outcomes.Failed); n > 0 {
			users := fmt.Sprintf("%s of %s", count(n), plural(len(s.Outcomes.Failed), "test user", "test users"))
			if n == len(s.Outcomes.Failed) {
				users = "all " + plural(n, "test user", "test users")
			}
			out = append(out, fmt.Sprintf("Warning: %s: %s failed and count as wrong; the first with: %s", s.Name, users, truncate(s.Outcomes.FirstError, 200)))
		}
		if s.Outcomes.Missing > 0 {
			verb := "have no prediction and count"
			if s.Outcomes.Missing == 1 {
				verb = "has no prediction and counts"
			}
			out = append(out, fmt.Sprintf("Warning: %s: %s %s as wrong.", s.Name, plural(s.Outcomes.Missing, "test user", "test users"), verb))
		}
	}
	return out
}

// mcnemarTable lists McNemar's test for every pair of systems.
func (r *Report) mcnemarTable() *Table {
	t := &Table{
		ID:    "mcnemar",
		Title: "Pairwise McNemar tests on exact match",
		Columns: []Column{
			{"System A", Left}, {"System B", Left}, {"b", Right}, {"c", Right}, {"Statistic", Right},
			{"p", Right}, {"p adj.", Right}, {"Result", Left},
		},
		Empty: "a single system has nothing to compare with",
	}
	alpha := r.Opts.Significance.Alpha
	byName := map[string]*System{}
	for _, s := range r.Run.Systems {
		byName[s.Name] = s
	}
	for _, p := range r.Pairs {
		res := "not significant"
		if p.Significant(alpha) {
			switch {
			case p.B > p.C:
				res = "A better"
			case p.C > p.B:
				res = "B better"
			}
		}
		t.Rows = append(t.Rows, Row{Cells: []string{
			systemLabel(byName[p.First]), systemLabel(byName[p.Second]), count(p.B), count(p.C),
			statistic(p.McNemarResult), pval(p.P), pval(p.PAdj), res,
		}})
	}
	t.Notes = append(t.Notes, r.protocolNote())
	if len(r.Pairs) > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("b: users only A predicted exactly; c: users only B did. %s (all pairs).", upperFirst(r.Opts.Significance.describe(len(r.Pairs)))))
		var warns []string
		seen := map[string]bool{}
		for _, p := range r.Pairs {
			for _, w := range p.Warnings {
				if !seen[w] {
					seen[w] = true
					warns = append(warns, w)
				}
			}
		}
		if len(warns) > 0 {
			t.Notes = append(t.Notes, "Warnings: "+strings.Join(warns, "; ")+".")
		}
	}
	return t
}

// statistic formats McNemar's statistic: a count for the exact test.
func statistic(r metrics.McNemarResult) string {
	if r.Method == metrics.McNemarExact {
		return fixed(r.Statistic, 0)
	}
	return fixed(r.Statistic, 2)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// trues counts the true values of xs.
func trues(xs []bool) int {
	n := 0
	for _, x := range xs {
		if x {
			n++
		}
	}
	return n
}
