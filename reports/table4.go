package reports

import (
	"fmt"
	"math"
	"strings"

	"github.com/occbench/occbench/metrics"
	"github.com/occbench/occbench/reasons"
)

// accuracy is a row's EM and RM with their intervals, over N users.
type accuracy struct {
	EM, RM metrics.Interval
	N      int
}

// fromRun is an input row's accuracy, taken from a runner of the run when
// the row names one and gives no EM itself.
func (r *Report) fromRun(a reasons.Accuracy) accuracy {
	if s := r.Run.System(a.Runner); s != nil && !a.EM.Valid() {
		e, lo, hi := headlineEMCI(r.Run, s)
		sc := s.Scores
		return accuracy{
			EM: metrics.Interval{Estimate: e, Lo: lo, Hi: hi},
			RM: metrics.Interval{Estimate: sc.RM.Float(), Lo: sc.RMCI[0].Float(), Hi: sc.RMCI[1].Float()},
			N:  sc.N,
		}
	}
	return accuracy{
		EM: metrics.Interval{Estimate: a.EM.Float(), Lo: a.EMCI[0].Float(), Hi: a.EMCI[1].Float()},
		RM: metrics.Interval{Estimate: a.RM.Float(), Lo: a.RMCI[0].Float(), Hi: a.RMCI[1].Float()},
		N:  a.N,
	}
}

func countOrDash(n int) string {
	if n <= 0 {
		return Dash
	}
	return count(n)
}

// table4 is the paper's Table 4: occupation predictors crossed with reason
// sources.
func (r *Report) table4() *Table {
	t := &Table{
		ID:    "table4",
		Title: "Table 4: Occupation predictor × reason generator",
		Group: "Occupation predictor (P)",
		Columns: []Column{
			{"Reason generator (R)", Left}, {"N", Right}, {"EM (%)", Right}, {"EM 95% CI", Right}, {"RM (%)", Right}, {"RM 95% CI", Right},
		},
		Empty: fmt.Sprintf("no predictor × reason results: write %s in the run directory", reasons.SourcesFile),
	}
	in := r.Opts.Inputs.Sources
	if in != nil {
		for _, x := range in.Rows {
			a := r.fromRun(x.Accuracy)
			t.Rows = append(t.Rows, Row{Group: x.Predictor, Cells: []string{x.Reasons, countOrDash(a.N), pct(a.EM.Estimate), pctCI(a.EM.Lo, a.EM.Hi), pct(a.RM.Estimate), pctCI(a.RM.Lo, a.RM.Hi)}})
		}
	}
	t.Notes = append(t.Notes, r.protocolNote())
	if in != nil && in.Users > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("Users: the %s of the test set with oracle reasons (from %s).", plural(in.Users, "user", "users"), reasons.SourcesFile))
	}
	return t
}

// scalingPoint is a resolved point of a scaling curve.
type scalingPoint struct {
	study, series, label string
	accuracy
}

func (r *Report) scalingPoints() []scalingPoint {
	var out []scalingPoint
	in := r.Opts.Inputs.Scaling
	if in == nil {
		return nil
	}
	for _, st := range in.Studies {
		for _, se := range st.Series {
			for _, p := range se.Points {
				out = append(out, scalingPoint{st.Name, se.Name, p.Label, r.fromRun(p.Accuracy)})
			}
		}
	}
	return out
}

// scalingTable lists the scaling results, one row per model.
func (r *Report) scalingTable() *Table {
	t := &Table{
		ID:      "scaling",
		Title:   "Scaling: accuracy by training-set size and backbone size",
		Group:   "Study",
		Columns: []Column{{"Series", Left}, {"Point", Left}, {"N", Right}, {"EM (%)", Right}, {"EM 95% CI", Right}, {"RM (%)", Right}},
		Empty:   fmt.Sprintf("no scaling results: write %s in the run directory", ScalingFile),
	}
	for _, p := range r.scalingPoints() {
		t.Rows = append(t.Rows, Row{Group: p.study, Cells: []string{p.series, p.label, countOrDash(p.N), pct(p.EM.Estimate), pctCI(p.EM.Lo, p.EM.Hi), pct(p.RM.Estimate)}})
	}
	t.Notes = append(t.Notes, r.protocolNote())
	return t
}

