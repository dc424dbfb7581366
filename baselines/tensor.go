package baselines

import (
	"math"
	"math/rand/v2"
)

// initKind says how a parameter tensor starts.
type initKind uint8

const (
	initNormal initKind = iota // N(0, std²)
	initOnes
	initZeros
)

// tensorSpec is one named parameter tensor inside the flat vector.
type tensorSpec struct {
	Name       string
	Off, Size  int
	Decay      bool // weight decay applies (not to biases, norms)
	init       initKind
	std        float32
	rows, cols int
	// sparse marks a table indexed by item whose gradient can be nonzero
	// only in the rows of items among a batch's inputs; training then
	// clears, sums, clips and updates those rows alone (Adam is lazy on
	// it: a row not in the batch keeps its moments).
	sparse bool
}

// pref locates a tensor in the flat parameter (or gradient) vector.
type pref struct{ off, size int }

func (p pref) of(buf []float32) []float32 { return buf[p.off : p.off+p.size : p.off+p.size] }

// paramSet is a model's parameters as one flat float32 vector, so that
// gradients, Adam moments, clipping and saving are single loops.
type paramSet struct {
	specs []tensorSpec
	w     []float32
	n     int
}

func (p *paramSet) add(name string, rows, cols int, decay bool, k initKind, std float32) pref {
	s := tensorSpec{Name: name, Off: p.n, Size: rows * cols, Decay: decay, init: k, std: std, rows: rows, cols: cols}
	p.specs = append(p.specs, s)
	p.n += s.Size
	return pref{s.Off, s.Size}
}

// weight is a decayed matrix with N(0, std²) entries.
func (p *paramSet) weight(name string, rows, cols int, std float32) pref {
	return p.add(name, rows, cols, true, initNormal, std)
}

func (p *paramSet) bias(name string, n int) pref { return p.add(name, 1, n, false, initZeros, 0) }

func (p *paramSet) norm(name string, d int) (g, b pref) {
	return p.add(name+".g", 1, d, false, initOnes, 0), p.add(name+".b", 1, d, false, initZeros, 0)
}

// sparseTable adds a zero-initialised, decayed rows×cols table of the
// sparse kind (see tensorSpec.sparse).
func (p *paramSet) sparseTable(name string, rows, cols int) pref {
	r := p.add(name, rows, cols, true, initZeros, 0)
	p.specs[len(p.specs)-1].sparse = true
	return r
}

// span is a range of the flat vector that a training step touches.
type span struct {
	lo, hi int
	decay  bool
}

// spans lists the ranges a step with input items in touches: every dense
// tensor whole, and the rows of those items in the sparse ones. Without
// sparse tensors it returns nil: everything.
func (p *paramSet) spans(items []int32, buf []span) []span {
	buf = buf[:0]
	sparse := false
	for _, s := range p.specs {
		if !s.sparse {
			if n := len(buf); n > 0 && buf[n-1].hi == s.Off && buf[n-1].decay == s.Decay {
				buf[n-1].hi += s.Size // merge neighbours
				continue
			}
			buf = append(buf, span{s.Off, s.Off + s.Size, s.Decay})
			continue
		}
		sparse = true
		for _, it := range items {
			if int(it) < s.rows {
				off := s.Off + int(it)*s.cols
				buf = append(buf, span{off, off + s.cols, s.Decay})
			}
		}
	}
	if !sparse {
		return nil
	}
	return buf
}

// alloc creates the vector and initialises it from seed, tensor by tensor
// in the order added.
func (p *paramSet) alloc(seed uint64) {
	p.w = make([]float32, p.n)
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	for _, s := range p.specs {
		v := p.w[s.Off : s.Off+s.Size]
		switch s.init {
		case initOnes:
			for i := range v {
				v[i] = 1
			}
		case initNormal:
			for i := range v {
				// Truncate at 2σ as BERT does: no huge initial logits.
				x := rng.NormFloat64()
				for math.Abs(x) > 2 {
					x = rng.NormFloat64()
				}
				v[i] = float32(x) * s.std
			}
		}
	}
}

// xavier is the std of Glorot-normal initialisation.
func xavier(in, out int) float32 { return float32(math.Sqrt(2 / float64(in+out))) }

// grow returns s with length n, reallocating only when it must.
func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n, n+n/4)
	}
	return s[:n]
}

func growInt(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n, n+n/4)
	}
	return s[:n]
}
