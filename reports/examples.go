package reports

import (
	"slices"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/rundir"
)

// Example is one prediction shown in the PDF: among a system's best (right
// where few other systems are) or worst (not even a related occupation
// where most others are right).
type Example struct {
	System      *System
	Best        bool
	User        *bench.Example
	Pred        rundir.Prediction
	Recorded    bool
	OthersRight int // other systems that predicted this user exactly
	Others      int
}

// Examples picks Options.Examples best and worst users per system; ties go
// to the lower user index, so the choice is stable.
func (r *Report) Examples() ([]Example, error) {
	n := r.Opts.Examples
	if n <= 0 {
		return nil, nil
	}
	ss := r.Run.Systems
	right := make([]int, len(r.Run.Test))
	for _, s := range ss {
		for i, ok := range s.Outcomes.EM {
			if ok {
				right[i]++
			}
		}
	}
	var out []Example
	for _, s := range ss {
		others := func(i int) int {
			if s.Outcomes.EM[i] {
				return right[i] - 1
			}
			return right[i]
		}
		var best, worst []int
		for i := range r.Run.Test {
			switch {
			case s.Outcomes.EM[i]:
				best = append(best, i)
			case s.Outcomes.RM[i] == 0:
				worst = append(worst, i)
			}
		}
		slices.SortStableFunc(best, func(a, b int) int { return others(a) - others(b) })
		slices.SortStableFunc(worst, func(a, b int) int { return others(b) - others(a) })
		picked := map[string]bool{}
		type pick struct {
			i    int
			best bool
		}
		var picks []pick
		for _, i := range best[:min(n, len(best))] {
			picks = append(picks, pick{i, true})
			picked[r.Run.Test[i].UserID] = true
		}
		for _, i := range worst[:min(n, len(worst))] {
			picks = append(picks, pick{i, false})
			picked[r.Run.Test[i].UserID] = true
		}
		preds, err := predictionsFor(rundir.PredictionsPath(r.Run.Dir, s.Name), picked)
		if err != nil {
			return nil, err
		}
		for _, p := range picks {
			ex := r.Run.Test[p.i]
			pr, ok := preds[ex.UserID]
			out = append(out, Example{System: s, Best: p.best, User: ex, Pred: pr, Recorded: ok, OthersRight: others(p.i), Others: len(ss) - 1})
		}
	}
	return out, nil
}
