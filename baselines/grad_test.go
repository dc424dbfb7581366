package baselines

import (
	"math"
	"math/rand/v2"
	"testing"
)

// gradCase builds a scalar loss over some float32 inputs and its analytic
// gradient; the test compares that with central finite differences.
type gradCase struct {
	name  string
	build func(rng *rand.Rand) (inputs [][]float32, loss func() float64, grad func() [][]float32)
}

// dot64 is Σ r·y in float64: the projection that turns an op's output
// into a scalar loss whose gradient with respect to y is r.
func dot64(r, y []float32) float64 {
	var s float64
	for i := range r {
		s += float64(r[i]) * float64(y[i])
	}
	return s
}

func TestGradients(t *testing.T) {
	for _, c := range gradCases() {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 4))
			inputs, loss, grad := c.build(rng)
			g := grad()
			const eps = 1e-2
			for k, x := range inputs {
				checked := 0
				for _, i := range rng.Perm(len(x)) {
					if checked == 48 {
						break
					}
					checked++
					old := x[i]
					x[i] = old + eps
					lp := loss()
					x[i] = old - eps
					lm := loss()
					x[i] = old
					num := (lp - lm) / (2 * eps)
					an := float64(g[k][i])
					if math.Abs(num-an) > 2e-2*max(math.Abs(num), math.Abs(an))+2e-3 {
						t.Errorf("input %d element %d: analytic %.6g, finite difference %.6g", k, i, an, num)
					}
				}
			}
		})
	}
}

