package baselines

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"time"
)

// example is one training window prepared for a network.
type example struct {
	ids []int32 // input tokens
	tgt []int32 // target per position; -1 for none
	neg []int32 // sampled negative per position (SampledBCE only)
}

// network is what the shared trainer needs from SASRec and BERT4Rec.
type network interface {
	paramSet() *paramSet
	items() int
	windowLen() int // items per training window
	prepare(ex *example, win Sequence, rng *rand.Rand)
	newWorker() worker
}

// worker owns the buffers of one goroutine.
type worker interface {
	// step runs forward and backward over exs, adds the gradients of
	// scale·loss to g and returns the unscaled summed loss.
	step(w, g []float32, exs []example, scale float32, rng *rand.Rand) float64
	// scores writes all item scores for each history to out (len(hs)×n).
	scores(w []float32, hs []Sequence, out []float32)
}

// windows cuts each sequence into windows of at most size items that
// together cover every next-item target once; the most recent window is
// whole so it matches what prediction sees.
func windows(seqs []Sequence, size int) []Sequence {
	var out []Sequence
	for _, s := range seqs {
		if len(s) < 2 {
			continue
		}
		for e := len(s); ; {
			start := max(0, e-size)
			out = append(out, s[start:e])
			if start == 0 {
				break
			}
			e = start + 1
		}
	}
	return out
}

func (o TrainOptions) shards() int {
	if o.Shards > 0 {
		return o.Shards
	}
	return runtime.GOMAXPROCS(0)
}

func (o TrainOptions) logf(format string, args ...any) {
	if o.Logf != nil {
		o.Logf(format, args...)
	}
}

// shardRNG gives each (epoch, batch, shard) its own dropout stream.
func shardRNG(src *rand.PCG, seed uint64, epoch, batch, shard int) {
	src.Seed(seed^0x9e3779b97f4a7c15, uint64(epoch)<<40|uint64(batch)<<16|uint64(shard))
}

