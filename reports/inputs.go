package reports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/occbench/occbench/metrics"
)

// Results made outside a run (by occbench judge, perturb, a Table 4 run, or
// by hand) reach the report as JSON files in the run directory, each with
// the shape below. Fractions are 0–1, judge scores 1–5, null or an absent
// field is "not measured" and prints as a dash.
const (
	PerturbationFile = "judge_perturbation.json" // Table 1
	ReasonsFile      = "reason_quality.json"     // Table 3
	SourcesFile      = "reason_sources.json"     // Table 4
	ScalingFile      = "scaling.json"            // scaling results
)

// Inputs are the optional results a report shows beside the run's own.
type Inputs struct {
	Perturbation *PerturbationInput
	Reasons      *ReasonsInput
	Sources      *SourcesInput
	Scaling      *ScalingInput
}

// PerturbationInput is judge_perturbation.json, Table 1:
//
//	{"judge": "gpt-4.1", "users": 100,
//	 "rows": [{"type": "oracle", "label": "Oracle Reason", "n": 100,
//	           "factuality": 4.85, "coherence": 4.90, "utility": 4.93}, ...]}
//
// type is oracle, minor or major (any other type is shown as given).
type PerturbationInput struct {
	Judge string            `json:"judge"`
	Users int               `json:"users"`
	Rows  []PerturbationRow `json:"rows"`
}

// PerturbationRow is one reason type's mean judge scores.
type PerturbationRow struct {
	Type       string         `json:"type"`
	Label      string         `json:"label"`
	N          int            `json:"n"`
	Factuality metrics.Number `json:"factuality"`
	Coherence  metrics.Number `json:"coherence"`
	Utility    metrics.Number `json:"utility"`
}

// ReasonsInput is reason_quality.json, Table 3:
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
type ReasonsInput struct {
	Judge          string      `json:"judge"`
	Users          int         `json:"users"`
	BLEUSignature  string      `json:"bleu_signature"`
	ROUGESignature string      `json:"rouge_signature"`
	Systems        []ReasonRow `json:"systems"`
}

// ReasonRow is one reason source's quality.
type ReasonRow struct {
	Runner     string         `json:"runner"`
	Label      string         `json:"label"`
	Paper      string         `json:"paper"`
	N          int            `json:"n"`
	Factuality metrics.Number `json:"factuality"`
	Coherence  metrics.Number `json:"coherence"`
	Utility    metrics.Number `json:"utility"`
	Overall    metrics.Number `json:"overall"`
	PassRate   metrics.Number `json:"pass_rate"`
	BLEU       metrics.Number `json:"bleu"`
	ROUGE1     metrics.Number `json:"rouge1"`
	ROUGE2     metrics.Number `json:"rouge2"`
	ROUGEL     metrics.Number `json:"rougeL"`
}

// SourcesInput is reason_sources.json, Table 4:
//
//	{"users": 300,
//	 "rows": [{"predictor": "Qwen3-8B-P", "reasons": "Oracle Reason",
//	           "runner": "p-oracle", "n": 300, "em": 0.8333, "rm": 0.8409,
//	           "em_ci": [0.79, 0.87], "rm_ci": [0.80, 0.88]}, ...]}
//
// A row that names a runner of the run and gives no em takes EM, RM and
// their intervals from the run's scores.
type SourcesInput struct {
	Users int         `json:"users"`
	Rows  []SourceRow `json:"rows"`
}

// SourceRow is one predictor × reason source cell.
type SourceRow struct {
	Predictor string            `json:"predictor"`
	Reasons   string            `json:"reasons"`
	Runner    string            `json:"runner"`
	N         int               `json:"n"`
	EM        metrics.Number    `json:"em"`
	RM        metrics.Number    `json:"rm"`
	EMCI      [2]metrics.Number `json:"em_ci"`
	RMCI      [2]metrics.Number `json:"rm_ci"`
}

// ScalingInput is scaling.json:
//
//	{"studies": [{"name": "Training set size", "x_label": "training users",
//	  "series": [{"name": "Qwen3-8B-Joint-SFT",
//	              "points": [{"label": "100", "runner": "joint-sft-100"},
//	                         {"label": "1,000", "em": 0.261, "rm": 0.30, "n": 1000}]}]}]}
//
// A point that names a runner of the run and gives no em takes its scores.
// Points are plotted evenly spaced, in the order given, labelled by label.
type ScalingInput struct {
	Studies []ScalingStudy `json:"studies"`
}

// ScalingStudy is one scaling experiment (training size, backbone size).
type ScalingStudy struct {
	Name   string          `json:"name"`
	XLabel string          `json:"x_label"`
	Series []ScalingSeries `json:"series"`
}

// ScalingSeries is one curve.
type ScalingSeries struct {
	Name   string         `json:"name"`
	Points []ScalingPoint `json:"points"`
}

// ScalingPoint is one model of a curve.
type ScalingPoint struct {
	Label  string            `json:"label"`
	Runner string            `json:"runner"`
	N      int               `json:"n"`
	EM     metrics.Number    `json:"em"`
	RM     metrics.Number    `json:"rm"`
	EMCI   [2]metrics.Number `json:"em_ci"`
	RMCI   [2]metrics.Number `json:"rm_ci"`
}

// InputPaths name the input files; empty paths are looked for in the run
// directory under their default names, and are optional there.
type InputPaths struct {
	Perturbation, Reasons, Sources, Scaling string
}

// LoadInputs reads the inputs a report can use. A file named explicitly
// must exist; a default one may be absent.
func LoadInputs(runDir string, p InputPaths) (Inputs, error) {
	var in Inputs
	for _, f := range []struct {
		path, def string
		dst       any
		set       func()
	}{
		{p.Perturbation, PerturbationFile, &in.Perturbation, nil},
		{p.Reasons, ReasonsFile, &in.Reasons, nil},
		{p.Sources, SourcesFile, &in.Sources, nil},
		{p.Scaling, ScalingFile, &in.Scaling, nil},
	} {
		path, optional := f.path, false
		if path == "" {
			path, optional = filepath.Join(runDir, f.def), true
		}
		b, err := os.ReadFile(path)
		if optional && errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return in, err
		}
		if err := decodeStrict(b, f.dst); err != nil {
			return in, fmt.Errorf("%s: %w", path, err)
		}
	}
	return in, nil
}

// decodeStrict decodes JSON rejecting unknown fields, so that a misspelt
// field is an error rather than a silent dash.
func decodeStrict(b []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(dst)
}
