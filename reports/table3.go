package reports

import (
	"fmt"
	"math"
	"strings"

	"github.com/occbench/occbench/reasons"
)

// reasonRow is a Table 3 row resolved from the input file and the run.
type reasonRow struct {
	label, runner, paper string
	n                    int
	fact, cohr, util     float64
	overall, pass        float64
	bleu, r1, r2, rl     float64
}

// reasonRows merges reason_quality.json with the similarity computed from
// the run: input rows first, in their order, then the run's other systems
// that wrote reasons.
func (r *Report) reasonRows() []reasonRow {
	var rows []reasonRow
	seen := map[string]bool{}
	if in := r.Opts.Inputs.Reasons; in != nil {
		for _, x := range in.Systems {
			row := reasonRow{runner: x.Runner, paper: x.Paper, n: x.N, label: x.Label,
				fact: x.Factuality.Float(), cohr: x.Coherence.Float(), util: x.Utility.Float(),
				overall: x.Overall.Float(), pass: x.PassRate.Float(),
				bleu: x.BLEU.Float(), r1: x.ROUGE1.Float(), r2: x.ROUGE2.Float(), rl: x.ROUGEL.Float()}
			if row.label == "" {
				row.label = r.reasonLabel(x.Runner)
			}
			if math.IsNaN(row.overall) && !math.IsNaN(row.fact+row.cohr+row.util) {
				row.overall = (row.fact + row.cohr + row.util) / 3
			}
			if sim := r.Similarity[x.Runner]; sim != nil && math.IsNaN(row.bleu+row.r1+row.r2+row.rl) {
				row.bleu, row.r1, row.r2, row.rl = sim.BLEU, sim.ROUGE1, sim.ROUGE2, sim.ROUGEL
			}
			seen[x.Runner] = true
			rows = append(rows, row)
		}
	}
	for _, s := range r.Run.Systems {
		sim := r.Similarity[s.Name]
		if sim == nil || seen[s.Name] {
			continue
		}
		nan := math.NaN()
		rows = append(rows, reasonRow{label: systemLabel(s), runner: s.Name, paper: s.Paper, n: sim.N,
			fact: nan, cohr: nan, util: nan, overall: nan, pass: nan,
			bleu: sim.BLEU, r1: sim.ROUGE1, r2: sim.ROUGE2, rl: sim.ROUGEL})
	}
	return rows
}

// reasonLabel names a reason source: the oracle, a runner of the run, or
// the name as given.
func (r *Report) reasonLabel(runner string) string {
	if strings.EqualFold(runner, "oracle") {
		return "Oracle Reason"
	}
	if s := r.Run.System(runner); s != nil {
		return systemLabel(s)
	}
	return runner
}

// table3 is the paper's Table 3: judge scores and similarity to the oracle
// reasons, per reason source.
func (r *Report) table3() *Table {
	t := &Table{
		ID:    "table3",
		Title: "Table 3: Reasoning quality (LLM judge, 1–5) and text similarity against the oracle reason",
		Columns: []Column{
			{"Reasons", Left}, {"N", Right}, {"Fact.", Right}, {"Cohr.", Right}, {"Util.", Right}, {"Overall", Right},
			{"Pass (%)", Right}, {"BLEU", Right}, {"ROUGE-1", Right}, {"ROUGE-2", Right}, {"ROUGE-L", Right},
		},
		Empty: fmt.Sprintf("no reason scores: write %s in the run directory (occbench judge) or give the test set an oracle_reason column", reasons.QualityFile),
	}
	for _, x := range r.reasonRows() {
		n := Dash
		if x.n > 0 {
			n = count(x.n)
		}
		t.Rows = append(t.Rows, Row{Cells: []string{
			x.label, n, fixed(x.fact, 2), fixed(x.cohr, 2), fixed(x.util, 2), fixed(x.overall, 2), pct(x.pass),
			fixed(x.bleu, 4), fixed(x.r1, 4), fixed(x.r2, 4), fixed(x.rl, 4),
		}})
	}
	// The judged reasons are not the run's test users (oracle reasons come
	// from training users): N counts each row's own reasons.
	t.Notes = append(t.Notes, "Users: each row's N reasons as judged; BLEU and ROUGE against the oracle_reason of the run's test users that have one, not the EM/RM protocol of Table 2.")
	in := r.Opts.Inputs.Reasons
	if in != nil {
		judge, users := judgeAndCount(in.Judge, in.Users, " over ", "user", "users")
		t.Notes = append(t.Notes, fmt.Sprintf("Judge: %s%s (from %s); overall is the mean of the three dimensions unless given; pass: every dimension at least 4.", judge, users, reasons.QualityFile))
	}
	bleu, rouge := r.similaritySignatures()
	if bleu != "" {
		t.Notes = append(t.Notes, "BLEU: "+bleu+".")
	}
	if rouge != "" {
		t.Notes = append(t.Notes, "ROUGE: "+rouge+".")
	}
	return t
}

