package metrics

import (
	"math"
	"testing"
)

// related is a stand-in for onet.Related: the list for 15-1252.00 Software
// Developers starts with 15-1253.00 and 15-1211.00; 11-9199.00 (an "All
// Other" code) has none, as in O*NET.
func related(code string) []string {
	if code == "15-1252.00" {
		l := []string{"15-1253.00", "15-1211.00"}
		for i := 3; i <= 25; i++ {
			l = append(l, "99-0000."+string(rune('0'+i/10))+string(rune('0'+i%10)))
		}
		return l
	}
	return nil
}

func TestRM(t *testing.T) {
	rel := related("15-1252.00")
	for _, c := range []struct {
		name        string
		pred, truth string
		rel         []string
		max         int
		want        float64
	}{
		{"exact", "15-1252.00", "15-1252.00", rel, 20, 1},
		{"index 1", "15-1253.00", "15-1252.00", rel, 20, 0.5},
		{"index 2", "15-1211.00", "15-1252.00", rel, 20, 1. / 3},
		{"index 20", "99-0000.20", "15-1252.00", rel, 20, 1. / 21},
		{"index 21 beyond the cut", "99-0000.21", "15-1252.00", rel, 20, 0},
		{"cut at 10", "99-0000.11", "15-1252.00", rel, 10, 0},
		{"no related list: exact only", "15-1252.00", "11-9199.00", nil, 20, 0},
		{"unmapped", "", "15-1252.00", rel, 20, 0},
		{"unmapped never matches an empty truth", "", "", rel, 20, 0},
	} {
		if got := RM(c.pred, c.truth, c.rel, c.max); got != c.want {
			t.Errorf("%s: RM = %g, want %g", c.name, got, c.want)
		}
	}
}

func TestEMStrict(t *testing.T) {
	for _, c := range []struct {
		pred, truth string
		want        bool
	}{
		{"Software Developers", "Software Developers", true},
		{"  Software Developers\n", "Software Developers", true},
		{"software developers", "Software Developers", false}, // case-sensitive, as the paper's code
		{"Software Developer", "Software Developers", false},
		{"None", "Software Developers", false},
	} {
		if got := EMStrict(c.pred, c.truth); got != c.want {
			t.Errorf("EMStrict(%q, %q) = %v", c.pred, c.truth, got)
		}
	}
}

func TestScoreOccupations(t *testing.T) {
	samples := []OccupationSample{
		{ID: "u1", TrueCode: "15-1252.00", TrueTitle: "Software Developers", PredCode: "15-1252.00", PredTitle: "Software Developers",
			Ranked: []string{"15-1252.00", "15-1253.00"}},
		{ID: "u2", TrueCode: "15-1252.00", TrueTitle: "Software Developers", PredCode: "15-1253.00", PredTitle: "Software Quality Assurance Analysts and Testers",
			Ranked: []string{"15-1253.00", "15-1211.00", "15-1252.00"}},
		{ID: "u3", TrueCode: "11-9199.00", TrueTitle: "Managers, All Other", PredCode: "", PredTitle: "a wizard",
			Ranked: []string{"11-1021.00"}},
		{ID: "u4", TrueCode: "11-9199.00", TrueTitle: "Managers, All Other", PredCode: "11-9199.00", PredTitle: "managers, all other"},
	}
	o := DefaultOccupation
	o.Related = related
	s := ScoreOccupations(samples, o)
	if s.N != 4 || s.RankedN != 3 {
		t.Fatalf("N %d RankedN %d", s.N, s.RankedN)
	}
	if s.EM.Estimate != 0.5 || s.EMStrict.Estimate != 0.25 || s.UnmappedRate != 0.25 {
		t.Errorf("EM %g EMStrict %g unmapped %g", s.EM.Estimate, s.EMStrict.Estimate, s.UnmappedRate)
	}
	if want := (1 + 0.5 + 0 + 1) / 4.0; math.Abs(s.RM.Estimate-want) > 1e-15 {
		t.Errorf("RM %g, want %g", s.RM.Estimate, want)
	}
	// Ranks 1, 3 and absent: HR@1 = 1/3, HR@5 = 2/3, MRR = (1 + 1/3)/3.
	if s.HR[0].Estimate != 1./3 || s.HR[1].Estimate != 2./3 {
		t.Errorf("HR %g %g", s.HR[0].Estimate, s.HR[1].Estimate)
	}
	if want := (1 + 1./3) / 3; math.Abs(s.MRR.Estimate-want) > 1e-15 {
		t.Errorf("MRR %g, want %g", s.MRR.Estimate, want)
	}
	if want := (1 + 1/math.Log2(4)) / 3; math.Abs(s.NDCG[1].Estimate-want) > 1e-15 {
		t.Errorf("NDCG@5 %g, want %g", s.NDCG[1].Estimate, want)
	}
	if s.EM.Lo > s.EM.Estimate || s.EM.Hi < s.EM.Estimate || s.EM.Resamples != 1000 {
		t.Errorf("EM interval %+v", s.EM)
	}
	if len(s.Warnings) == 0 {
		t.Error("no warning that one sample lacks a ranked list")
	}
}

