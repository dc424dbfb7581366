package baselines

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
)

// Distributor gives every item's probability of being next. Distribute
// writes len(hs) rows of Items() probabilities to out, on the calling
// goroutine alone, so that callers can run many at once.
type Distributor interface {
	Items() int
	Distribute(hs []Sequence, out []float32)
}

// Decoding names how a path of several next occupations is predicted.
type Decoding string

// The decodings PathConfig can name.
const (
	// Greedy feeds each step's most likely item back as history.
	Greedy Decoding = "greedy"
	// Beam keeps the Beam most likely joint paths and answers with the
	// best one.
	Beam Decoding = "beam"
	// Sample draws Samples rollouts from the model and answers each step
	// with the item most likely at that step, averaged over the rollouts:
	// an estimate of the marginal P(item at step h | history), which is
	// what exact match at h rewards, where greedy and beam answer with
	// the steps of one likely path.
	Sample Decoding = "sample"
)

// PathConfig sets PredictPaths.
type PathConfig struct {
	Horizon  int      `json:"horizon"`  // steps predicted, K ≥ 1
	Decoding Decoding `json:"decoding"` // greedy, beam or sample
	Beam     int      `json:"beam"`     // beam width (beam)
	Samples  int      `json:"samples"`  // rollouts per history (sample)
	Seed     uint64   `json:"seed"`     // the rollouts' seed (sample)
}

// DefaultPath is sampled rollouts, 100 per history.
var DefaultPath = PathConfig{Horizon: 1, Decoding: Sample, Beam: 5, Samples: 100, Seed: 1}

// Validate checks the settings.
func (c PathConfig) Validate() error {
	switch {
	case c.Horizon < 1:
		return fmt.Errorf("horizon %d: want at least 1", c.Horizon)
	case c.Decoding != Greedy && c.Decoding != Beam && c.Decoding != Sample:
		return fmt.Errorf("decoding %q: want greedy, beam or sample", c.Decoding)
	case c.Decoding == Beam && c.Beam < 1:
		return fmt.Errorf("beam %d: want at least 1", c.Beam)
	case c.Decoding == Sample && c.Samples < 1:
		return fmt.Errorf("samples %d: want at least 1", c.Samples)
	}
	return nil
}

// PathModel is a model that can predict paths: a Predictor whose next-item
// distribution is known.
type PathModel interface {
	Predictor
	Distributor
}