// paperTable puts every published number that a row of ours matches beside
// ours: Tables 1–4 and the scaling results.
func (r *Report) paperTable() *Table {
	p := r.Opts.Paper
	if p == nil {
		return nil
	}
	t := &Table{
		ID:      "paper",
		Title:   "Paper versus this run",
		Group:   "Table",
		Columns: []Column{{"Row", Left}, {"Metric", Left}, {"Paper (different data)", Right}, {"Ours", Right}, {"Δ (not comparable)", Right}},
		Empty:   "no system of this run matches a row of the paper (match by runner name, a `paper` setting, or aliases in the expectations file)",
	}
	add := func(table, row, metric string, paper, ours float64, percent bool, dec int) {
		if math.IsNaN(paper) || math.IsNaN(ours) {
			return
		}
		cells := []string{row, metric, fixed(paper, dec), fixed(ours, dec), signed(ours-paper, dec)}
		if percent {
			cells = []string{row, metric + " (%)", pct(paper), pct(ours), signedPts(ours - paper)}
		}
		t.Rows = append(t.Rows, Row{Group: table, Cells: cells})
	}
	for _, s := range r.Run.Systems {
		if ps := p.System(s); ps != nil {
			add("Table 2", paperRow(systemLabel(s), ps.Name), "EM", ps.EM, headlineEM(r.Run, s), true, 2)
			add("Table 2", paperRow(systemLabel(s), ps.Name), "RM", ps.RM, s.Scores.RM.Float(), true, 2)
		}
	}
	if in := r.Opts.Inputs.Perturbation; in != nil {
		for _, x := range in.Rows {
			for _, pj := range p.Table1 {
				if eqFold(pj.Type, x.Type) {
					label := perturbationLabel(x.Type)
					add("Table 1", label, "Factuality", pj.Factuality, x.Factuality.Float(), false, 2)
					add("Table 1", label, "Coherence", pj.Coherence, x.Coherence.Float(), false, 2)
					add("Table 1", label, "Utility", pj.Utility, x.Utility.Float(), false, 2)
				}
			}
		}
	}
	for _, x := range r.reasonRows() {
		keys := []string{x.paper, x.runner, x.label}
		if s := r.Run.System(x.runner); s != nil {
			keys = append([]string{x.paper}, p.keysOf(s)...)
		}
		pr := p.reason(keys...)
		if pr == nil {
			continue
		}
		for _, m := range []struct {
			name  string
			paper *float64
			ours  float64
			dec   int
		}{
			{"Factuality", pr.Factuality, x.fact, 2}, {"Coherence", pr.Coherence, x.cohr, 2}, {"Utility", pr.Utility, x.util, 2},
			{"Overall", pr.Overall, x.overall, 2}, {"BLEU", pr.BLEU, x.bleu, 4}, {"ROUGE-1", pr.ROUGE1, x.r1, 4},
			{"ROUGE-2", pr.ROUGE2, x.r2, 4}, {"ROUGE-L", pr.ROUGEL, x.rl, 4},
		} {
			add("Table 3", paperRow(x.label, pr.Name), m.name, orNaN(m.paper), m.ours, false, m.dec)
		}
	}
	if in := r.Opts.Inputs.Sources; in != nil {
		for _, x := range in.Rows {
			for _, ps := range p.Table4 {
				if eqFold(ps.Predictor, x.Predictor) && eqFold(ps.Reasons, x.Reasons) {
					a := r.fromRun(x.Accuracy)
					row := x.Predictor + " + " + x.Reasons
					add("Table 4", row, "EM", ps.EM, a.EM.Estimate, true, 2)
					add("Table 4", row, "RM", ps.RM, a.RM.Estimate, true, 2)
				}
			}
		}
	}
	for _, x := range r.scalingPoints() {
		for _, sc := range p.Scaling {
			if !eqFold(sc.Study, x.study) || !eqFold(sc.Series, x.series) {
				continue
			}
			for _, pp := range sc.Points {
				if eqFold(pp.Label, x.label) {
					add("Scaling", x.study+": "+x.series+" @ "+x.label, "EM", pp.EM, x.EM.Estimate, true, 2)
				}
			}
		}
	}
	t.Notes = append(t.Notes, r.protocolNote(),
		fmt.Sprintf("Paper: %s (%s). Δ = ours − paper; percentages in points. Rows are matched by key: a runner's `paper` setting, the aliases of the expectations file, or equal names.", p.Source, p.Data))
	return t
}

// paperRow names a matched row: ours, and the paper's name where it differs.
func paperRow(ours, paper string) string {
	if strings.EqualFold(ours, paper) {
		return ours
	}
	return ours + " (paper: " + paper + ")"
}

func eqFold(a, b string) bool { return a != "" && b != "" && strings.EqualFold(a, b) }
