//go:build !amd64 || purego

package baselines

// microKernel is the portable 6×16 kernel; packedGemm is only selected on
// amd64, so this exists for tests of the packing code.
func microKernel(k int, a []float32, sa int, b []float32, sb int, c []float32, ldc int, acc bool) {
	var t [6 * 16]float32
	for p := 0; p < k; p++ {
		ap, bp := a[p*sa:p*sa+6], b[p*sb:p*sb+16]
		for i, av := range ap {
			row := t[i*16 : i*16+16]
			for j, bv := range bp {
				row[j] += av * bv
			}
		}
	}
	for i := 0; i < 6; i++ {
		dst := c[i*ldc : i*ldc+16]
		for j, v := range t[i*16 : i*16+16] {
			if acc {
				dst[j] += v
			} else {
				dst[j] = v
			}
		}
	}
}

func expSubSum(z []float32, m float32) float32 { return expSubSumGo(z, m) }

func maxf(z []float32) float32 { return maxfGo(z) }

func scalef(z []float32, s float32) {
	for i := range z {
		z[i] *= s
	}
}

func geluForward(y, x []float32) { geluForwardGo(y, x) }

func geluBackward(dx, dy, x []float32) { geluBackwardGo(dx, dy, x) }
