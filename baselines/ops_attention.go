package baselines

import "math"

// segment is one sequence inside a packed batch: rows off..off+n-1.
type segment struct{ off, n int }

// probsLen is the attention-probability storage the segments need.
func probsLen(segs []segment, heads int) int {
	t := 0
	for _, s := range segs {
		t += heads * s.n * s.n
	}
	return t
}

// attentionForward is multi-head scaled dot-product attention within each
// segment. qkv holds rows×3d (queries, keys, values side by side); out
// gets rows×d. With causal, row i attends to rows ≤ i of its segment,
// otherwise to the whole segment. probs keeps the attention weights.
func attentionForward(out, qkv, probs []float32, segs []segment, d, heads int, causal bool) {
	dh := d / heads
	sc := float32(1 / math.Sqrt(float64(dh)))
	d3 := 3 * d
	p := probs
	for _, s := range segs {
		for h := 0; h < heads; h++ {
			ho := h * dh
			for i := 0; i < s.n; i++ {
				row := p[i*s.n : i*s.n+s.n]
				q := qkv[(s.off+i)*d3+ho : (s.off+i)*d3+ho+dh]
				last := s.n - 1
				if causal {
					last = i
				}
				m := float32(math.Inf(-1))
				for j := 0; j <= last; j++ {
					k := qkv[(s.off+j)*d3+d+ho : (s.off+j)*d3+d+ho+dh]
					var dot float32
					for c, qv := range q {
						dot += qv * k[c]
					}
					row[j] = dot * sc
					m = max(m, row[j])
				}
				var sum float32
				for j := 0; j <= last; j++ {
					row[j] = expf(row[j] - m)
					sum += row[j]
				}
				inv := 1 / sum
				o := out[(s.off+i)*d+ho : (s.off+i)*d+ho+dh]
				clear(o)
				for j := 0; j <= last; j++ {
					row[j] *= inv
					v := qkv[(s.off+j)*d3+2*d+ho : (s.off+j)*d3+2*d+ho+dh]
					w := row[j]
					for c, vv := range v {
						o[c] += w * vv
					}
				}
				for j := last + 1; j < s.n; j++ {
					row[j] = 0
				}
			}
			p = p[s.n*s.n:]
		}
	}
}

// attentionBackward writes dqkv from dout (both packed like the forward).
func attentionBackward(dqkv, dout, qkv, probs []float32, segs []segment, d, heads int, causal bool) {
	dh := d / heads
	sc := float32(1 / math.Sqrt(float64(dh)))
	d3 := 3 * d
	p := probs
	var dpBuf [256]float32
	for _, s := range segs {
		clear(dqkv[s.off*d3 : (s.off+s.n)*d3])
		dp := dpBuf[:]
		if s.n > len(dp) {
			dp = make([]float32, s.n)
		}
		for h := 0; h < heads; h++ {
			ho := h * dh
			for i := 0; i < s.n; i++ {
				row := p[i*s.n : i*s.n+s.n]
				last := s.n - 1
				if causal {
					last = i
				}
				do := dout[(s.off+i)*d+ho : (s.off+i)*d+ho+dh]
				var dot float32
				for j := 0; j <= last; j++ {
					v := qkv[(s.off+j)*d3+2*d+ho : (s.off+j)*d3+2*d+ho+dh]
					dv := dqkv[(s.off+j)*d3+2*d+ho : (s.off+j)*d3+2*d+ho+dh]
					var g float32
					w := row[j]
					for c, dov := range do {
						g += dov * v[c]
						dv[c] += w * dov
					}
					dp[j] = g
					dot += w * g
				}
				q := qkv[(s.off+i)*d3+ho : (s.off+i)*d3+ho+dh]
				dq := dqkv[(s.off+i)*d3+ho : (s.off+i)*d3+ho+dh]
				for j := 0; j <= last; j++ {
					ds := row[j] * (dp[j] - dot) * sc
					if ds == 0 {
						continue
					}
					k := qkv[(s.off+j)*d3+d+ho : (s.off+j)*d3+d+ho+dh]
					dk := dqkv[(s.off+j)*d3+d+ho : (s.off+j)*d3+d+ho+dh]
					for c := range dq {
						dq[c] += ds * k[c]
						dk[c] += ds * q[c]
					}
				}
			}
			p = p[s.n*s.n:]
		}
	}
}
