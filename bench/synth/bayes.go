package synth

import (
	"fmt"
	"math"

	"github.com/occbench/occbench/bench"
)

// The Bayes-optimal predictor. (A Chain has no hidden type: its predictive
// is its step, chain.predictive.) A person's observed history is their
// occupations o1..oT and their education; titles, dates, industries and
// salaries are drawn given the occupations alone, so they cancel out of the
// posterior. With the type k hidden,
//
//	P(k | history) ∝ P(k) · P(o1 | k) · P(degree | o1, k) · Π_t P(o_t+1 | o1..o_t, k)
//	P(y | history) = Σ_k P(k | history) · P(y | o1..o_T, k)
//
// where a step depends on the current occupation and, through the return
// move, on the earlier ones. The number of jobs is drawn independently of
// everything, so the target is the next step of the same process.

// posterior is P(type | occupations hist, highest degree level); level < 0
// means the education is not observed.
func (w *world) posterior(hist []int, level int) []float64 {
	if w.chain != nil {
		return []float64{1} // no hidden type
	}
	K := len(w.cfg.Types)
	lw := make([]float64, K)
	best := math.Inf(-1)
	var ret []entry
	for k := range K {
		l := math.Log(w.typeW[k]) + math.Log(w.start[k][hist[0]])
		if level >= 0 {
			l += math.Log(w.degree[k][hist[0]][level])
		}
		for t := 1; t < len(hist); t++ {
			ret = w.returns(hist[:t], ret)
			l += math.Log(w.prob(k, hist[t-1], ret, hist[t]))
		}
		lw[k] = l
		best = max(best, l)
	}
	sum := 0.0
	for k := range lw {
		lw[k] = math.Exp(lw[k] - best) // 0 for impossible types
		sum += lw[k]
	}
	for k := range lw {
		lw[k] /= sum
	}
	return lw
}

// predictive writes P(next occupation | hist) under the type distribution
// post into out, indexed like the taxonomy's occupations.
func (w *world) predictive(hist []int, post []float64, out []float64) {
	clear(out)
	if w.chain != nil {
		w.chain.predictive(hist, out)
		return
	}
	c := hist[len(hist)-1]
	ret := w.returns(hist, nil)
	for k, pk := range post {
		if pk == 0 {
			continue
		}
		f := pk
		if len(ret) > 0 {
			r := w.cfg.Types[k].Return
			for _, e := range ret {
				out[e.y] += pk * r * e.p
			}
			f *= 1 - r
		}
		for _, e := range w.moves[k][c] {
			out[e.y] += f * e.p
		}
	}
}

// argmax returns the index of the largest value, the lowest index on ties
// (occupations are sorted by code, so the lowest code).
func argmax(d []float64) int {
	b := 0
	for i, v := range d {
		if v > d[b] {
			b = i
		}
	}
	return b
}

func oneHot(n, k int) []float64 {
	v := make([]float64, n)
	v[k] = 1
	return v
}

// observe reads the occupations and the highest degree level (−1 if there
// is no education record) of an example's history.
func (g *Generator) observe(ex *bench.Example) ([]int, int, error) {
	var jobs []int
	level := -1
	for _, r := range ex.History {
		if !r.IsJob() {
			l, ok := g.w.words.levelOf[r.Degree]
			if !ok {
				return nil, 0, fmt.Errorf("synth: user %s: degree %q is not one the generator draws", ex.UserID, r.Degree)
			}
			level = max(level, int(l))
			continue
		}
		i, ok := g.w.tax.Index(r.Code)
		if !ok || !g.w.active[i] {
			return nil, 0, fmt.Errorf("synth: user %s: occupation %q is not one the generator draws", ex.UserID, r.Code)
		}
		jobs = append(jobs, i)
	}
	if len(jobs) == 0 {
		return nil, 0, fmt.Errorf("synth: user %s: no job in the history", ex.UserID)
	}
	return jobs, level, nil
}

// Posterior returns P(type | history) for an example drawn by this
// generator, in the order of Config.Types; {1} for a Chain, which has no
// hidden type.
func (g *Generator) Posterior(ex *bench.Example) ([]float64, error) {
	jobs, level, err := g.observe(ex)
	if err != nil {
		return nil, err
	}
	return g.w.posterior(jobs, level), nil
}

// Predictive returns P(next occupation | history) for an example drawn by
// this generator, indexed like the taxonomy's Occupations().
func (g *Generator) Predictive(ex *bench.Example) ([]float64, error) {
	jobs, level, err := g.observe(ex)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(g.w.occ))
	g.w.predictive(jobs, g.w.posterior(jobs, level), out)
	return out, nil
}