func gradCases() []gradCase {
	segs := []segment{{0, 3}, {3, 1}, {4, 5}}
	const rows = 9
	return []gradCase{
		{"embedding", func(rng *rand.Rand) ([][]float32, func() float64, func() [][]float32) {
			d, n := 4, 6
			table := randSlice(rng, n*d)
			ids := []int32{1, 5, 1, 0, 3}
			r := randSlice(rng, len(ids)*d)
			out := make([]float32, len(ids)*d)
			loss := func() float64 { embedForward(out, table, d, ids, 1.7, false); return dot64(r, out) }
			grad := func() [][]float32 {
				g := make([]float32, len(table))
				embedBackward(g, r, d, ids, 1.7)
				return [][]float32{g}
			}
			return [][]float32{table}, loss, grad
		}},
		{"linear", func(rng *rand.Rand) ([][]float32, func() float64, func() [][]float32) {
			in, out := 5, 7
			x, w, b := randSlice(rng, rows*in), randSlice(rng, in*out), randSlice(rng, out)
			r := randSlice(rng, rows*out)
			y := make([]float32, rows*out)
			loss := func() float64 { linearForward(y, x, w, b, rows, in, out); return dot64(r, y) }
			grad := func() [][]float32 {
				dx, dw, db := make([]float32, len(x)), make([]float32, len(w)), make([]float32, len(b))
				linearBackward(dx, dw, db, r, x, w, rows, in, out, false)
				return [][]float32{dx, dw, db}
			}
			return [][]float32{x, w, b}, loss, grad
		}},
		{"layer norm", func(rng *rand.Rand) ([][]float32, func() float64, func() [][]float32) {
			d := 8
			x, g, b := randSlice(rng, rows*d), randSlice(rng, d), randSlice(rng, d)
			r := randSlice(rng, rows*d)
			y, mean, rstd := make([]float32, rows*d), make([]float32, rows), make([]float32, rows)
			loss := func() float64 { layerNormForward(y, x, g, b, mean, rstd, rows, d); return dot64(r, y) }
			grad := func() [][]float32 {
				loss()
				dx, dg, db := make([]float32, len(x)), make([]float32, d), make([]float32, d)
				layerNormBackward(dx, dg, db, r, x, g, mean, rstd, rows, d, false)
				return [][]float32{dx, dg, db}
			}
			return [][]float32{x, g, b}, loss, grad
		}},
		attentionCase("attention causal 1 head", segs, 1, true),
		attentionCase("attention causal 2 heads", segs, 2, true),
		attentionCase("attention bidirectional 2 heads", segs, 2, false),
		activationCase("relu", ReLU),
		activationCase("gelu", GELU),
		{"dropout", func(rng *rand.Rand) ([][]float32, func() float64, func() [][]float32) {
			x := randSlice(rng, 40)
			r := randSlice(rng, 40)
			mask := make([]float32, 40)
			y := make([]float32, 40)
			src := rand.NewPCG(0, 0)
			loss := func() float64 {
				copy(y, x)
				src.Seed(9, 9) // the same mask every call
				dropoutForward(y, mask, 0.3, rand.New(src))
				return dot64(r, y)
			}
			grad := func() [][]float32 {
				loss()
				dx := append([]float32(nil), r...)
				dropoutBackward(dx, mask, 0.3, true)
				return [][]float32{dx}
			}
			return [][]float32{x}, loss, grad
		}},
		{"softmax cross-entropy", func(rng *rand.Rand) ([][]float32, func() float64, func() [][]float32) {
			n := 11
			z := randSlice(rng, rows*n)
			tg := []int32{0, 3, 10, 5, 5, 1, 2, 9, 7}
			buf := make([]float32, len(z))
			loss := func() float64 { copy(buf, z); return softmaxCE(buf, rows, n, tg, 0.5) }
			grad := func() [][]float32 {
				copy(buf, z)
				softmaxCE(buf, rows, n, tg, 0.5)
				return [][]float32{append([]float32(nil), buf...)}
			}
			// softmaxCE returns the unscaled loss and the gradient of 0.5·loss.
			return [][]float32{z}, func() float64 { return 0.5 * loss() }, grad
		}},
		{"sampled BCE", func(rng *rand.Rand) ([][]float32, func() float64, func() [][]float32) {
			d, n := 6, 10
			h, table := randSlice(rng, rows*d), randSlice(rng, n*d)
			pos := []int32{1, 2, 3, 4, 5, 6, 7, 8, 9}
			neg := []int32{0, 0, 9, 1, 2, 3, 4, 5, 6}
			dh, dt := make([]float32, len(h)), make([]float32, len(table))
			loss := func() float64 {
				return 0.25 * sampledBCE(h, table, dh, make([]float32, len(table)), rows, d, pos, neg, 0.25)
			}
			grad := func() [][]float32 {
				clear(dt)
				sampledBCE(h, table, dh, dt, rows, d, pos, neg, 0.25)
				return [][]float32{append([]float32(nil), dh...), dt}
			}
			return [][]float32{h, table}, loss, grad
		}},
		encoderCase("encoder pre-LN causal relu", true, true, ReLU),
		encoderCase("encoder post-LN bidirectional gelu", false, false, GELU),
		sasrecCase("sasrec CE", CrossEntropy, false, false),
		sasrecCase("sasrec BCE post-LN", SampledBCE, true, false),
		sasrecCase("sasrec CE start token", CrossEntropy, false, true),
		sasrecCase("sasrec BCE start token", SampledBCE, false, true),
		sasrecCase("sasrec CE start token move flags", CrossEntropy, false, true, true),
		sasrecCase("sasrec CE move flags", CrossEntropy, true, false, true),
		sasrecCase("sasrec CE repeat head", CrossEntropy, false, false, false, true),
		sasrecCase("sasrec CE start token repeat head", CrossEntropy, false, true, false, true),
		sasrecCase("sasrec CE start token move flags repeat head", CrossEntropy, false, true, true, true),
		sasrecEditCase("sasrec lags", func(c *SASRecConfig) { c.Lags, c.MoveFlags, c.RepeatHead = 2, false, false }),
		sasrecEditCase("sasrec lags repeat head start token", func(c *SASRecConfig) { c.Lags, c.StartToken = 3, true }),
		bert4recCase("bert4rec"),
		bert4recCase("bert4rec repeat head", true),
		bert4recCase("bert4rec move flags", false, true),
		bert4recCase("bert4rec repeat head and move flags", true, true),
		bert4recCase("bert4rec lags repeat head and move flags", true, true, true),
	}
}

func attentionCase(name string, segs []segment, heads int, causal bool) gradCase {
	return gradCase{name, func(rng *rand.Rand) ([][]float32, func() float64, func() [][]float32) {
		d, rows := 4, 9
		qkv := randSlice(rng, rows*3*d)
		r := randSlice(rng, rows*d)
		out := make([]float32, rows*d)
		probs := make([]float32, probsLen(segs, heads))
		loss := func() float64 {
			attentionForward(out, qkv, probs, segs, d, heads, causal)
			return dot64(r, out)
		}
		grad := func() [][]float32 {
			loss()
			dq := make([]float32, len(qkv))
			attentionBackward(dq, r, qkv, probs, segs, d, heads, causal)
			return [][]float32{dq}
		}
		return [][]float32{qkv}, loss, grad
	}}
}

func activationCase(name string, a Activation) gradCase {
	return gradCase{name, func(rng *rand.Rand) ([][]float32, func() float64, func() [][]float32) {
		x := randSlice(rng, 50)
		for i := range x {
			if math.Abs(float64(x[i])) < 0.05 {
				x[i] += 0.1 // keep ReLU's kink out of the finite differences
			}
		}
		r := randSlice(rng, 50)
		y := make([]float32, 50)
		loss := func() float64 { actForward(a, y, x); return dot64(r, y) }
		grad := func() [][]float32 {
			dx := make([]float32, 50)
			actBackward(a, dx, r, x)
			return [][]float32{dx}
		}
		return [][]float32{x}, loss, grad
	}}
}