// PredictPaths predicts each history's next Horizon items: out[i][h−1] is
// the top k at step h, best first, with the model's probability of each
// at that step (under greedy and beam, given the path's earlier steps;
// under sample, the marginal estimate). Under greedy and sample, step 1 is
// the model's single-step prediction, Predict(history, k); under beam it
// starts with the best joint path's first item, which need not be the
// single step's answer. Histories are spread over GOMAXPROCS goroutines;
// the output does not depend on how many.
func PredictPaths(d PathModel, hs []Sequence, cfg PathConfig, k int) ([][][]Scored, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	out := make([][][]Scored, len(hs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(maxProcs(), max(len(hs), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := pathWorker{d: d, n: d.Items(), cfg: cfg, k: k}
			for i := range next {
				out[i] = p.predict(hs[i])
				if cfg.Decoding != Beam {
					// The same answer as the path's, with the model's own scores.
					out[i][0] = d.Predict(hs[i], k)
				}
			}
		}()
	}
	for i := range hs {
		next <- i
	}
	close(next)
	wg.Wait()
	return out, nil
}

// pathWorker predicts one history's path at a time, reusing its buffers.
type pathWorker struct {
	d   Distributor
	n   int
	cfg PathConfig
	k   int
	buf []float32
	hs  []Sequence
}

// dists returns the next-item probabilities of hs, len(hs)×n.
func (p *pathWorker) dists(hs []Sequence) []float32 {
	p.buf = grow(p.buf, len(hs)*p.n)
	p.d.Distribute(hs, p.buf)
	return p.buf
}

func (p *pathWorker) predict(h Sequence) [][]Scored {
	switch p.cfg.Decoding {
	case Greedy:
		return p.greedy(h)
	case Beam:
		return p.beam(h)
	}
	return p.sample(h)
}

func extend(h Sequence, it int32) Sequence {
	return append(slices.Clip(h), it)
}

func (p *pathWorker) greedy(h Sequence) [][]Scored {
	out := make([][]Scored, p.cfg.Horizon)
	for s := range out {
		out[s] = topK(p.dists([]Sequence{h}), p.k)
		if len(out[s]) == 0 {
			break
		}
		h = extend(h, out[s][0].Item)
	}
	return out
}

// beamPath is one partial path of beam search.
type beamPath struct {
	hist  Sequence
	items []int32
	probs []float64 // of each step's item
	logp  float64
	tops  [][]Scored // each step's top k given the path's earlier steps
}

// beam answers step h with the best joint path's item h, then the rest of
// that step's top k given the path's earlier steps.
func (p *pathWorker) beam(h Sequence) [][]Scored {
	beams := []beamPath{{hist: h}}
	width := p.cfg.Beam
	for range p.cfg.Horizon {
		p.hs = p.hs[:0]
		for _, b := range beams {
			p.hs = append(p.hs, b.hist)
		}
		z := p.dists(p.hs)
		var cand []beamPath
		for bi, b := range beams {
			row := z[bi*p.n : (bi+1)*p.n]
			top := topK(row, max(width, p.k))
			for _, s := range top[:min(width, len(top))] {
				if s.Score <= 0 {
					continue
				}
				cand = append(cand, beamPath{
					hist:  extend(b.hist, s.Item),
					items: append(slices.Clip(b.items), s.Item),
					probs: append(slices.Clip(b.probs), s.Score),
					logp:  b.logp + math.Log(s.Score),
					tops:  append(slices.Clip(b.tops), top[:min(p.k, len(top))]),
				})
			}
		}
		if len(cand) == 0 {
			break
		}
		slices.SortStableFunc(cand, func(a, b beamPath) int {
			if c := cmp.Compare(b.logp, a.logp); c != 0 {
				return c
			}
			return slices.Compare(a.items, b.items)
		})
		beams = cand[:min(width, len(cand))]
	}
	best := beams[0]
	out := make([][]Scored, p.cfg.Horizon)
	for s, top := range best.tops {
		out[s] = bringFirst(top, Scored{Item: best.items[s], Score: best.probs[s]})
	}
	return out
}

// bringFirst puts first the path's item, which a beam wider than k may
// have taken from below the top k, then the rest of top in order.
func bringFirst(top []Scored, first Scored) []Scored {
	out := append(make([]Scored, 0, len(top)), first)
	for _, s := range top {
		if s.Item != first.Item && len(out) < len(top) {
			out = append(out, s)
		}
	}
	return out
}

// sample estimates each step's marginal by Samples rollouts: the average,
// over the rollouts, of the step's probabilities given the rollout's
// earlier steps (exact at step 1, and of lower variance than counting the
// sampled items). The rollouts are seeded by the history itself, so a
// user's path does not depend on which other users share its batch, its
// shard or a resumed run.
func (p *pathWorker) sample(h Sequence) [][]Scored {
	rng := rand.New(rand.NewPCG(p.cfg.Seed, historyKey(h)))
	N := p.cfg.Samples
	out := make([][]Scored, p.cfg.Horizon)
	marg := make([]float64, p.n)
	roll := make([]Sequence, 1, N)
	roll[0] = h
	for s := range out {
		z := p.dists(roll)
		clear(marg)
		for r := range roll {
			for j, v := range z[r*p.n : (r+1)*p.n] {
				marg[j] += float64(v)
			}
		}
		for j := range marg {
			marg[j] /= float64(len(roll))
		}
		out[s] = topK(marg, p.k)
		if s == len(out)-1 {
			break
		}
		next := make([]Sequence, N)
		for r := range next {
			src := r % len(roll) // step 1 has one history for all rollouts
			next[r] = extend(roll[src], draw32(rng, z[src*p.n:(src+1)*p.n]))
		}
		roll = next
	}
	return out
}

// historyKey is an FNV-1a hash of the history's items.
func historyKey(h Sequence) uint64 {
	k := uint64(14695981039346656037)
	for _, it := range h {
		for b := 0; b < 32; b += 8 {
			k = (k ^ uint64(uint32(it)>>b&0xff)) * 1099511628211
		}
	}
	return k
}

// draw32 samples an item from probabilities p (summing to about 1).
func draw32(rng *rand.Rand, p []float32) int32 {
	u := float32(rng.Float64())
	var acc float32
	last := int32(0)
	for j, v := range p {
		if v <= 0 {
			continue
		}
		acc += v
		last = int32(j)
		if u < acc {
			return last
		}
	}
	return last
}

// distributePooled is Distribute for a network: one pooled worker scores
// the histories, and each row's softmax is the distribution.
func distributePooled(pool *sync.Pool, w []float32, n int, hs []Sequence, out []float32) {
	wk := pool.Get().(worker)
	defer pool.Put(wk)
	hs = validHistories(hs, n)
	for lo := 0; lo < len(hs); lo += predictChunk {
		hi := min(lo+predictChunk, len(hs))
		wk.scores(w, hs[lo:hi], out[lo*n:hi*n])
	}
	for r := range hs {
		row := out[r*n : (r+1)*n]
		scalef(row, 1/expSubSum(row, maxf(row)))
	}
}

// Distribute writes each history's next-item probabilities (len(hs)×n).
func (m *SASRec) Distribute(hs []Sequence, out []float32) {
	distributePooled(&m.pool, m.ps.w, m.n, hs, out)
}

// Distribute writes each history's next-item probabilities (len(hs)×n).
func (m *BERT4Rec) Distribute(hs []Sequence, out []float32) {
	distributePooled(&m.pool, m.ps.w, m.n, hs, out)
}
