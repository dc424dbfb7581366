package baselines

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// orderTwoWorld is a second-order chain: the next item is drawn from the
// last item's successor set or, as often, from the successor set of the
// item two steps back. Sets are sparse and skewed towards popular items.
type orderTwoWorld struct {
	n      int
	lambda float64
	pop    []float64
	s, t   []map[int32]float64 // after o; two steps after o
}

func newOrderTwoWorld(n, k int, lambda float64, seed uint64) *orderTwoWorld {
	rng := rand.New(rand.NewPCG(seed, 3))
	w := &orderTwoWorld{n: n, lambda: lambda, pop: make([]float64, n)}
	for i := range w.pop {
		w.pop[i] = rng.ExpFloat64() * rng.ExpFloat64()
	}
	normalize(w.pop)
	set := func() map[int32]float64 {
		m := map[int32]float64{}
		wt, tot := 1.0, 0.0
		for len(m) < k {
			it := drawSlice(rng, w.pop)
			if _, ok := m[it]; ok {
				continue
			}
			m[it] = wt * (0.5 + rng.Float64())
			tot += m[it]
			wt *= 0.6
		}
		for it := range m {
			m[it] /= tot
		}
		return m
	}
	for range n {
		w.s = append(w.s, set())
		w.t = append(w.t, set())
	}
	return w
}

func drawSlice(rng *rand.Rand, p []float64) int32 {
	u := rng.Float64()
	for i, v := range p {
		if u < v {
			return int32(i)
		}
		u -= v
	}
	return int32(len(p) - 1)
}

func (w *orderTwoWorld) next(h Sequence) map[int32]float64 {
	b := h[len(h)-1]
	if len(h) == 1 {
		return w.s[b]
	}
	a := h[len(h)-2]
	m := map[int32]float64{}
	for it, p := range w.s[b] {
		m[it] += w.lambda * p
	}
	for it, p := range w.t[a] {
		m[it] += (1 - w.lambda) * p
	}
	return m
}

func (w *orderTwoWorld) users(count int, seed uint64) []Sequence {
	rng := rand.New(rand.NewPCG(seed, 4))
	out := make([]Sequence, count)
	for u := range out {
		l := 5 + rng.IntN(11)
		s := Sequence{drawSlice(rng, w.pop)}
		for len(s) < l {
			s = append(s, draw(rng, w.next(s)))
		}
		out[u] = s
	}
	return out
}

// bayes is the item the chain most likely takes next, lowest on ties.
func (w *orderTwoWorld) bayes(h Sequence) int32 {
	best, bp := int32(-1), -1.0
	for it, p := range w.next(h) {
		if p > bp || p == bp && it < best {
			best, bp = it, p
		}
	}
	return best
}

// TestOrderTwoReport trains the networks on a second-order chain and
// prints their EM against the Bayes-optimal one's on held-out users. Run
// with go test ./baselines -run OrderTwoReport -long -v -timeout 60m.
func TestOrderTwoReport(t *testing.T) {
	if !*long {
		t.Skip("needs -long")
	}
	w := newOrderTwoWorld(923, 5, 0.5, *seedFlag+100)
	train := w.users(10000, *seedFlag+200)
	test := w.users(10000, *seedFlag+300)
	hs, ts := histories(test)
	bayes, ce := 0, 0.0
	for i, h := range hs {
		if w.bayes(h) == ts[i] {
			bayes++
		}
		ce -= math.Log(w.next(h)[ts[i]])
	}
	t.Logf("Bayes EM %.4f, cross-entropy %.4f", float64(bayes)/float64(len(hs)), ce/float64(len(hs)))
	em := func(name string, p Predictor, t0 time.Time) {
		hit := 0
		for i, top := range PredictAll(p, hs, 1) {
			if len(top) > 0 && top[0].Item == ts[i] {
				hit++
			}
		}
		t.Logf("%s: EM %.4f (%s)", name, float64(hit)/float64(len(hs)), time.Since(t0).Round(time.Second))
	}
	m2, _ := FitMarkov(train, w.n, DefaultMarkov)
	em("Markov-2", m2, time.Now())
	em("mixture (told the structure)", fitMixture(train, w.n, w.lambda, 30), time.Now())
	tr, valid := PrepareData(train, nil, DefaultData)
	opts := TrainOptions{Seed: *seedFlag, Logf: func(f string, a ...any) { t.Logf(f, a...) }}
	if only := *modelFlag; only == "" || only == "sasrec" {
		t0, cfg := time.Now(), overlay(t, DefaultSASRec, *sasFlag)
		cfg.Groups = nil
		m, err := TrainSASRec(context.Background(), tr, valid, w.n, cfg, opts)
		if err != nil {
			t.Fatal(err)
		}
		em("SASRec", m, t0)
	}
	if only := *modelFlag; only == "" || only == "bert4rec" {
		t0, cfg := time.Now(), overlay(t, DefaultBERT4Rec, *bertFlag)
		cfg.Groups = nil
		m, err := TrainBERT4Rec(context.Background(), tr, valid, w.n, cfg, opts)
		if err != nil {
			t.Fatal(err)
		}
		em("BERT4Rec", m, t0)
	}
}

// mixtureFit is the learner told the chain's structure: it fits the two
// successor tables of P(y | a, b) = λ·S_b(y) + (1−λ)·T_a(y) by EM.
type mixtureFit struct {
	lambda float64
	s, t   []map[int32]float64
}

func fitMixture(train []Sequence, n int, lambda float64, iters int) *mixtureFit {
	type tr struct{ a, b, y int32 }
	var trs []tr
	for _, q := range train {
		for i := 1; i < len(q); i++ {
			a := int32(-1)
			if i >= 2 {
				a = q[i-2]
			}
			trs = append(trs, tr{a, q[i-1], q[i]})
		}
	}
	f := &mixtureFit{lambda: lambda, s: make([]map[int32]float64, n), t: make([]map[int32]float64, n)}
	norm := func(ms []map[int32]float64) {
		for _, m := range ms {
			tot := 0.0
			for _, v := range m {
				tot += v
			}
			for k := range m {
				m[k] /= tot
			}
		}
	}
	for i := range n {
		f.s[i], f.t[i] = map[int32]float64{}, map[int32]float64{}
	}
	for _, x := range trs {
		f.s[x.b][x.y]++
		if x.a >= 0 {
			f.t[x.a][x.y]++
		}
	}
	norm(f.s)
	norm(f.t)
	for range iters {
		ns, nt := make([]map[int32]float64, n), make([]map[int32]float64, n)
		for i := range n {
			ns[i], nt[i] = map[int32]float64{}, map[int32]float64{}
		}
		for _, x := range trs {
			if x.a < 0 {
				ns[x.b][x.y]++
				continue
			}
			ps, pt := lambda*f.s[x.b][x.y], (1-lambda)*f.t[x.a][x.y]
			r := ps / (ps + pt)
			ns[x.b][x.y] += r
			nt[x.a][x.y] += 1 - r
		}
		norm(ns)
		norm(nt)
		f.s, f.t = ns, nt
	}
	return f
}

func (f *mixtureFit) Predict(h Sequence, k int) []Scored {
	b := h[len(h)-1]
	m := map[int32]float64{}
	for it, p := range f.s[b] {
		m[it] += f.lambda * p
	}
	if len(h) >= 2 {
		for it, p := range f.t[h[len(h)-2]] {
			m[it] += (1 - f.lambda) * p
		}
	}
	best, bp := int32(0), -1.0
	for it, p := range m {
		if p > bp || p == bp && it < best {
			best, bp = it, p
		}
	}
	return []Scored{{Item: best, Score: bp}}
}
