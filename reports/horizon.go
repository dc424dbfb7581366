package reports

import (
	"fmt"

	"github.com/occbench/occbench/rundir"
)

// Tables of a path run (a run with a horizon K > 1): accuracy at each
// horizon h = 1..K and the whole-path measures. A single-step run has
// neither, and its report is what it was before paths existed.

// horizonSignificance tests, at each horizon, every other system against
// Table 2's reference on EM@h (free running), the correction applied over
// the family of those comparisons at that horizon.
func (r *Report) horizonSignificance() error {
	k := r.Run.Horizon()
	if k < 2 {
		return nil
	}
	ss := r.Run.Systems
	var pairs [][2]*System
	for _, s := range ss {
		if s != r.Reference {
			pairs = append(pairs, [2]*System{r.Reference, s})
		}
	}
	r.HorizonVsRef = make([][]Test, k)
	for h := range k {
		fam, err := testFamilyOn(pairs, r.Opts.Significance, func(s *System) []bool { return s.Outcomes.PathEM[h] })
		if err != nil {
			return fmt.Errorf("horizon %d: %w", h+1, err)
		}
		r.HorizonVsRef[h] = make([]Test, len(ss))
		j := 0
		for i, s := range ss {
			if s != r.Reference {
				r.HorizonVsRef[h][i] = fam[j]
				j++
			}
		}
	}
	return nil
}

// bayes is the run's bayes runner, whose EM@h is the ceiling at each
// horizon; nil without one.
func (r *Report) bayes() *System {
	for _, s := range r.Run.Systems {
		if s.Kind == "bayes" {
			return s
		}
	}
	return nil
}

// horizonScores is system s's scores at horizon h (1..K), or false when
// scores.json has none.
func horizonScores(s *System, h int) (rundir.HorizonScores, bool) {
	if h < 1 || h > len(s.Scores.Horizon) {
		return rundir.HorizonScores{}, false
	}
	return s.Scores.Horizon[h-1], true
}

// horizonTable is "accuracy by horizon": per system and horizon, EM@h and
// RM@h with intervals, the test against the reference at that horizon, the
// gap to the Bayes ceiling and the teacher-forced EM@h. One row per system
// and horizon keeps the table as narrow as Table 2 at any K.
func (r *Report) horizonTable() *Table {
	k := r.Run.Horizon()
	if k < 2 {
		return nil
	}
	t := &Table{
		ID:    "horizon",
		Title: fmt.Sprintf("Accuracy by horizon: the next %d jobs of %s", k, r.usersScored("test user", "test users")),
		Group: "System",
		Columns: []Column{
			{"h", Right}, {"EM@h (%)", Right}, {"EM 95% CI", Right}, {"RM@h (%)", Right}, {"RM 95% CI", Right},
			{"p adj. vs ref", Right}, {"Sig.", Center},
		},
	}
	bayes := r.bayes()
	if bayes != nil {
		t.Columns = append(t.Columns, Column{"Δ Bayes (pts)", Right})
	}
	t.Columns = append(t.Columns, Column{"Teacher-forced EM@h (%)", Right}, Column{"Teacher-forced 95% CI", Right})
	for i, s := range r.Run.Systems {
		for h := 1; h <= k; h++ {
			hs, ok := horizonScores(s, h)
			cells := []string{fmt.Sprint(h), Dash, Dash, Dash, Dash}
			if ok {
				cells = []string{fmt.Sprint(h), pct(hs.EM.Float()), pctCI(hs.EMCI[0].Float(), hs.EMCI[1].Float()),
					pct(hs.RM.Float()), pctCI(hs.RMCI[0].Float(), hs.RMCI[1].Float())}
			}
			p := "ref"
			if s != r.Reference {
				p = pval(r.HorizonVsRef[h-1][i].PAdj)
			}
			cells = append(cells, p, markOf(r.Run.Systems, r.Reference, r.HorizonVsRef[h-1], i, r.Opts.Significance.Alpha))
			if bayes != nil {
				gap := Dash
				if bs, bok := horizonScores(bayes, h); ok && bok && s != bayes {
					gap = signedPts(hs.EM.Float() - bs.EM.Float())
				} else if s == bayes {
					gap = "ceiling"
				}
				cells = append(cells, gap)
			}
			tf, tfCI := Dash, Dash
			if ok && hs.EMTeacher != nil {
				tf = pct(hs.EMTeacher.Float())
			}
			if ok && hs.EMTeacherCI != nil {
				tfCI = pctCI(hs.EMTeacherCI[0].Float(), hs.EMTeacherCI[1].Float())
			}
			cells = append(cells, tf, tfCI)
			t.Rows = append(t.Rows, Row{Group: systemLabel(s), Cells: cells})
		}
	}
	same := "At h = 1 they are Table 2's EM and RM."
	if strictEM(r.Run) {
		same = "EM@h compares codes, where Table 2's EM compares titles."
	}
	t.Notes = append(t.Notes, r.protocolNote(),
		fmt.Sprintf("Horizon: each user's next %d jobs. EM@h and RM@h score the h-th job of the system's free-running path (its own earlier predictions are its history) against the h-th true job; a user without a step-h prediction counts as wrong. %s", k, same))
	if m := len(r.Run.Systems) - 1; m > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("Significance at each horizon: reference %s (Table 2's) against every other system on EM@h, one family per horizon (%d families of m = %d); %s. %s the reference is significantly better than every other system at that h; %s significantly worse than the reference; %s significantly better; no mark: not significant.",
			systemLabel(r.Reference), k, m, r.Opts.Significance.describe(m), MarkBeatsAll, MarkWorse, MarkBetter))
	} else {
		t.Notes = append(t.Notes, "Significance: one system only, nothing to test.")
	}
	if bayes != nil {
		t.Notes = append(t.Notes, fmt.Sprintf("Bayes ceiling: %s answers the Bayes-optimal occupation at each h (the most probable one h jobs ahead), so its EM@h is the best any system can expect; Δ Bayes = EM@h − its EM@h, in percentage points.", systemLabel(bayes)))
	}
	t.Notes = append(t.Notes, "Teacher-forced EM@h: the true earlier jobs are given as history, which isolates the difficulty of step h; — for runners that record no teacher-forced steps (LLM and replayed runners).")
	return t
}

