package baselines

import "math"

const lnEps = 1e-6

// layerNormForward normalises each row of x (rows×d) to zero mean and
// unit variance, then applies gain g and bias b. It keeps each row's mean
// and 1/std for the backward pass.
func layerNormForward(y, x, g, b, mean, rstd []float32, rows, d int) {
	for r := 0; r < rows; r++ {
		xr := x[r*d : r*d+d]
		var s float32
		for _, v := range xr {
			s += v
		}
		mu := s / float32(d)
		var ss float32
		for _, v := range xr {
			ss += (v - mu) * (v - mu)
		}
		rs := float32(1 / math.Sqrt(float64(ss/float32(d)+lnEps)))
		mean[r], rstd[r] = mu, rs
		yr := y[r*d : r*d+d]
		for j, v := range xr {
			yr[j] = (v-mu)*rs*g[j] + b[j]
		}
	}
}

// layerNormBackward adds to dg, db and writes dx (adds when accDx).
func layerNormBackward(dx, dg, db, dy, x, g, mean, rstd []float32, rows, d int, accDx bool) {
	inv := 1 / float32(d)
	for r := 0; r < rows; r++ {
		xr, dyr, dxr := x[r*d:r*d+d], dy[r*d:r*d+d], dx[r*d:r*d+d]
		mu, rs := mean[r], rstd[r]
		var sdx, sdxx float32
		for j, v := range xr {
			xh := (v - mu) * rs
			dg[j] += dyr[j] * xh
			db[j] += dyr[j]
			gd := dyr[j] * g[j]
			sdx += gd
			sdxx += gd * xh
		}
		for j, v := range xr {
			xh := (v - mu) * rs
			gd := dyr[j] * g[j]
			val := rs * (gd - inv*sdx - xh*inv*sdxx)
			if accDx {
				dxr[j] += val
			} else {
				dxr[j] = val
			}
		}
	}
}
