package reasons

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/occbench/occbench/internal/safefile"
	"github.com/occbench/occbench/metrics"
	"github.com/occbench/occbench/prompt"
)

// The result files of the method that a report reads from a run directory
// (occbench report shows them as Tables 1, 3 and 4). Fractions are 0–1,
// judge scores 1–5; null or an absent field is "not measured".
const (
	PerturbationFile = "judge_perturbation.json" // Table 1
	QualityFile      = "reason_quality.json"     // Table 3
	SourcesFile      = "reason_sources.json"     // Table 4
)

// PerturbationTable is judge_perturbation.json, Table 1, written by
// occbench perturb or by hand:
//
//	{"judge": "gpt-4.1", "users": 100,
//	 "rows": [{"type": "oracle", "label": "Oracle Reason", "n": 100,
//	           "factuality": 4.85, "coherence": 4.90, "utility": 4.93}, ...]}
//
// type is oracle, minor or major (any other type is shown as given).
type PerturbationTable struct {
	Judge string            `json:"judge"`
	Users int               `json:"users"`
	Rows  []PerturbationRow `json:"rows"`
}

// PerturbationRow is a reason type's mean scores; a mean with no score is
// null (missing).
type PerturbationRow struct {
	Type  string `json:"type"`
	Label string `json:"label"`
	N     int    `json:"n"`
	JudgeMeans
}

// JudgeMeans are the judge's mean scores (1–5) on each dimension over a
// set of reasons; missing where it scored none.
type JudgeMeans struct {
	Factuality metrics.Number `json:"factuality"`
	Coherence  metrics.Number `json:"coherence"`
	Utility    metrics.Number `json:"utility"`
}

// NewPerturbationTable averages the judge's records of a perturbation
// study into Table 1's three rows.
func NewPerturbationTable(recs []JudgeRecord, judge string, users int) *PerturbationTable {
	type acc struct {
		sum float64
		n   int
	}
	cells := map[string]*acc{} // source/dimension
	for _, r := range recs {
		for i, s := range r.Scores() {
			if s == 0 {
				continue
			}
			k := r.Source + "/" + prompt.JudgeDimensions[i]
			if cells[k] == nil {
				cells[k] = &acc{}
			}
			cells[k].sum += float64(s)
			cells[k].n++
		}
	}
	mean := func(source, dim string) metrics.Number {
		a := cells[source+"/"+dim]
		if a == nil || a.n == 0 {
			return metrics.Number{}
		}
		return metrics.Num(math.Round(a.sum/float64(a.n)*1e4) / 1e4)
	}
	// The oracle row averages the reasons as they are; a perturbed row
	// averages each dimension over the versions that attack it.
	t := &PerturbationTable{Judge: judge, Users: users}
	t.Rows = append(t.Rows, PerturbationRow{Type: "oracle", Label: "Oracle Reason", N: users,
		JudgeMeans: JudgeMeans{mean("oracle", "factuality"), mean("oracle", "coherence"), mean("oracle", "utility")}})
	for _, typ := range []string{"minor", "major"} {
		label := map[string]string{"minor": "Minor Perturbation", "major": "Major Perturbation"}[typ]
		t.Rows = append(t.Rows, PerturbationRow{Type: typ, Label: label, N: users,
			JudgeMeans: JudgeMeans{mean(typ+"-factuality", "factuality"), mean(typ+"-coherence", "coherence"), mean(typ+"-utility", "utility")}})
	}
	return t
}

// QualityTable is reason_quality.json, Table 3, written by occbench judge --table3
// or by hand:
//
//	{"judge": "gpt-4.1", "users": 100,
//	 "bleu_signature": "...", "rouge_signature": "...",
//	 "systems": [{"runner": "oracle", "label": "Oracle Reason", "n": 100,
//	              "factuality": 4.86, "coherence": 4.93, "utility": 4.98,
//	              "overall": 4.92, "pass_rate": 0.93,
//	              "bleu": null, "rouge1": null, "rouge2": null, "rougeL": null},
//	             {"runner": "qwen3-joint-dpo", "paper": "qwen3-8b-joint-sft-dpo", ...}]}
//
// runner is a runner of the run or "oracle"; label overrides the name shown;
// paper names the paper's Table 3 row. overall defaults to the mean of the
// three dimensions. BLEU and ROUGE given here win over those computed from
// the run (a runner's reasons against the test set's oracle_reason column).
type QualityTable struct {
	Judge          string       `json:"judge"`
	Users          int          `json:"users"`
	BLEUSignature  string       `json:"bleu_signature"`
	ROUGESignature string       `json:"rouge_signature"`
	Systems        []QualityRow `json:"systems"`
}

