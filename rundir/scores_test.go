package rundir

import (
	"testing"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/metrics"
)

// pathExample is a test user whose next jobs are codes.
func pathExample(id string, codes ...string) *bench.Example {
	ex := &bench.Example{UserID: id, TargetCode: codes[0]}
	for _, c := range codes {
		ex.TargetPath = append(ex.TargetPath, bench.Record{Kind: bench.Job, Code: c})
	}
	return ex
}

func steps(codes ...string) []Step {
	var out []Step
	for _, c := range codes {
		out = append(out, Step{Code: c})
	}
	return out
}

// TestScoreHorizons checks each horizon's EM, free running and teacher
// forced, and the whole-path measures, on hand-counted users.
func TestScoreHorizons(t *testing.T) {
	const (
		a = "11-1011.00"
		b = "13-2011.00"
		c = "15-1252.00"
		d = "43-4051.00"
	)
	test := []*bench.Example{
		pathExample("u1", a, b, c),
		pathExample("u2", a, b, c),
		pathExample("u3", b, c, d),
		pathExample("u4", c, c, c),
	}
	preds := map[string]Prediction{
		"u1": {Code: a, Path: steps(a, b, c), Teacher: steps(a, b, c)},
		"u2": {Code: a, Path: steps(a, c, b), Teacher: steps(a, b, d)},
		"u3": {Code: d, Path: steps(d, b, c), Teacher: steps(d, c, d)},
		// u4 failed: wrong at every horizon.
		"u4": {Error: "timeout"},
	}
	opts := metrics.DefaultOccupation
	opts.Bootstrap.Resamples = 50
	rs := scoreRunner(test, preds, opts, 3)
	if len(rs.Horizon) != 3 || rs.Path == nil {
		t.Fatalf("horizon %v, path %v", rs.Horizon, rs.Path)
	}
	wantEM := []float64{0.5, 0.25, 0.25}
	wantTeacher := []float64{0.5, 0.75, 0.5}
	for i, h := range rs.Horizon {
		if h.H != i+1 || h.N != 4 || h.EM.Float() != wantEM[i] || h.EMTeacher == nil || h.EMTeacher.Float() != wantTeacher[i] {
			t.Errorf("h %d: %+v, want EM %v, teacher %v", i+1, h, wantEM[i], wantTeacher[i])
		}
	}
	if h1 := rs.Horizon[0]; h1.EM != rs.EM || h1.EMCI != rs.EMCI {
		t.Errorf("EM@1 %v %v differs from the single-step EM %v %v", h1.EM, h1.EMCI, rs.EM, rs.EMCI)
	}
	// u1 exact (prefix 3, jaccard 1, edit 0); u2 prefix 1, jaccard 1,
	// edit 2/3; u3 prefix 0, the right set (jaccard 1) shifted by one
	// (edit 2/3); u4 nothing (edit 1).
	want := metrics.SummarisePaths([]metrics.PathMatch{
		{Exact: true, Prefix: 3, Jaccard: 1},
		{Prefix: 1, Jaccard: 1, Edit: 2.0 / 3},
		{Jaccard: 1, Edit: 2.0 / 3},
		{Edit: 1},
	})
	if *rs.Path != want {
		t.Errorf("path %+v, want %+v", *rs.Path, want)
	}
	if single := scoreRunner(test, preds, opts, 1); single.Horizon != nil || single.Path != nil {
		t.Error("a single-step run of a path set has horizon scores")
	}
}
