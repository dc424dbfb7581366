package synth

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Chain is a second-order chain over occupations, the second-order
// profile: nobody has a hidden type, and the next occupation depends on the
// last two. Every occupation o has two short successor lists drawn once
// per seed from its O*NET neighbours: S_o, where people go after o, and
// T_o, where they go two jobs after o. After a and then b,
//
//	P(next = y | a, b) = Lambda·S_b(y) + (1−Lambda)·T_a(y),
//
// and after a first job b alone, S_b(y). The first job and the education
// are drawn as for a hidden type with StartZone and Graduate.
type Chain struct {
	Lambda float64 `json:"lambda"`
	// Size is how many occupations besides o itself each of S_o and T_o
	// holds (fewer when o has fewer candidates).
	Size int `json:"size"`
	// The members of S_o weigh Decay^(rank−1), shared out of 1−Stay; those
	// of T_o Decay2^(rank−1), shared out of 1−Return.
	Decay  float64 `json:"decay"`
	Decay2 float64 `json:"decay2"`
	// Stay is S_o(o), staying in the occupation; Return is T_o(o), going
	// back to the occupation held two jobs ago.
	Stay   float64 `json:"stay"`
	Return float64 `json:"return"`
	// Noise is the spread of the log-normal factor, drawn per seed and
	// occupation, by which a candidate's weight is multiplied before a list
	// keeps the Size heaviest. The candidates of S_o are o's O*NET
	// neighbours, weighted as the hidden-track moves weigh them; those of
	// T_o are the occupations two moves on through the S lists (o's
	// successors' successors, o excluded), each weighing the product of
	// both steps. So T_o mostly names one of the next job's successors.
	Noise     float64 `json:"noise"`
	StartZone float64 `json:"start_zone"`
	Graduate  float64 `json:"graduate"`
}

func (c *Chain) validate() []error {
	var errs []error
	if !(c.Lambda >= 0 && c.Lambda <= 1) {
		errs = append(errs, fmt.Errorf("chain lambda %v: want 0 to 1", c.Lambda))
	}
	if c.Size < 1 {
		errs = append(errs, fmt.Errorf("chain size %d: want at least 1", c.Size))
	}
	if !(c.Stay >= 0 && c.Stay < 1) || !(c.Return >= 0 && c.Return < 1) {
		errs = append(errs, fmt.Errorf("chain stay %v, return %v: want 0 ≤ p < 1", c.Stay, c.Return))
	}
	finite := func(v float64) bool { return !math.IsInf(v, 0) && !math.IsNaN(v) }
	if !(c.Decay > 0 && c.Decay2 > 0 && c.Graduate > 0 && c.Noise >= 0) ||
		!finite(c.Decay) || !finite(c.Decay2) || !finite(c.Graduate) || !finite(c.Noise) || !finite(c.StartZone) {
		errs = append(errs, errors.New("chain decays and graduate must be finite and > 0, noise finite and ≥ 0, start zone finite"))
	}
	return errs
}

// chain holds the successor lists of every active occupation, sorted by
// occupation.
type chain struct {
	lambda float64
	after  [][]entry // S: [o] the next occupation after o
	after2 [][]entry // T: [o] the occupation two jobs after o
}

// chainStream is the high bit of the random streams that draw the lists,
// which users' streams (their index) never set.
const chainStream = 1 << 63

// newChain draws the lists of cfg.Chain, each occupation's from its own
// random stream, so that they depend on the seed and nothing else.
func (w *world) newChain() (*chain, error) {
	cfg := w.cfg.Chain
	n := len(w.occ)
	nb := make([][]entry, n) // normalised neighbour weights
	for c := range n {
		if !w.active[c] {
			continue
		}
		d, err := w.neighbours(c)
		if err != nil {
			return nil, err
		}
		normalise(d)
		nb[c] = d
	}
	ch := &chain{lambda: cfg.Lambda, after: make([][]entry, n), after2: make([][]entry, n)}
	rs := make([]*rand.Rand, n)
	for c := range n {
		if w.active[c] {
			rs[c] = rand.New(rand.NewPCG(w.cfg.Seed, chainStream|uint64(c)))
			ch.after[c] = successors(rs[c], c, slices.Clone(nb[c]), cfg, cfg.Decay, cfg.Stay)
		}
	}
	for c := range n {
		if !w.active[c] {
			continue
		}
		var two []entry
		for _, j := range ch.after[c] {
			for _, k := range ch.after[j.y] {
				if int(j.y) != c && k.y != j.y && int(k.y) != c {
					two = addTo(two, k.y, j.p*k.p)
				}
			}
		}
		ch.after2[c] = successors(rs[c], c, two, cfg, cfg.Decay2, cfg.Return)
	}
	return ch, nil
}

// successors keeps the Size candidates of heaviest noisy weight, weighs
// them by rank and adds c itself with probability self. It reuses cand.
func successors(r *rand.Rand, c int, cand []entry, cfg *Chain, decay, self float64) []entry {
	for i := range cand {
		cand[i].p *= math.Exp(cfg.Noise * r.NormFloat64())
	}
	slices.SortStableFunc(cand, func(a, b entry) int { return cmp.Compare(b.p, a.p) })
	out := cand[:min(cfg.Size, len(cand))]
	wt := 1.0
	for i := range out {
		out[i].p = wt
		wt *= decay
	}
	normalise(out)
	for i := range out {
		out[i].p *= 1 - self
	}
	if self > 0 || len(out) == 0 {
		out = append(out, entry{int32(c), self})
		if len(out) == 1 {
			out[0].p = 1
		}
	}
	slices.SortFunc(out, func(a, b entry) int { return cmp.Compare(a.y, b.y) })
	return out
}

func normalise(d []entry) {
	s := 0.0
	for _, e := range d {
		s += e.p
	}
	for i := range d {
		d[i].p /= s
	}
}

// next draws the occupation after jobs.
func (ch *chain) next(r *rand.Rand, jobs []int) int {
	t := len(jobs)
	d := ch.after[jobs[t-1]]
	if t >= 2 && r.Float64() >= ch.lambda {
		d = ch.after2[jobs[t-2]]
	}
	return draw(r, d)
}

// predictive writes P(next | hist) into out, which is zero.
func (ch *chain) predictive(hist []int, out []float64) {
	t := len(hist)
	lam := 1.0
	if t >= 2 {
		lam = ch.lambda
		for _, e := range ch.after2[hist[t-2]] {
			out[e.y] += (1 - lam) * e.p
		}
	}
	for _, e := range ch.after[hist[t-1]] {
		out[e.y] += lam * e.p
	}
}
