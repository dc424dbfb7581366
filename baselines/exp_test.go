package baselines

import (
	"math"
	"testing"
)

func TestExp(t *testing.T) {
	for x := float32(-100); x < 89; x += 0.0137 {
		got, want := float64(expf(x)), math.Exp(float64(min(x, 88)))
		if x < -87 {
			want = 0
		}
		if math.Abs(got-want) > 5e-6*want {
			t.Fatalf("expf(%v) = %v, want %v", x, got, want)
		}
	}
	for _, n := range []int{1, 7, 8, 9, 64, 1016} {
		z := make([]float32, n)
		want := make([]float64, n)
		for i := range z {
			z[i] = float32(i%97)*-0.9 + 3
			want[i] = math.Exp(max(float64(z[i])-2.5, -87))
		}
		s := expSubSum(z, 2.5)
		var ws float64
		for i, v := range z {
			ws += want[i]
			if math.Abs(float64(v)-want[i]) > 5e-6*want[i]+1e-37 {
				t.Fatalf("n=%d: exp %d = %v, want %v", n, i, v, want[i])
			}
		}
		if math.Abs(float64(s)-ws) > 1e-5*ws {
			t.Fatalf("n=%d: sum %v, want %v", n, s, ws)
		}
	}
}

func TestGELUKernels(t *testing.T) {
	x := make([]float32, 203)
	for i := range x {
		x[i] = float32(i-101) * 0.09
	}
	x[0], x[1] = -100, 100
	y, yg := make([]float32, len(x)), make([]float32, len(x))
	geluForward(y, x)
	geluForwardGo(yg, x)
	dy := make([]float32, len(x))
	for i := range dy {
		dy[i] = 1 + float32(i%3)
	}
	d, dg := make([]float32, len(x)), make([]float32, len(x))
	geluBackward(d, dy, x)
	geluBackwardGo(dg, dy, x)
	for i := range x {
		if math.Abs(float64(y[i]-yg[i])) > 1e-5*(1+math.Abs(float64(yg[i]))) || math.Abs(float64(d[i]-dg[i])) > 1e-5*(1+math.Abs(float64(dg[i]))) {
			t.Errorf("x=%v: gelu %v vs %v, gradient %v vs %v", x[i], y[i], yg[i], d[i], dg[i])
		}
	}
}