// markOf is Table 2's significance mark of system i against ref, from
// tests aligned with ss.
func markOf(ss []*System, ref *System, tests []Test, i int, alpha float64) string {
	s := ss[i]
	if s == ref {
		if len(ss) < 2 {
			return ""
		}
		for j, t := range tests {
			if ss[j] == ref {
				continue
			}
			if !t.Significant(alpha) || t.B <= t.C {
				return ""
			}
		}
		return MarkBeatsAll
	}
	t := tests[i]
	switch {
	case !t.Significant(alpha):
		return ""
	case t.B > t.C:
		return MarkWorse
	case t.C > t.B:
		return MarkBetter
	}
	return ""
}

// pathTable gives the whole-path measures per system.
func (r *Report) pathTable() *Table {
	k := r.Run.Horizon()
	if k < 2 {
		return nil
	}
	t := &Table{
		ID:    "paths",
		Title: fmt.Sprintf("Whole paths: %d predicted jobs against the true %d of %s", k, k, r.usersScored("test user", "test users")),
		Group: "Category",
		Columns: []Column{
			{"System", Left}, {"Exact path (%)", Right}, {"Correct prefix (jobs)", Right}, {"Jaccard", Right}, {"Edit distance", Right},
		},
	}
	for _, s := range r.Run.Systems {
		cells := []string{systemLabel(s), Dash, Dash, Dash, Dash}
		if p := s.Scores.Path; p != nil {
			cells = []string{systemLabel(s), pct(p.Exact.Float()), fixed(p.PrefixMean.Float(), 2), fixed(p.Jaccard.Float(), 3), fixed(p.Edit.Float(), 3)}
		}
		t.Rows = append(t.Rows, Row{Group: s.Category, Cells: cells})
	}
	t.Notes = append(t.Notes, r.protocolNote(),
		fmt.Sprintf("Per user, averaged: exact path, all %d jobs right in order; correct prefix, the jobs right before the first wrong one (0–%d); Jaccard, the overlap of the sets of predicted and true occupations (0–1, higher is better); edit distance, the Levenshtein distance between the predicted and true paths divided by %d (0 is the true path, lower is better). A failed or missing prediction is an empty path.", k, k, k))
	return t
}