func encoderCase(name string, preLN, causal bool, act Activation) gradCase {
	return gradCase{name, func(rng *rand.Rand) ([][]float32, func() float64, func() [][]float32) {
		d, rows := 8, 9
		segs := []segment{{0, 4}, {4, 5}}
		var ps paramSet
		e := newEncoder(&ps, d, 2, 12, 2, preLN, causal, act, 0.1)
		ps.alloc(5)
		for i := range ps.w {
			ps.w[i] += 0.1 * float32(rng.NormFloat64()) // non-trivial norms and biases
		}
		x := randSlice(rng, rows*d)
		r := randSlice(rng, rows*d)
		var ws encoderWS
		src := rand.NewPCG(0, 0)
		loss := func() float64 {
			src.Seed(1, 2)
			e.forward(&ws, ps.w, x, rows, segs, rand.New(src))
			return dot64(r, ws.out)
		}
		grad := func() [][]float32 {
			loss()
			g := make([]float32, len(ps.w))
			dx := e.backward(&ws, ps.w, g, r)
			return [][]float32{append([]float32(nil), dx...), g}
		}
		return [][]float32{x, ps.w}, loss, grad
	}}
}

// stepCase checks a whole training step: the gradient the worker adds
// must be that of scale·loss over the parameters.
func stepCase(rng *rand.Rand, w []float32, wk worker, exs []example) (func() float64, func() [][]float32) {
	const scale = 0.1
	// Initial weights are tiny, where layer norms are too curved for
	// finite differences; move them to unit scale.
	for i := range w {
		w[i] += 0.3 * float32(rng.NormFloat64())
	}
	src := rand.NewPCG(0, 0)
	loss := func() float64 {
		src.Seed(7, 7)
		return scale * wk.step(w, make([]float32, len(w)), exs, scale, rand.New(src))
	}
	grad := func() [][]float32 {
		src.Seed(7, 7)
		g := make([]float32, len(w))
		wk.step(w, g, exs, scale, rand.New(src))
		return [][]float32{g}
	}
	return loss, grad
}

func sasrecCase(name string, l Loss, post, start bool, flags ...bool) gradCase {
	return sasrecEditCase(name, func(cfg *SASRecConfig) {
		cfg.Loss, cfg.PostLN, cfg.StartToken = l, post, start
		cfg.MoveFlags = len(flags) > 0 && flags[0]
		cfg.RepeatHead = len(flags) > 1 && flags[1]
	})
}

// sasrecEditCase checks a small SASRec whose options edit sets.
func sasrecEditCase(name string, edit func(*SASRecConfig)) gradCase {
	return gradCase{name, func(rng *rand.Rand) ([][]float32, func() float64, func() [][]float32) {
		cfg := DefaultSASRec
		cfg.NetConfig = NetConfig{Hidden: 8, Heads: 2, Blocks: 2, Inner: 8, MaxLen: 6, Dropout: 0.1}
		cfg.Groups = []int32{0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2, 0}
		cfg.Act = GELU // ReLU kinks upset finite differences; ReLU has its own case
		edit(&cfg)
		m, err := newSASRec(13, cfg, 3)
		if err != nil {
			panic(err)
		}
		exs := make([]example, 3)
		for i, s := range []Sequence{{1, 2, 3, 4}, {5, 5}, {12, 0, 7, 7, 0, 9, 12}} {
			m.prepare(&exs[i], s, rng)
		}
		loss, grad := stepCase(rng, m.ps.w, m.newWorker(), exs)
		return [][]float32{m.ps.w}, loss, grad
	}}
}

func bert4recCase(name string, opts ...bool) gradCase {
	return gradCase{name, func(rng *rand.Rand) ([][]float32, func() float64, func() [][]float32) {
		cfg := DefaultBERT4Rec
		cfg.NetConfig = NetConfig{Hidden: 8, Heads: 2, Blocks: 2, Inner: 8, MaxLen: 6, Dropout: 0.1}
		cfg.RepeatHead = len(opts) > 0 && opts[0]
		cfg.MoveFlags = len(opts) > 1 && opts[1]
		if len(opts) > 2 && opts[2] {
			cfg.Lags = 2
		}
		cfg.Groups = []int32{0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2, 0}
		m, err := newBERT4Rec(13, cfg, 3)
		if err != nil {
			panic(err)
		}
		exs := make([]example, 3)
		for i, s := range []Sequence{{1, 2, 3, 4}, {5, 5}, {12, 0, 7, 7, 3, 9}} {
			m.prepare(&exs[i], s, rng)
		}
		loss, grad := stepCase(rng, m.ps.w, m.newWorker(), exs)
		return [][]float32{m.ps.w}, loss, grad
	}}
}
