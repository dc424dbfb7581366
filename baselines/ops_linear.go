package baselines

// linearForward computes y = x·w + b for rows×in x, in×out w, out b
// (b may be nil).
func linearForward(y, x, w, b []float32, rows, in, out int) {
	if b != nil {
		for r := 0; r < rows; r++ {
			copy(y[r*out:r*out+out], b)
		}
		gemm(false, false, rows, out, in, x, in, w, out, 1, y, out)
		return
	}
	gemm(false, false, rows, out, in, x, in, w, out, 0, y, out)
}

// linearBackward adds xᵀ·dy to dw and the column sums of dy to db (if
// not nil), and writes dy·wᵀ to dx (adds it when accDx; skips a nil dx).
func linearBackward(dx, dw, db, dy, x, w []float32, rows, in, out int, accDx bool) {
	gemm(true, false, in, out, rows, x, in, dy, out, 1, dw, out)
	if db != nil {
		for r := 0; r < rows; r++ {
			for j, v := range dy[r*out : r*out+out] {
				db[j] += v
			}
		}
	}
	if dx != nil {
		beta := float32(0)
		if accDx {
			beta = 1
		}
		gemm(false, true, rows, in, out, dy, out, w, out, beta, dx, in)
	}
}