// similaritySignatures are the BLEU and ROUGE settings behind Table 3's
// numbers: the input file's, the run's, or both.
func (r *Report) similaritySignatures() (bleu, rouge string) {
	var bs, rs []string
	if in := r.Opts.Inputs.Reasons; in != nil {
		if in.BLEUSignature != "" {
			bs = append(bs, in.BLEUSignature+" ("+reasons.QualityFile+")")
		}
		if in.ROUGESignature != "" {
			rs = append(rs, in.ROUGESignature+" ("+reasons.QualityFile+")")
		}
	}
	for _, s := range r.Run.Systems {
		if sim := r.Similarity[s.Name]; sim != nil {
			bs = append(bs, sim.BLEUSignature+" (computed from the run)")
			rs = append(rs, sim.ROUGESignature+" (computed from the run)")
			break
		}
	}
	return strings.Join(bs, "; "), strings.Join(rs, "; ")
}

// perturbationLabel names a Table 1 row type as the paper does.
func perturbationLabel(typ string) string {
	switch strings.ToLower(typ) {
	case "oracle":
		return "Oracle Reason"
	case "minor":
		return "Minor Perturbation"
	case "major":
		return "Major Perturbation"
	}
	return typ
}

// table1 is the paper's Table 1: the judge's scores on oracle reasons and
// their minor and major perturbations.
func (r *Report) table1() *Table {
	t := &Table{
		ID:      "table1",
		Title:   "Table 1: LLM-as-a-judge under perturbation (mean scores, 1–5)",
		Columns: []Column{{"Reason type", Left}, {"N", Right}, {"Factuality", Right}, {"Coherence", Right}, {"Utility", Right}},
		Empty:   fmt.Sprintf("no perturbation results: write %s in the run directory (occbench perturb)", reasons.PerturbationFile),
	}
	in := r.Opts.Inputs.Perturbation
	if in != nil {
		for _, x := range in.Rows {
			label := x.Label
			if label == "" {
				label = perturbationLabel(x.Type)
			}
			n := Dash
			if x.N > 0 {
				n = count(x.N)
			}
			t.Rows = append(t.Rows, Row{Cells: []string{label, n, fixed(x.Factuality.Float(), 2), fixed(x.Coherence.Float(), 2), fixed(x.Utility.Float(), 2)}})
		}
	}
	// The study judges a sample of oracle reasons, not the run's test
	// users: the EM/RM protocol does not apply.
	if in != nil {
		judge, users := judgeAndCount(in.Judge, in.Users, ", ", "reason", "reasons")
		t.Notes = append(t.Notes, fmt.Sprintf("Judge: %s%s (from %s). Minor: 1 fact changed, 20%% of sentences shuffled, a related occupation; major: 2–3 facts, 50%%, an unrelated occupation.", judge, users, reasons.PerturbationFile))
	}
	return t
}

// judgeAndCount is the judge an input file names ("not named" when it
// names none) and, after sep, how many it judged ("" when not given).
func judgeAndCount(judge string, n int, sep, one, many string) (string, string) {
	if judge == "" {
		judge = "not named"
	}
	if n <= 0 {
		return judge, ""
	}
	return judge, sep + plural(n, one, many)
}
