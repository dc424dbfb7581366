package baselines

import "math"

// adam is Adam with decoupled weight decay (AdamW) on the flat vector.
type adam struct {
	lr, b1, b2, eps, wd float64
	m, v                []float32
	specs               []tensorSpec
	t                   int
}

func newAdam(p *paramSet, cfg TrainConfig) *adam {
	a := &adam{lr: cfg.LR, b1: cfg.Beta1, b2: cfg.Beta2, eps: 1e-8, wd: cfg.WeightDecay,
		m: make([]float32, p.n), v: make([]float32, p.n), specs: p.specs}
	return a
}

// clipNorm scales g so its global L2 norm is at most c (c <= 0: off) and
// returns the norm before clipping. The sum runs in a fixed order. With
// spans, g is zero outside them and only they are read and scaled.
func clipNorm(g []float32, c float64, spans []span) float64 {
	if spans == nil {
		spans = []span{{0, len(g), false}}
	}
	var ss float64
	for _, sp := range spans {
		for _, v := range g[sp.lo:sp.hi] {
			ss += float64(v) * float64(v)
		}
	}
	n := math.Sqrt(ss)
	if c > 0 && n > c {
		s := float32(c / n)
		for _, sp := range spans {
			for i := sp.lo; i < sp.hi; i++ {
				g[i] *= s
			}
		}
	}
	return n
}

// step applies one update of w from g with learning rate lr, to the
// spans alone when they are given (see paramSet.spans).
func (a *adam) step(w, g []float32, lr float64, spans []span) {
	a.t++
	b1, b2 := float32(a.b1), float32(a.b2)
	c1 := 1 - math.Pow(a.b1, float64(a.t))
	c2 := 1 - math.Pow(a.b2, float64(a.t))
	// Fold the bias corrections into the step size and epsilon.
	stepSize := float32(lr * math.Sqrt(c2) / c1)
	eps := float32(a.eps * math.Sqrt(c2))
	if spans == nil {
		for _, s := range a.specs {
			spans = append(spans, span{s.Off, s.Off + s.Size, s.Decay})
		}
	}
	for _, sp := range spans {
		wd := float32(0)
		if sp.decay {
			wd = float32(lr * a.wd)
		}
		ws, gs := w[sp.lo:sp.hi], g[sp.lo:sp.hi]
		ms, vs := a.m[sp.lo:sp.hi], a.v[sp.lo:sp.hi]
		for i, gi := range gs {
			m := b1*ms[i] + (1-b1)*gi
			v := b2*vs[i] + (1-b2)*gi*gi
			ms[i], vs[i] = m, v
			ws[i] -= stepSize*m/(float32(math.Sqrt(float64(v)))+eps) + wd*ws[i]
		}
	}
}