// fit trains net on train, keeps the weights of the epoch with the best
// validation EM and returns what happened.
func fit(ctx context.Context, net network, train, valid []Sequence, cfg TrainConfig, opts TrainOptions) (TrainStats, error) {
	if err := cfg.validate(); err != nil {
		return TrainStats{}, err
	}
	n := net.items()
	for i, s := range train {
		if err := checkItems(s, n); err != nil {
			return TrainStats{}, fmt.Errorf("training sequence %d: %w", i, err)
		}
	}
	var vh []Sequence
	var vt []int32
	for i, s := range valid {
		if err := checkItems(s, n); err != nil {
			return TrainStats{}, fmt.Errorf("validation sequence %d: %w", i, err)
		}
		if len(s) >= 2 {
			vh, vt = append(vh, s[:len(s)-1]), append(vt, s[len(s)-1])
		}
	}
	wins := windows(train, net.windowLen())
	if len(wins) == 0 {
		return TrainStats{}, fmt.Errorf("no training sequence has two items")
	}
	ps := net.paramSet()
	w := ps.w
	nShards := opts.shards()
	nWorkers := min(nShards, runtime.GOMAXPROCS(0))
	workers := make([]worker, nWorkers)
	for i := range workers {
		workers[i] = net.newWorker()
	}
	grads := make([][]float32, nShards)
	srcs := make([]*rand.PCG, nShards)
	rngs := make([]*rand.Rand, nShards)
	for i := range grads {
		grads[i] = make([]float32, len(w))
		srcs[i] = rand.NewPCG(0, 0)
		rngs[i] = rand.New(srcs[i])
	}
	losses := make([]float64, nShards)
	opt := newAdam(ps, cfg)
	exs := make([]example, cfg.BatchSize)
	best := append([]float32(nil), w...)
	eval := w // the weights validated and kept: w, or their moving average
	if cfg.EMA > 0 {
		eval = append([]float32(nil), w...)
	}
	stats := TrainStats{BestEpoch: 0, ValidEM: -1, ValidLoss: -1, Shards: nShards}
	bestScore, stale := math.Inf(-1), 0
	start := time.Now()
	bounds := make([]int, nShards+1)
	var spans []span // what this batch's step touches; nil: everything
	var items []int32
	seen := make([]bool, n)

	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		rng := rand.New(rand.NewPCG(opts.Seed, uint64(epoch)))
		perm := rng.Perm(len(wins))
		var epochLoss float64
		var epochTargets int
		for bi, b0 := 0, 0; b0 < len(perm); bi, b0 = bi+1, b0+cfg.BatchSize {
			if err := ctx.Err(); err != nil {
				copy(w, best)
				return stats, fmt.Errorf("training stopped in epoch %d: %w", epoch, err)
			}
			batch := perm[b0:min(b0+cfg.BatchSize, len(perm))]
			bx := exs[:len(batch)]
			rows, targets := 0, 0
			for i, wi := range batch {
				net.prepare(&bx[i], wins[wi], rng)
				rows += len(bx[i].ids)
				for _, t := range bx[i].tgt {
					if t >= 0 {
						targets++
					}
				}
			}
			if targets == 0 {
				continue
			}
			items = batchItems(bx, seen, items[:0])
			spans = ps.spans(items, spans)
			// Cut the batch into shards of about equal rows.
			acc, s := 0, 1
			bounds[0] = 0
			for i := range bx {
				acc += len(bx[i].ids)
				for s < nShards && acc*nShards >= s*rows {
					bounds[s] = i + 1
					s++
				}
			}
			for ; s <= nShards; s++ {
				bounds[s] = len(bx)
			}
			scale := 1 / float32(targets)
			var wg sync.WaitGroup
			for wk := range workers {
				wg.Add(1)
				go func(wk int) {
					defer wg.Done()
					for sh := wk; sh < nShards; sh += nWorkers {
						losses[sh] = 0
						part := bx[bounds[sh]:bounds[sh+1]]
						if len(part) == 0 {
							continue
						}
						shardRNG(srcs[sh], opts.Seed, epoch, bi, sh)
						losses[sh] = workers[wk].step(w, grads[sh], part, scale, rngs[sh])
					}
				}(wk)
			}
			wg.Wait()
			g := sumShards(grads, spans)
			for _, l := range losses {
				epochLoss += l
			}
			epochTargets += targets
			clipNorm(g, cfg.Clip, spans)
			opt.step(w, g, cfg.LR, spans)
			clearGrads(grads, spans)
			if cfg.EMA > 0 {
				a, b := float32(cfg.EMA), float32(1-cfg.EMA)
				for i, v := range w {
					eval[i] = a*eval[i] + b*v
				}
			}
		}
		ep := Epoch{N: epoch, Loss: epochLoss / float64(max(epochTargets, 1)), ValidEM: -1, ValidLoss: -1}
		if len(vh) > 0 {
			ep.ValidEM, ep.ValidLoss = validate(workers, eval, n, vh, vt)
		}
		ep.Elapsed = time.Since(start)
		stats.Epochs, stats.Total = epoch, ep.Elapsed
		score := ep.ValidEM
		if cfg.Select == SelectLoss {
			score = -ep.ValidLoss
		}
		if score > bestScore || len(vh) == 0 {
			bestScore, stale = score, 0
			ep.Best = true
			copy(best, eval)
			stats.BestEpoch, stats.ValidEM, stats.ValidLoss, stats.ToBest = epoch, ep.ValidEM, ep.ValidLoss, ep.Elapsed
		} else {
			stale++
		}
		ep.Of, ep.StopBy = cfg.Epochs, cfg.Epochs
		if cfg.Patience > 0 {
			ep.StopBy = min(cfg.Epochs, epoch+cfg.Patience-stale)
		}
		mark := ""
		if ep.Best {
			mark = " *"
		}
		opts.logf("epoch %d loss %.4f valid EM %.4f loss %.4f%s (%s)", epoch, ep.Loss, ep.ValidEM, ep.ValidLoss, mark, ep.Elapsed.Round(time.Millisecond))
		if opts.Progress != nil {
			opts.Progress(ep)
		}
		if cfg.Patience > 0 && stale >= cfg.Patience {
			break
		}
	}
	copy(w, best)
	return stats, nil
}

// batchItems lists, sorted, the items among the batch's inputs (below n,
// the size of seen, which it leaves all false).
func batchItems(bx []example, seen []bool, out []int32) []int32 {
	for i := range bx {
		for _, it := range bx[i].ids {
			if int(it) < len(seen) && !seen[it] {
				seen[it] = true
				out = append(out, it)
			}
		}
	}
	slices.Sort(out)
	for _, it := range out {
		seen[it] = false
	}
	return out
}

