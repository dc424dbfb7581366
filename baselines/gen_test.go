package baselines

import (
	"math/rand/v2"
)

// toyWorld is a hidden-type Markov process: each user has a latent career
// type, fixed for life, and moves between items with that type's
// transition table. The Bayes-optimal predictor filters the type from the
// history, so its exact-match rate is known.
type toyWorld struct {
	n, types int
	start    [][]float64           // type → item → P
	next     [][]map[int32]float64 // type → item → next → P
}

func newToyWorld(n, types int, seed uint64) *toyWorld {
	rng := rand.New(rand.NewPCG(seed, 1))
	w := &toyWorld{n: n, types: types}
	for t := 0; t < types; t++ {
		pool := rng.Perm(n)[:40] // the items this type works in
		st := make([]float64, n)
		for _, i := range pool[:8] {
			st[i] += rng.Float64()
		}
		normalize(st)
		w.start = append(w.start, st)
		nx := make([]map[int32]float64, n)
		for i := range nx {
			m := map[int32]float64{int32(i): 0.25} // people repeat jobs
			for _, p := range []float64{0.4, 0.2, 0.1, 0.05} {
				m[int32(pool[rng.IntN(len(pool))])] += p
			}
			nx[i] = m
		}
		w.next = append(w.next, nx)
	}
	return w
}

func normalize(p []float64) {
	var s float64
	for _, v := range p {
		s += v
	}
	for i := range p {
		p[i] /= s
	}
}

func draw(rng *rand.Rand, m map[int32]float64) int32 {
	// Sorted keys keep the draw deterministic.
	u := rng.Float64()
	var last int32
	for it := int32(0); ; it++ {
		if p, ok := m[it]; ok {
			last = it
			if u < p {
				return it
			}
			u -= p
		}
		if int(it) > 1<<20 {
			return last
		}
	}
}

// users draws count sequences of 6..16 items (5..15 history + target).
func (w *toyWorld) users(count int, seed uint64) []Sequence {
	rng := rand.New(rand.NewPCG(seed, 2))
	out := make([]Sequence, count)
	for u := range out {
		t := rng.IntN(w.types)
		l := 6 + rng.IntN(11)
		s := make(Sequence, 0, l)
		u0 := rng.Float64()
		for i, p := range w.start[t] {
			if u0 < p || i == w.n-1 {
				s = append(s, int32(i))
				break
			}
			u0 -= p
		}
		for len(s) < l {
			s = append(s, draw(rng, w.next[t][s[len(s)-1]]))
		}
		out[u] = s
	}
	return out
}

// bayes returns P(next | history) for every item.
func (w *toyWorld) bayes(h Sequence) []float64 {
	post := make([]float64, w.types)
	for t := range post {
		p := w.start[t][h[0]] / float64(w.types)
		for i := 1; i < len(h) && p > 0; i++ {
			p *= w.next[t][h[i-1]][h[i]]
		}
		post[t] = p
	}
	normalize(post)
	pred := make([]float64, w.n)
	for t, pt := range post {
		for it, p := range w.next[t][h[len(h)-1]] {
			pred[it] += pt * p
		}
	}
	return pred
}

// bayesEM is the expected exact-match rate of the Bayes-optimal predictor
// on the test users (the probability of its top item, averaged).
func (w *toyWorld) bayesEM(test []Sequence) float64 {
	var s float64
	for _, u := range test {
		p := w.bayes(u[:len(u)-1])
		s += topK(p, 1)[0].Score
	}
	return s / float64(len(test))
}

// toyData is the stand-in for occbench's default synthetic set.
type toyData struct {
	world       *toyWorld
	train, test []Sequence
}

func newToyData(n, users, tests int) toyData {
	w := newToyWorld(n, 12, 7)
	all := w.users(users+tests, 11)
	return toyData{world: w, train: all[:users], test: all[users:]}
}

func histories(test []Sequence) ([]Sequence, []int32) {
	hs := make([]Sequence, len(test))
	ts := make([]int32, len(test))
	for i, s := range test {
		hs[i], ts[i] = s[:len(s)-1], s[len(s)-1]
	}
	return hs, ts
}
