package baselines

import (
	"math"
	"reflect"
	"runtime"
	"testing"
)

// exactMarginals returns P(item at step h | h) for h = 1..K under a
// first-order model given by d: the distribution of the last item pushed
// through the transition matrix h times.
func exactMarginals(d Distributor, hist Sequence, K int) [][]float64 {
	n := d.Items()
	T := make([]float32, n*n)
	hs := make([]Sequence, n)
	for i := range hs {
		hs[i] = Sequence{int32(i)}
	}
	d.Distribute(hs, T)
	p := make([]float64, n)
	p[hist[len(hist)-1]] = 1
	var out [][]float64
	for range K {
		q := make([]float64, n)
		for i, pi := range p {
			if pi == 0 {
				continue
			}
			for j, t := range T[i*n : (i+1)*n] {
				q[j] += pi * float64(t)
			}
		}
		out = append(out, q)
		p = q
	}
	return out
}

// TestSampledMarginalsConverge checks the sampled rollouts of a fitted
// Markov-1 model against the exact h-step marginals of its transition
// matrix: the probabilities agree, and so does the answer wherever the
// exact answer is clear.
func TestSampledMarginalsConverge(t *testing.T) {
	d := smallData()
	m, err := FitMarkov(d.train, 60, MarkovConfig{Order: 1, MinCount: 1})
	if err != nil {
		t.Fatal(err)
	}
	hs, _ := histories(d.test[:40])
	cfg := PathConfig{Horizon: 3, Decoding: Sample, Samples: 4000, Seed: 5}
	paths, err := PredictPaths(m, hs, cfg, 5)
	if err != nil {
		t.Fatal(err)
	}
	clear := 0
	for i, h := range hs {
		exact := exactMarginals(m, h, cfg.Horizon)
		for s, top := range paths[i] {
			for _, sc := range top {
				if diff := math.Abs(sc.Score - exact[s][sc.Item]); s > 0 && diff > 0.03 { // step 1 carries Markov's own scores
					t.Errorf("history %d step %d item %d: sampled %.4f, exact %.4f", i, s+1, sc.Item, sc.Score, exact[s][sc.Item])
				}
			}
			best := topK(exact[s], 2)
			if best[0].Score-best[1].Score > 0.05 {
				clear++
				if top[0].Item != best[0].Item {
					t.Errorf("history %d step %d: sampled answer %d, exact %d (%.3f against %.3f)", i, s+1, top[0].Item, best[0].Item, best[0].Score, best[1].Score)
				}
			}
		}
	}
	if clear < 40 {
		t.Errorf("only %d clear answers checked", clear)
	}
}

// TestPathStepOne checks that the first step of greedy, of sampled
// rollouts and of a beam of one is the model's single-step prediction,
// that greedy feeds its answer back, that a beam of one is greedy, and
// that the output does not depend on the number of goroutines.
func TestPathStepOne(t *testing.T) {
	d := smallData()
	markov, err := FitMarkov(d.train, 60, DefaultMarkov)
	if err != nil {
		t.Fatal(err)
	}
	sas := trainSmall(t, "sasrec", 2, TrainOptions{Seed: 1}).(*SASRec)
	hs, _ := histories(d.test[:30])
	for name, m := range map[string]PathModel{"markov": markov, "sasrec": sas} {
		t.Run(name, func(t *testing.T) {
			paths := map[Decoding][][][]Scored{}
			for _, dec := range []Decoding{Greedy, Beam, Sample} {
				p, err := PredictPaths(m, hs, PathConfig{Horizon: 3, Decoding: dec, Beam: 1, Samples: 20, Seed: 1}, 10)
				if err != nil {
					t.Fatal(err)
				}
				paths[dec] = p
				for i, h := range hs {
					want := m.Predict(h, 10)
					if got := p[i][0]; dec != Beam && !sameRanking(got, want) || got[0].Item != want[0].Item {
						t.Errorf("%s history %d step 1: %v, single step %v", dec, i, got, want)
					}
				}
			}
			for i, h := range hs {
				z := make([]float32, 60)
				m.Distribute([]Sequence{extend(h, paths[Greedy][i][0][0].Item)}, z)
				if next := topK(z, 10); !sameRanking(paths[Greedy][i][1], next) {
					t.Errorf("greedy history %d step 2: %v, want %v", i, paths[Greedy][i][1], next)
				}
			}
			for i := range hs {
				for s := 1; s < 3; s++ {
					if !reflect.DeepEqual(paths[Greedy][i][s], paths[Beam][i][s]) {
						t.Errorf("history %d step %d: a beam of one gives %v, greedy %v", i, s+1, paths[Beam][i][s], paths[Greedy][i][s])
					}
				}
			}
			old := runtime.GOMAXPROCS(1)
			one, _ := PredictPaths(m, hs, PathConfig{Horizon: 3, Decoding: Sample, Samples: 20, Seed: 1}, 10)
			runtime.GOMAXPROCS(old)
			if !reflect.DeepEqual(one, paths[Sample]) {
				t.Error("sampled paths depend on the number of goroutines")
			}
		})
	}
}

