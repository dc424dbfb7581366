package baselines

import (
	"fmt"
	"math"
)

// mtdScale multiplies the stored transition logits. Adam moves every
// parameter by about the step size whatever its gradient, and a logit
// table must travel several units from zero where an embedding travels a
// fraction of one: stored at 1/mtdScale, the tables learn at the pace of
// the rest of the network.
const mtdScale = 16

// mtdHead scores the next item with a mixture transition distribution
// (Raftery 1985; Berchtold & Raftery 2002), the classic parsimonious model
// of a high-order Markov chain, with weights chosen by the network:
//
//	P(y | history) = g₀·softmax(h·E)_y + Σ_{l=1..L} g_l·softmax(B_l[x_l])_y
//
// where h is the output state, E the item table, x_l the l-th most recent
// item, B_l a full n×n table of transition logits for lag l (starting at
// zero: uniform), and g = softmax(G·h + c) the gate (a lag the history
// does not reach gets no weight). One softmax over a d-wide state is a
// product of its inputs' effects, and a next job drawn from what follows
// the last job or, as often, from what follows the one two back is a
// mixture, which such a product expresses only roughly (the softmax
// bottleneck, Yang et al. 2018); each lag's component here is a
// first-order transition law of full rank, which sparse careers teach the
// way they teach a count model.
type mtdHead struct {
	lags   []pref // per lag: an n×n table of logits
	gw, gb pref   // gate over the 1+L components: (1+L)×d, 1+L
}

func newMTDHead(ps *paramSet, n, d, lags int) mtdHead {
	var h mtdHead
	for l := range lags {
		// Only the rows of a batch's items get gradient: a sparse table.
		h.lags = append(h.lags, ps.sparseTable(fmt.Sprintf("mtd.lag%d", l+1), n, n))
	}
	h.gw = ps.weight("mtd.gate.w", 1+lags, d, 0.02)
	h.gb = ps.bias("mtd.gate.b", 1+lags)
	return h
}

// mtdWS holds one worker's buffers: each output row's recent items, and
// for a chunk of c rows the components' probabilities and the gate.
type mtdWS struct {
	ids  []int32   // rows×L: the row's item at lag l, −1 where there is none
	z    []float32 // K×c×n logits, then probabilities, then gradients
	gate []float32 // c×K mixing weights, then their logits' gradients
}

func (ws *mtdWS) reset() { ws.ids = ws.ids[:0] }

// addRow adds an output row whose history ends with hist; items at or
// above n (mask or start tokens) give no component.
func (ws *mtdWS) addRow(hist []int32, n int, mh *mtdHead) {
	for l := range mh.lags {
		it := int32(-1)
		if j := len(hist) - 1 - l; j >= 0 && int(hist[j]) < n {
			it = hist[j]
		}
		ws.ids = append(ws.ids, it)
	}
}

// forward fills the components' probabilities for output rows r0..r0+c−1
// with states h (c×d); logits writes the state component's logits (the
// network's own output layer) into its c×n argument.
func (mh *mtdHead) forward(ws *mtdWS, w, h []float32, r0, c, n, d int, logits func(z []float32)) {
	L := len(mh.lags)
	K := 1 + L
	ws.z, ws.gate = grow(ws.z, K*c*n), grow(ws.gate, c*K)
	logits(ws.z[:c*n])
	for l, tab := range mh.lags {
		z := ws.z[(l+1)*c*n : (l+2)*c*n]
		for r := range c {
			if it := ws.ids[(r0+r)*L+l]; it >= 0 {
				for j, v := range tab.of(w)[int(it)*n : int(it)*n+n] {
					z[r*n+j] = mtdScale * v
				}
			} else {
				clear(z[r*n : r*n+n])
			}
		}
	}
	for r := range c {
		for k := range K {
			row := ws.z[k*c*n+r*n : k*c*n+r*n+n]
			scalef(row, 1/expSubSum(row, maxf(row)))
		}
	}
	gemm(false, true, c, K, d, h, d, mh.gw.of(w), d, 0, ws.gate, K)
	gb := mh.gb.of(w)
	for r := range c {
		g := ws.gate[r*K : r*K+K]
		top := g[0] + gb[0]
		for k := range g {
			g[k] += gb[k]
			top = max(top, g[k])
		}
		var sum float32
		for k := range g {
			if k > 0 && ws.ids[(r0+r)*L+k-1] < 0 {
				g[k] = 0 // the history does not reach this lag
				continue
			}
			g[k] = float32(math.Exp(float64(g[k] - top)))
			sum += g[k]
		}
		scalef(g, 1/sum)
	}
}

// mix writes log P(item) for every item: the scores of a ranking, whose
// softmax is the mixture itself.
func (mh *mtdHead) mix(ws *mtdWS, out []float32, c, n int) {
	K := 1 + len(mh.lags)
	for r := range c {
		o := out[r*n : r*n+n]
		clear(o)
		for k := range K {
			if gk := ws.gate[r*K+k]; gk > 0 {
				for j, q := range ws.z[k*c*n+r*n : k*c*n+r*n+n] {
					o[j] += gk * q
				}
			}
		}
		for j, v := range o {
			o[j] = float32(math.Log(max(float64(v), 1e-38)))
		}
	}
}

// loss returns the summed −log P(target) of the c rows and turns the
// buffers into the gradients of scale·loss: component k's logits get
// r_k·(q_k − onehot), r_k being its share of the target's probability,
// and the gate's logits g_k − r_k.
func (mh *mtdHead) loss(ws *mtdWS, tgt []int32, c, n int, scale float32) float64 {
	K := 1 + len(mh.lags)
	var loss float64
	for r := range c {
		t := int(tgt[r])
		g := ws.gate[r*K : r*K+K]
		var p float64
		for k := range K {
			p += float64(g[k] * ws.z[k*c*n+r*n+t])
		}
		p = max(p, 1e-30)
		loss -= math.Log(p)
		for k := range K {
			q := ws.z[k*c*n+r*n : k*c*n+r*n+n]
			resp := float32(float64(g[k]*q[t]) / p)
			scalef(q, scale*resp)
			q[t] -= scale * resp
			g[k] = scale * (g[k] - resp)
		}
	}
	return loss
}

// stateGrad is, after loss, the gradient of the state component's logits
// (c×n), for the caller to take back through its output layer.
func (ws *mtdWS) stateGrad(c, n int) []float32 { return ws.z[:c*n] }

// backward adds the gate's and the lag tables' gradients to g and the
// gate's share of the states' gradient to dh (c×d).
func (mh *mtdHead) backward(ws *mtdWS, w, g, h, dh []float32, r0, c, n, d int) {
	L := len(mh.lags)
	K := 1 + L
	gemm(false, false, c, d, K, ws.gate, K, mh.gw.of(w), d, 1, dh, d)
	gemm(true, false, K, d, c, ws.gate, K, h, d, 1, mh.gw.of(g), d)
	gb := mh.gb.of(g)
	for r := range c {
		for k := range K {
			gb[k] += ws.gate[r*K+k]
		}
	}
	for l, tab := range mh.lags {
		dz, dt := ws.z[(l+1)*c*n:(l+2)*c*n], tab.of(g)
		for r := range c {
			if it := ws.ids[(r0+r)*L+l]; it >= 0 {
				dst := dt[int(it)*n : int(it)*n+n]
				for j, v := range dz[r*n : r*n+n] {
					dst[j] += mtdScale * v
				}
			}
		}
	}
}