func TestBootstrap(t *testing.T) {
	xs := make([]float64, 1000)
	for i := range xs {
		if i%4 == 0 {
			xs[i] = 1
		}
	}
	a := BootstrapMean(xs, DefaultBootstrap)
	b := BootstrapMean(xs, DefaultBootstrap)
	if a.Lo != b.Lo || a.Hi != b.Hi {
		t.Error("same seed, different interval")
	}
	if a.Estimate != 0.25 || a.Lo < 0.2 || a.Lo > 0.25 || a.Hi < 0.25 || a.Hi > 0.3 {
		t.Errorf("interval %+v", a)
	}
	// The normal approximation gives about ±0.027 for p=.25, n=1000.
	if w := a.Hi - a.Lo; w < 0.04 || w > 0.07 {
		t.Errorf("width %g", w)
	}
	o := DefaultBootstrap
	o.Seed = 2
	if c := BootstrapMean(xs, o); c.Lo == a.Lo && c.Hi == a.Hi {
		t.Log("different seeds gave the same interval (possible but unlikely)")
	}
	if e := BootstrapMean(nil, DefaultBootstrap); !math.IsNaN(e.Estimate) {
		t.Errorf("empty: %+v", e)
	}
	// Percentiles interpolate linearly, as numpy.percentile does.
	if got := quantile([]float64{1, 2, 3, 4}, 0.5); got != 2.5 {
		t.Errorf("median %g", got)
	}
	if got := quantile([]float64{1, 2, 3, 4, 5}, 0.025); math.Abs(got-1.1) > 1e-12 {
		t.Errorf("2.5th percentile %g", got)
	}
}

func TestPairedBootstrapDiff(t *testing.T) {
	a := make([]bool, 500)
	b := make([]bool, 500)
	for i := range a {
		a[i] = i%3 == 0
		b[i] = i%4 == 0
	}
	iv, err := PairedBootstrapDiff(Bools(a), Bools(b), DefaultBootstrap)
	if err != nil {
		t.Fatal(err)
	}
	want := 167./500 - 125./500
	if math.Abs(iv.Estimate-want) > 1e-15 || iv.Lo > want || iv.Hi < want {
		t.Errorf("%+v, want estimate %g inside", iv, want)
	}
	if _, err := PairedBootstrapDiff([]float64{1}, nil, DefaultBootstrap); err == nil {
		t.Error("unaligned samples accepted")
	}
	nb, nc, _ := McNemarCounts(a, b)
	if nb != 167-42 || nc != 125-42 { // 42 users are multiples of 12
		t.Errorf("b=%d c=%d", nb, nc)
	}
}

func TestAggregateJudge(t *testing.T) {
	s := AggregateJudge([]JudgeSample{
		{"a", map[string]float64{"factuality": 5, "coherence": 4, "utility": 4}},
		{"b", map[string]float64{"factuality": 3, "coherence": 5, "utility": 5}},
		{"c", map[string]float64{"factuality": 4, "coherence": 4}}, // utility missing
		{"d", map[string]float64{"factuality": 4, "coherence": 5, "utility": math.NaN()}},
	}, DefaultJudge)
	if s.N != 4 || s.PassRate != 0.25 {
		t.Errorf("N %d pass %g", s.N, s.PassRate)
	}
	if s.Means[0] != 4 || s.Means[1] != 4.5 || s.Means[2] != 4.5 || s.Counts[2] != 2 {
		t.Errorf("means %v counts %v", s.Means, s.Counts)
	}
	if math.Abs(s.Overall-13./3) > 1e-15 {
		t.Errorf("overall %g", s.Overall)
	}
	if len(s.Warnings) != 1 {
		t.Errorf("warnings %v", s.Warnings)
	}
}