// sameRanking compares items exactly and probabilities to float32
// rounding: the two paths compute the softmax in different orders.
func sameRanking(a, b []Scored) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Item != b[i].Item || math.Abs(a[i].Score-b[i].Score) > 1e-5 {
			return false
		}
	}
	return true
}

// TestBeamFindsLikelierPath checks that beam search's path is at least as
// likely as greedy's under the model.
func TestBeamFindsLikelierPath(t *testing.T) {
	d := smallData()
	m, err := FitMarkov(d.train, 60, DefaultMarkov)
	if err != nil {
		t.Fatal(err)
	}
	hs, _ := histories(d.test[:50])
	logp := func(h Sequence, path [][]Scored) float64 {
		var l float64
		z := make([]float32, 60)
		for _, top := range path {
			m.Distribute([]Sequence{h}, z)
			l += math.Log(float64(z[top[0].Item]))
			h = extend(h, top[0].Item)
		}
		return l
	}
	g, _ := PredictPaths(m, hs, PathConfig{Horizon: 3, Decoding: Greedy}, 3)
	b, _ := PredictPaths(m, hs, PathConfig{Horizon: 3, Decoding: Beam, Beam: 4}, 3)
	better := 0
	for i, h := range hs {
		lg, lb := logp(h, g[i]), logp(h, b[i])
		if lb < lg-1e-5 { // float32 probabilities, summed in another order
			t.Errorf("history %d: beam path log-probability %.4f below greedy's %.4f", i, lb, lg)
		}
		if lb > lg+1e-5 {
			better++
		}
	}
	t.Logf("beam found a likelier path for %d of %d histories", better, len(hs))
}

func TestPathConfigErrors(t *testing.T) {
	for _, c := range []PathConfig{
		{Horizon: 0, Decoding: Greedy},
		{Horizon: 2, Decoding: "viterbi"},
		{Horizon: 2, Decoding: Beam},
		{Horizon: 2, Decoding: Sample},
	} {
		if _, err := PredictPaths(&Markov{}, nil, c, 10); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}

// TestPathsIndependentOfBatch checks that a history's sampled path does
// not depend on the other histories predicted with it, as a shard or a
// resumed run predicts a part of the users.
func TestPathsIndependentOfBatch(t *testing.T) {
	d := smallData()
	m, err := FitMarkov(d.train, 60, DefaultMarkov)
	if err != nil {
		t.Fatal(err)
	}
	hs, _ := histories(d.test[:40])
	cfg := PathConfig{Horizon: 3, Decoding: Sample, Samples: 20, Seed: 1}
	all, _ := PredictPaths(m, hs, cfg, 10)
	part, _ := PredictPaths(m, hs[25:], cfg, 10)
	if !reflect.DeepEqual(part, all[25:]) {
		t.Error("a history's sampled path changed with the histories predicted beside it")
	}
}
