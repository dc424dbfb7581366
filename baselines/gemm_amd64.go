//go:build amd64 && !purego

package baselines

import "golang.org/x/sys/cpu"

// kernel6x16 is the AVX2/FMA micro-kernel in gemm_amd64.s.
//
//go:noescape
func kernel6x16(k int, a *float32, sa int, b *float32, sb int, c *float32, ldc int, acc bool)

var hasAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

func init() {
	if hasAVX2 {
		gemmImpl = packedGemm
	}
}

func microKernel(k int, a []float32, sa int, b []float32, sb int, c []float32, ldc int, acc bool) {
	kernel6x16(k, &a[0], sa, &b[0], sb, &c[0], ldc, acc)
}

// expSubSum8 is in exp_amd64.s.
//
//go:noescape
func expSubSum8(z *float32, n int, m float32) float32

// expSubSum sets z[i] = exp(z[i]-m) and returns their sum.
func expSubSum(z []float32, m float32) float32 {
	if !hasAVX2 {
		return expSubSumGo(z, m)
	}
	n8 := len(z) &^ 7
	var s float32
	if n8 > 0 {
		s = expSubSum8(&z[0], n8, m)
	}
	return s + expSubSumGo(z[n8:], m)
}

//go:noescape
func max8(z *float32, n int) float32

//go:noescape
func scale8(z *float32, n int, s float32)

// maxf returns the largest element of a non-empty z (NaN-free).
func maxf(z []float32) float32 {
	n8 := len(z) &^ 7
	if !hasAVX2 || n8 == 0 {
		return maxfGo(z)
	}
	m := max8(&z[0], n8)
	for _, v := range z[n8:] {
		if v > m {
			m = v
		}
	}
	return m
}

// scalef multiplies z by s.
func scalef(z []float32, s float32) {
	n8 := len(z) &^ 7
	if hasAVX2 && n8 > 0 {
		scale8(&z[0], n8, s)
	}
	for i := n8; i < len(z); i++ {
		z[i] *= s
	}
}

//go:noescape
func geluFwd8(y, x *float32, n int)

//go:noescape
func geluBwd8(dx, dy, x *float32, n int)

func geluForward(y, x []float32) {
	n8 := len(x) &^ 7
	if hasAVX2 && n8 > 0 {
		geluFwd8(&y[0], &x[0], n8)
	}
	geluForwardGo(y[n8:len(x)], x[n8:])
}

func geluBackward(dx, dy, x []float32) {
	n8 := len(x) &^ 7
	if hasAVX2 && n8 > 0 {
		geluBwd8(&dx[0], &dy[0], &x[0], n8)
	}
	geluBackwardGo(dx[n8:len(x)], dy[n8:len(x)], x[n8:])
}