// Predict returns the Bayes-optimal next occupation (the most probable,
// the lowest code on ties) and its probability.
func (g *Generator) Predict(ex *bench.Example) (code string, p float64, err error) {
	d, err := g.Predictive(ex)
	if err != nil {
		return "", 0, err
	}
	b := argmax(d)
	return g.w.occ[b].Code, d[b], nil
}

// The Bayes-optimal answer h jobs ahead. The occupation most likely to be
// held h moves after the history is the argmax of the marginal
//
//	P(y_h | history) = Σ_k P(k | history) · Σ_{y_1..y_h−1} Π_{j ≤ h} P(y_j | history, y_1..y_j−1, k),
//
// not the last job of the likeliest path. A step's law depends on the
// whole path so far (through the return move, or the job two back in a
// chain), so no small state summarises it: marginals enumerates the paths,
// depth first, and prunes the branches of probability zero. Successor sets
// are sparse (about 45 occupations per track and step in the hidden-track
// profiles, 14 in a chain), so horizon h costs about 45^(h−1) steps per
// user and track.

// marginals returns P(job h ahead | hist) for h = 1..k, under the type
// distribution post, each indexed like the taxonomy's occupations.
func (w *world) marginals(hist []int, post []float64, k int) [][]float64 {
	out := make([][]float64, k)
	for h := range out {
		out[h] = make([]float64, len(w.occ))
	}
	path := make([]int, len(hist), len(hist)+k)
	copy(path, hist)
	bufs := make([][]entry, k)
	for t, pt := range post {
		if pt > 0 {
			w.descend(t, path, pt, out, bufs)
		}
	}
	return out
}

// descend adds p times the law of each job ahead of path, for a person of
// type t, to out[0], out[1], …; bufs holds a step buffer per depth.
func (w *world) descend(t int, path []int, p float64, out [][]float64, bufs [][]entry) {
	d := w.stepLaw(t, path, bufs[0])
	bufs[0] = d
	for _, e := range d {
		out[0][e.y] += p * e.p
	}
	if len(out) == 1 {
		return
	}
	for _, e := range d {
		if e.p > 0 {
			w.descend(t, append(path, int(e.y)), p*e.p, out[1:], bufs[1:])
		}
	}
}

// stepLaw is the law of the job after path for a person of type t, each
// occupation once, in buf's storage.
func (w *world) stepLaw(t int, path []int, buf []entry) []entry {
	buf = buf[:0]
	n := len(path)
	if w.chain != nil {
		lam := 1.0
		if n >= 2 {
			lam = w.chain.lambda
			for _, e := range w.chain.after2[path[n-2]] {
				buf = addTo(buf, e.y, (1-lam)*e.p)
			}
		}
		for _, e := range w.chain.after[path[n-1]] {
			buf = addTo(buf, e.y, lam*e.p)
		}
		return buf
	}
	ret := w.returns(path, nil)
	f := 1.0
	if len(ret) > 0 {
		r := w.cfg.Types[t].Return
		f = 1 - r
		for _, e := range ret {
			buf = append(buf, entry{e.y, r * e.p})
		}
	}
	for _, e := range w.moves[t][path[n-1]] {
		buf = addTo(buf, e.y, f*e.p)
	}
	return buf
}

// Marginals returns, for an example drawn by this generator, P(job h ahead
// | history) for h = 1..k (at most MaxHorizon), each indexed like the
// taxonomy's Occupations().
func (g *Generator) Marginals(ex *bench.Example, k int) ([][]float64, error) {
	if k < 1 || k > MaxHorizon {
		return nil, fmt.Errorf("synth: horizon %d: want 1 to %d", k, MaxHorizon)
	}
	jobs, level, err := g.observe(ex)
	if err != nil {
		return nil, err
	}
	return g.w.marginals(jobs, g.w.posterior(jobs, level), k), nil
}

// PredictPath returns the Bayes-optimal occupation at each horizon h =
// 1..k (the argmax of each marginal, the lowest code on ties) and its
// probability: what bayes_path holds for a test user, with the first step
// computed as Predict computes it.
func (g *Generator) PredictPath(ex *bench.Example, k int) (codes []string, p []float64, err error) {
	m, err := g.Marginals(ex, k)
	if err != nil {
		return nil, nil, err
	}
	c, p1, err := g.Predict(ex)
	if err != nil {
		return nil, nil, err
	}
	codes, p = []string{c}, []float64{p1}
	for _, d := range m[1:] {
		b := argmax(d)
		codes, p = append(codes, g.w.occ[b].Code), append(p, d[b])
	}
	return codes, p, nil
}
