package baselines

import "math"

// softmaxCE is the full-softmax cross-entropy of each row of logits
// (rows×n) against its target. It returns the summed loss and overwrites
// logits with w·∂loss/∂logits (w is typically 1/targets in the batch).
func softmaxCE(logits []float32, rows, n int, targets []int32, w float32) float64 {
	var loss float64
	for r := 0; r < rows; r++ {
		z := logits[r*n : r*n+n]
		m := maxf(z)
		sum := expSubSum(z, m)
		t := targets[r]
		loss += math.Log(float64(sum)) - math.Log(max(float64(z[t]), 1e-38))
		scalef(z, w/sum)
		z[t] -= w
	}
	return loss
}

// sampledBCE is SASRec's original loss: for each row of h (rows×d), the
// binary cross-entropy of its positive item (label 1) and one sampled
// negative (label 0), scoring item i as h·table[i]. It returns the summed
// loss, writes dh and adds to dtable, both scaled by w.
func sampledBCE(h, table, dh, dtable []float32, rows, d int, pos, neg []int32, w float32) float64 {
	var loss float64
	for r := 0; r < rows; r++ {
		hr, dhr := h[r*d:r*d+d], dh[r*d:r*d+d]
		clear(dhr)
		for k, it := range [2]int32{pos[r], neg[r]} {
			e := table[int(it)*d : int(it)*d+d]
			var s float32
			for j, v := range hr {
				s += v * e[j]
			}
			x := float64(s)
			var g float64 // ∂loss/∂s
			if k == 0 {
				loss += softplus(-x)
				g = sigmoid(x) - 1
			} else {
				loss += softplus(x)
				g = sigmoid(x)
			}
			gw := float32(g) * w
			de := dtable[int(it)*d : int(it)*d+d]
			for j, v := range hr {
				dhr[j] += gw * e[j]
				de[j] += gw * v
			}
		}
	}
	return loss
}

func softplus(x float64) float64 { return max(x, 0) + math.Log1p(math.Exp(-math.Abs(x))) }

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
