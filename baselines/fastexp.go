package baselines

import "math"

// expf is a float32 exp with about 2e-7 relative error. math.Exp in
// float64 would cost a third of an epoch in the softmax over all items.
func expf(x float32) float32 {
	if x < -87 {
		return 0
	}
	if x > 88 {
		x = 88
	}
	t := x * 1.4426950408889634 // log2(e)
	n := float32(math.Floor(float64(t + 0.5)))
	f := (t - n) * 0.6931471805599453 // in [-ln2/2, ln2/2]
	p := float32(1.0/720)*f + 1.0/120
	p = p*f + 1.0/24
	p = p*f + 1.0/6
	p = p*f + 0.5
	p = p*f + 1
	p = p*f + 1
	return p * math.Float32frombits(uint32(int32(n)+127)<<23)
}

// tanhf is tanh from expf.
func tanhf(x float32) float32 {
	if x > 9 {
		return 1
	}
	if x < -9 {
		return -1
	}
	if x > -0.05 && x < 0.05 {
		x2 := x * x
		return x * (1 - x2/3 + 2*x2*x2/15)
	}
	e := expf(2 * x)
	return (e - 1) / (e + 1)
}

func expSubSumGo(z []float32, m float32) float32 {
	var s float32
	for i, v := range z {
		e := expf(v - m)
		z[i] = e
		s += e
	}
	return s
}

func maxfGo(z []float32) float32 {
	m := z[0]
	for _, v := range z[1:] {
		if v > m {
			m = v
		}
	}
	return m
}
