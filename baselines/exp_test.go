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
