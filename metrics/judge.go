package metrics

import (
	"fmt"
	"math"
)

// JudgeDimensions are the paper's LLM-judge dimensions, scored 1–5 each.
var JudgeDimensions = []string{"factuality", "coherence", "utility"}

// JudgeOptions configure judge aggregation.
type JudgeOptions struct {
	Dimensions []string // default JudgeDimensions
	Threshold  float64  // a reason passes when every dimension is at least this; default 4
}

// DefaultJudge is the paper's filter: keep a reason when all three scores
// are at least 4.
var DefaultJudge = JudgeOptions{Dimensions: JudgeDimensions, Threshold: 4}

// JudgeSample is one reason's scores by dimension; a missing or NaN score
// means the judge failed on that dimension.
type JudgeSample struct {
	ID     string
	Scores map[string]float64
}

// JudgeSummary aggregates judge scores.
type JudgeSummary struct {
	N          int
	Dimensions []string
	Means      []float64 // per dimension, over the samples that have a score
	Counts     []int     // scored samples per dimension
	Overall    float64   // mean of the per-dimension means
	PassRate   float64   // share of all samples with every dimension ≥ Threshold
	Threshold  float64
	Warnings   []string
}

// AggregateJudge computes per-dimension means, their overall mean and the
// share of reasons at or above the threshold on every dimension. A sample
// missing any dimension does not pass but stays in the denominator.
func AggregateJudge(samples []JudgeSample, o JudgeOptions) JudgeSummary {
	if len(o.Dimensions) == 0 {
		o.Dimensions = JudgeDimensions
	}
	if o.Threshold == 0 {
		o.Threshold = DefaultJudge.Threshold
	}
	d := len(o.Dimensions)
	js := JudgeSummary{N: len(samples), Dimensions: o.Dimensions, Threshold: o.Threshold,
		Means: make([]float64, d), Counts: make([]int, d)}
	vals := make([][]float64, d)
	pass := 0
	for _, s := range samples {
		ok := true
		for k, dim := range o.Dimensions {
			v, has := s.Scores[dim]
			if !has || math.IsNaN(v) {
				ok = false
				continue
			}
			vals[k] = append(vals[k], v)
			if v < o.Threshold {
				ok = false
			}
		}
		if ok {
			pass++
		}
	}
	means := make([]float64, 0, d)
	for k := range o.Dimensions {
		js.Counts[k] = len(vals[k])
		js.Means[k] = mean(vals[k])
		if js.Counts[k] < len(samples) {
			js.Warnings = append(js.Warnings, fmt.Sprintf("%s: %d of %d samples unscored", o.Dimensions[k], len(samples)-js.Counts[k], len(samples)))
		}
		means = append(means, js.Means[k])
	}
	js.Overall = mean(means)
	js.PassRate = math.NaN()
	if len(samples) > 0 {
		js.PassRate = float64(pass) / float64(len(samples))
	}
	return js
}
