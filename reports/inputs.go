package reports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/occbench/occbench/reasons"
)

// Results made outside a run (by occbench judge, perturb, sources, or by
// hand) reach the report as JSON files in the run directory: the method's
// result files (package reasons) and ScalingFile. Fractions are 0–1, judge
// scores 1–5, null or an absent field is "not measured" and prints as a
// dash.
const ScalingFile = "scaling.json"

// Inputs are the optional results a report shows beside the run's own.
type Inputs struct {
	Perturbation *reasons.PerturbationTable
	Reasons      *reasons.QualityTable
	Sources      *reasons.SourcesTable
	Scaling      *ScalingInput
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
	Label string `json:"label"`
	reasons.Accuracy
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
		{p.Perturbation, reasons.PerturbationFile, &in.Perturbation, nil},
		{p.Reasons, reasons.QualityFile, &in.Reasons, nil},
		{p.Sources, reasons.SourcesFile, &in.Sources, nil},
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
