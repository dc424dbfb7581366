package reports

import (
	"math"
)

// ratesTable is per-runner reliability and cost: error, unmapped-answer and
// missing rates, the other EM, latency and tokens per user, and the ranking
// metrics of runners that rank.
func (r *Report) ratesTable() *Table {
	otherEM := "EM strict (%)"
	if strictEM(r.Run) {
		otherEM = "EM codes (%)"
	}
	t := &Table{
		ID:    "rates",
		Title: "Per-runner error and unmapped-answer rates, cost, and ranking metrics",
		Group: "Category",
		Columns: []Column{
			{"System", Left}, {"Errors (%)", Right}, {"Unmapped (%)", Right}, {"Missing", Right}, {otherEM, Right},
			{"Latency (ms)", Right}, {"Prompt tok.", Right}, {"Compl. tok.", Right},
			{"HR@10 (%)", Right}, {"NDCG@10", Right}, {"MRR", Right},
		},
	}
	for _, s := range r.Run.Systems {
		sc := s.Scores
		other := sc.EMStrict.Float()
		if strictEM(r.Run) {
			other = sc.EM.Float()
		}
		hr, nd, mrr := Dash, Dash, Dash
		if m, ok := sc.HR["10"]; ok {
			hr = pct(m.Estimate)
		}
		if m, ok := sc.NDCG["10"]; ok {
			nd = fixed(m.Estimate, 4)
		}
		if sc.MRR != nil {
			mrr = fixed(sc.MRR.Estimate, 4)
		}
		t.Rows = append(t.Rows, Row{Group: s.Category, Cells: []string{
			systemLabel(s), pct(sc.Errors.Float()), pct(sc.Unmapped.Float()), count(s.Outcomes.Missing), pct(other),
			ms(sc.LatencyMS.Float()), tokens(sc.PromptTok.Float()), tokens(sc.CompleteTok.Float()), hr, nd, mrr,
		}})
	}
	t.Notes = append(t.Notes, r.protocolNote(),
		"Errors: predictions recorded with an error (counted wrong). Unmapped: answers that did not map onto O*NET (counted wrong). Missing: test users without a prediction. Latency (ms), prompt and completion tokens: means per recorded user, as the runner recorded them; ranking metrics only for runners that rank all occupations.")
	if strictEM(r.Run) {
		t.Notes = append(t.Notes, "EM codes: O*NET codes equal after mapping the answer.")
	} else {
		t.Notes = append(t.Notes, "EM strict: the paper's released definition, the answer string equal to the true title after trimming.")
	}
	return t
}

// tokens formats a mean token count; zero means the runner records none.
func tokens(x float64) string {
	if math.IsNaN(x) || x == 0 {
		return Dash
	}
	return fixed(x, 1)
}
