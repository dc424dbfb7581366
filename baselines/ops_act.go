package baselines

import "math/rand/v2"

// Activation picks the feed-forward non-linearity.
type Activation uint8

const (
	ReLU Activation = iota
	GELU
)

func (a Activation) String() string {
	if a == GELU {
		return "gelu"
	}
	return "relu"
}

func actForward(a Activation, y, x []float32) {
	if a == GELU {
		geluForward(y, x)
	} else {
		reluForward(y, x)
	}
}

// actBackward writes dx = dy·act'(x), in place of dy when dx is dy.
func actBackward(a Activation, dx, dy, x []float32) {
	if a == GELU {
		geluBackward(dx, dy, x)
	} else {
		reluBackward(dx, dy, x)
	}
}

func reluForward(y, x []float32) {
	for i, v := range x {
		y[i] = max(v, 0)
	}
}

func reluBackward(dx, dy, x []float32) {
	for i, v := range x {
		if v > 0 {
			dx[i] = dy[i]
		} else {
			dx[i] = 0
		}
	}
}

const (
	geluC = 0.7978845608028654 // √(2/π)
	geluA = 0.044715
)

// geluForward is the tanh approximation of GELU used by BERT's reference
// implementations.
func geluForwardGo(y, x []float32) {
	for i, v := range x {
		y[i] = 0.5 * v * (1 + tanhf(geluC*(v+geluA*v*v*v)))
	}
}

func geluBackwardGo(dx, dy, x []float32) {
	for i, v := range x {
		t := tanhf(geluC * (v + geluA*v*v*v))
		d := 0.5*(1+t) + 0.5*v*(1-t*t)*geluC*(1+3*geluA*v*v)
		dx[i] = dy[i] * d
	}
}

// dropoutForward zeroes each x with probability p and scales the rest by
// 1/(1-p), in place; mask keeps the factors for the backward pass. With
// p == 0 or a nil rng it is the identity and mask is not touched.
func dropoutForward(x, mask []float32, p float32, rng *rand.Rand) {
	if p <= 0 || rng == nil {
		return
	}
	keep := 1 / (1 - p)
	// One 64-bit draw gives four 16-bit uniforms: dropout draws are a
	// visible cost at these sizes.
	thr := uint64(p * 65536)
	var bits uint64
	for i := range x {
		if i&3 == 0 {
			bits = rng.Uint64()
		}
		if bits&0xffff < thr {
			mask[i] = 0
		} else {
			mask[i] = keep
		}
		bits >>= 16
		x[i] *= mask[i]
	}
}

func dropoutBackward(dx, mask []float32, p float32, active bool) {
	if p <= 0 || !active {
		return
	}
	for i := range dx {
		dx[i] *= mask[i]
	}
}