// QualityRow is one reason source's quality.
type QualityRow struct {
	Runner string `json:"runner"`
	Label  string `json:"label"`
	Paper  string `json:"paper"`
	N      int    `json:"n"`
	JudgeMeans
	Overall  metrics.Number `json:"overall"`
	PassRate metrics.Number `json:"pass_rate"`
	BLEU     metrics.Number `json:"bleu"`
	ROUGE1   metrics.Number `json:"rouge1"`
	ROUGE2   metrics.Number `json:"rouge2"`
	ROUGEL   metrics.Number `json:"rougeL"`
}

// SourcesTable is reason_sources.json, Table 4, written by occbench
// sources or by hand:
//
//	{"users": 300,
//	 "rows": [{"predictor": "Qwen3-8B-P", "reasons": "Oracle Reason",
//	           "runner": "p-oracle", "n": 300, "em": 0.8333, "rm": 0.8409,
//	           "em_ci": [0.79, 0.87], "rm_ci": [0.80, 0.88]}, ...]}
//
// A row that names a runner of the run and gives no em takes EM, RM and
// their intervals from the run's scores.
type SourcesTable struct {
	Users int         `json:"users"`
	Rows  []SourceRow `json:"rows"`
}

// SourceRow is one predictor × reason source cell.
type SourceRow struct {
	Predictor string `json:"predictor"`
	Reasons   string `json:"reasons"`
	Accuracy
}

// Accuracy is EM and RM with their 95% intervals over N users, as a
// results file gives them; Runner names the runner of the run they come
// from, and a row that names one and gives no EM takes them from the run's
// scores.
type Accuracy struct {
	Runner string            `json:"runner"`
	N      int               `json:"n"`
	EM     metrics.Number    `json:"em"`
	RM     metrics.Number    `json:"rm"`
	EMCI   [2]metrics.Number `json:"em_ci"`
	RMCI   [2]metrics.Number `json:"rm_ci"`
}

// QualityRowOf is a judge summary as the row of system in Table 3.
func QualityRowOf(system string, sum *JudgeSummary) QualityRow {
	row := QualityRow{Runner: system, N: sum.Reasons, Overall: metrics.Num(sum.Overall),
		JudgeMeans: JudgeMeans{metrics.Num(sum.Means["factuality"]), metrics.Num(sum.Means["coherence"]), metrics.Num(sum.Means["utility"])}}
	if sum.Reasons > 0 {
		row.PassRate = metrics.Num(float64(sum.Kept) / float64(sum.Reasons))
	}
	return row
}

// UpsertQuality adds or replaces the judge's row for system in runDir's
// reason_quality.json, keeping the rows of other systems and what other
// steps filled in (BLEU, ROUGE, labels).
func UpsertQuality(runDir, system string, sum *JudgeSummary) error {
	path := filepath.Join(runDir, QualityFile)
	var t QualityTable
	if b, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(b, &t); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	row := QualityRowOf(system, sum)
	t.Judge = sum.Judge
	replaced := false
	for i := range t.Systems {
		if old := t.Systems[i]; old.Runner == system {
			row.Label, row.Paper, row.BLEU, row.ROUGE1, row.ROUGE2, row.ROUGEL = old.Label, old.Paper, old.BLEU, old.ROUGE1, old.ROUGE2, old.ROUGEL
			t.Systems[i], replaced = row, true
		}
	}
	if !replaced {
		t.Systems = append(t.Systems, row)
	}
	return safefile.WriteJSON(path, t)
}