// clearGrads zeroes the shards' gradients where a step wrote them.
func clearGrads(grads [][]float32, spans []span) {
	for _, g := range grads {
		if spans == nil {
			clear(g)
			continue
		}
		for _, sp := range spans {
			clear(g[sp.lo:sp.hi])
		}
	}
}

// sumShards adds every shard's gradient into the first, in shard order,
// split over two goroutines by position (each element's order is fixed).
// With spans, the gradients are zero outside them, and only they are
// summed.
func sumShards(grads [][]float32, spans []span) []float32 {
	g := grads[0]
	if len(grads) == 1 {
		return g
	}
	if spans != nil {
		for _, sp := range spans {
			dst := g[sp.lo:sp.hi]
			for _, o := range grads[1:] {
				for i, v := range o[sp.lo:sp.hi] {
					dst[i] += v
				}
			}
		}
		return g
	}
	half := len(g) / 2
	var wg sync.WaitGroup
	for _, r := range [][2]int{{0, half}, {half, len(g)}} {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			dst := g[lo:hi]
			for _, o := range grads[1:] {
				for i, v := range o[lo:hi] {
					dst[i] += v
				}
			}
		}(r[0], r[1])
	}
	wg.Wait()
	return g
}

// predictChunk is how many histories one worker scores at a time.
const predictChunk = 256

// scoreAll scores hs with the workers in parallel and calls each(i, z)
// with history i's scores; calls for different i may run concurrently.
func scoreAll(workers []worker, w []float32, n int, hs []Sequence, each func(i int, z []float32)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for _, wk := range workers {
		wg.Add(1)
		go func(wk worker) {
			defer wg.Done()
			buf := make([]float32, predictChunk*n)
			for lo := range next {
				hi := min(lo+predictChunk, len(hs))
				wk.scores(w, hs[lo:hi], buf)
				for i := lo; i < hi; i++ {
					each(i, buf[(i-lo)*n:(i-lo+1)*n])
				}
			}
		}(wk)
	}
	for lo := 0; lo < len(hs); lo += predictChunk {
		next <- lo
	}
	close(next)
	wg.Wait()
}

// validate returns the exact-match rate of the top item (ties to the
// lower item) and the mean cross-entropy of the targets.
func validate(workers []worker, w []float32, n int, hs []Sequence, targets []int32) (em, loss float64) {
	hit := make([]bool, len(hs))
	nll := make([]float64, len(hs))
	scoreAll(workers, w, n, hs, func(i int, z []float32) {
		t := targets[i]
		best := 0
		for j, v := range z {
			if v > z[best] {
				best = j
			}
		}
		hit[i] = int32(best) == t
		m, zt := z[best], z[t]-z[best]
		nll[i] = math.Log(float64(expSubSum(z, m))) - float64(zt) // expSubSum overwrites z
	})
	for i := range hs {
		if hit[i] {
			em++
		}
		loss += nll[i]
	}
	return em / float64(len(hs)), loss / float64(len(hs))
}

// topProbs ranks by the raw scores (so rounding cannot create ties) and
// reports softmax probabilities.
func topProbs(z []float32, k int) []Scored {
	top := topK(z, k)
	m := maxf(z)
	var sum float64
	for _, v := range z {
		sum += float64(expf(v - m))
	}
	for i := range top {
		top[i].Score = float64(expf(float32(top[i].Score)-m)) / sum
	}
	return top
}

func maxProcs() int { return runtime.GOMAXPROCS(0) }

// validHistories drops items outside 0..n-1 (copying only histories that
// have any), so prediction never indexes past the embedding table.
func validHistories(hs []Sequence, n int) []Sequence {
	var out []Sequence
	for i, h := range hs {
		if checkItems(h, n) == nil {
			if out != nil {
				out[i] = h
			}
			continue
		}
		if out == nil {
			out = append(make([]Sequence, 0, len(hs)), hs...)
		}
		c := make(Sequence, 0, len(h))
		for _, it := range h {
			if it >= 0 && int(it) < n {
				c = append(c, it)
			}
		}
		out[i] = c
	}
	if out == nil {
		return hs
	}
	return out
}
