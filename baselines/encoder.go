package baselines

import (
	"fmt"
	"math/rand/v2"
)

// encoder is a stack of transformer blocks over packed sequences, with
// hand-written backward passes. Pre-LN blocks add a final layer norm.
type encoder struct {
	d, heads, inner, blocks int
	preLN, causal           bool
	act                     Activation
	dropout                 float32
	bl                      []blockParams
	lnfG, lnfB              pref // pre-LN only
}

type blockParams struct {
	ln1g, ln1b, wqkv, bqkv, wo, bo, ln2g, ln2b, w1, b1, w2, b2 pref
}

func newEncoder(p *paramSet, d, heads, inner, blocks int, preLN, causal bool, act Activation, dropout float32) *encoder {
	e := &encoder{d: d, heads: heads, inner: inner, blocks: blocks, preLN: preLN, causal: causal, act: act, dropout: dropout}
	for i := 0; i < blocks; i++ {
		var b blockParams
		name := fmt.Sprintf("block%d.", i)
		b.wqkv = p.weight(name+"wqkv", d, 3*d, xavier(d, d))
		b.bqkv = p.bias(name+"bqkv", 3*d)
		b.wo = p.weight(name+"wo", d, d, xavier(d, d))
		b.bo = p.bias(name+"bo", d)
		b.ln1g, b.ln1b = p.norm(name+"ln1", d)
		b.w1 = p.weight(name+"w1", d, inner, xavier(d, inner))
		b.b1 = p.bias(name+"b1", inner)
		b.w2 = p.weight(name+"w2", inner, d, xavier(inner, d))
		b.b2 = p.bias(name+"b2", d)
		b.ln2g, b.ln2b = p.norm(name+"ln2", d)
		e.bl = append(e.bl, b)
	}
	if preLN {
		e.lnfG, e.lnfB = p.norm("final_ln", d)
	}
	return e
}

// blockActs keeps what one block's backward pass needs. Pre-LN:
// a = LN1(xin), mid = xin + o, f = LN2(mid), xout = mid + h2. Post-LN:
// mid = xin + o, f = LN1(mid), s2 = f + h2, xout = LN2(s2).
type blockActs struct {
	xin, a, qkv, att, mo, mid, f, h1, h1a, m2, s2, xout []float32
	mean1, rstd1, mean2, rstd2                          []float32
	probs                                               []float32
}

type encoderWS struct {
	acts         []blockActs
	out          []float32 // rows×d result
	meanF, rstdF []float32
	dx, t1, t2   []float32
	dh           []float32
	rows         int
	segs         []segment
}

func (e *encoder) size(ws *encoderWS, rows int, segs []segment) {
	d, in := e.d, e.inner
	if len(ws.acts) < e.blocks {
		ws.acts = make([]blockActs, e.blocks)
	}
	np := probsLen(segs, e.heads)
	for i := range ws.acts {
		a := &ws.acts[i]
		for _, p := range []*[]float32{&a.xin, &a.a, &a.att, &a.mo, &a.mid, &a.f, &a.m2, &a.s2, &a.xout} {
			*p = grow(*p, rows*d)
		}
		a.qkv = grow(a.qkv, rows*3*d)
		a.h1, a.h1a = grow(a.h1, rows*in), grow(a.h1a, rows*in)
		for _, p := range []*[]float32{&a.mean1, &a.rstd1, &a.mean2, &a.rstd2} {
			*p = grow(*p, rows)
		}
		a.probs = grow(a.probs, np)
	}
	ws.out = grow(ws.out, rows*d)
	ws.meanF, ws.rstdF = grow(ws.meanF, rows), grow(ws.rstdF, rows)
	ws.dx, ws.t1, ws.t2 = grow(ws.dx, rows*d), grow(ws.t1, rows*d), grow(ws.t2, rows*d)
	ws.dh = grow(ws.dh, rows*max(in, 3*d))
	ws.rows = rows
	ws.segs = segs
}

// forward runs the stack on x (rows×d) and leaves the result in ws.out.
// rng == nil means inference: no dropout.
func (e *encoder) forward(ws *encoderWS, w, x []float32, rows int, segs []segment, rng *rand.Rand) {
	e.size(ws, rows, segs)
	d, in := e.d, e.inner
	cur := x[:rows*d]
	for i, b := range e.bl {
		a := &ws.acts[i]
		copy(a.xin, cur)
		qkvIn := a.xin
		if e.preLN {
			layerNormForward(a.a, a.xin, b.ln1g.of(w), b.ln1b.of(w), a.mean1, a.rstd1, rows, d)
			qkvIn = a.a
		}
		linearForward(a.qkv, qkvIn, b.wqkv.of(w), b.bqkv.of(w), rows, d, 3*d)
		attentionForward(a.att, a.qkv, a.probs, segs, d, e.heads, e.causal)
		o := ws.t1
		linearForward(o, a.att, b.wo.of(w), b.bo.of(w), rows, d, d)
		dropoutForward(o, a.mo, e.dropout, rng)
		for j := range a.mid {
			a.mid[j] = a.xin[j] + o[j]
		}
		if e.preLN {
			layerNormForward(a.f, a.mid, b.ln2g.of(w), b.ln2b.of(w), a.mean2, a.rstd2, rows, d)
		} else {
			layerNormForward(a.f, a.mid, b.ln1g.of(w), b.ln1b.of(w), a.mean1, a.rstd1, rows, d)
		}
		linearForward(a.h1, a.f, b.w1.of(w), b.b1.of(w), rows, d, in)
		actForward(e.act, a.h1a, a.h1)
		h2 := ws.t1
		linearForward(h2, a.h1a, b.w2.of(w), b.b2.of(w), rows, in, d)
		dropoutForward(h2, a.m2, e.dropout, rng)
		if e.preLN {
			for j := range h2 {
				a.xout[j] = a.mid[j] + h2[j]
			}
		} else {
			for j := range h2 {
				a.s2[j] = a.f[j] + h2[j]
			}
			layerNormForward(a.xout, a.s2, b.ln2g.of(w), b.ln2b.of(w), a.mean2, a.rstd2, rows, d)
		}
		cur = a.xout
	}
	if e.preLN {
		layerNormForward(ws.out, cur, e.lnfG.of(w), e.lnfB.of(w), ws.meanF, ws.rstdF, rows, d)
	} else {
		copy(ws.out, cur)
	}
}

// backward takes ∂loss/∂out (rows×d), adds parameter gradients into g and
// returns ∂loss/∂x (ws.dx).
func (e *encoder) backward(ws *encoderWS, w, g, dout []float32) []float32 {
	rows, d, in, segs := ws.rows, e.d, e.inner, ws.segs
	dx, t1, t2, dh := ws.dx, ws.t1, ws.t2, ws.dh
	if e.preLN {
		layerNormBackward(dx, e.lnfG.of(g), e.lnfB.of(g), dout, ws.acts[e.blocks-1].xout, e.lnfG.of(w), ws.meanF, ws.rstdF, rows, d, false)
	} else {
		copy(dx, dout[:rows*d])
	}
	for i := e.blocks - 1; i >= 0; i-- {
		b, a := e.bl[i], &ws.acts[i]
		if e.preLN {
			copy(t1, dx)
			dropoutBackward(t1, a.m2, e.dropout, true)
			linearBackward(dh, b.w2.of(g), b.b2.of(g), t1, a.h1a, b.w2.of(w), rows, in, d, false)
			actBackward(e.act, dh, dh, a.h1)
			linearBackward(t1, b.w1.of(g), b.b1.of(g), dh, a.f, b.w1.of(w), rows, d, in, false)
			layerNormBackward(dx, b.ln2g.of(g), b.ln2b.of(g), t1, a.mid, b.ln2g.of(w), a.mean2, a.rstd2, rows, d, true)
			copy(t1, dx)
			dropoutBackward(t1, a.mo, e.dropout, true)
			linearBackward(t2, b.wo.of(g), b.bo.of(g), t1, a.att, b.wo.of(w), rows, d, d, false)
			attentionBackward(dh, t2, a.qkv, a.probs, segs, d, e.heads, e.causal)
			linearBackward(t1, b.wqkv.of(g), b.bqkv.of(g), dh, a.a, b.wqkv.of(w), rows, d, 3*d, false)
			layerNormBackward(dx, b.ln1g.of(g), b.ln1b.of(g), t1, a.xin, b.ln1g.of(w), a.mean1, a.rstd1, rows, d, true)
			continue
		}
		layerNormBackward(t1, b.ln2g.of(g), b.ln2b.of(g), dx, a.s2, b.ln2g.of(w), a.mean2, a.rstd2, rows, d, false)
		copy(dx, t1)
		dropoutBackward(t1, a.m2, e.dropout, true)
		linearBackward(dh, b.w2.of(g), b.b2.of(g), t1, a.h1a, b.w2.of(w), rows, in, d, false)
		actBackward(e.act, dh, dh, a.h1)
		linearBackward(dx, b.w1.of(g), b.b1.of(g), dh, a.f, b.w1.of(w), rows, d, in, true)
		layerNormBackward(t1, b.ln1g.of(g), b.ln1b.of(g), dx, a.mid, b.ln1g.of(w), a.mean1, a.rstd1, rows, d, false)
		copy(dx, t1)
		dropoutBackward(t1, a.mo, e.dropout, true)
		linearBackward(t2, b.wo.of(g), b.bo.of(g), t1, a.att, b.wo.of(w), rows, d, d, false)
		attentionBackward(dh, t2, a.qkv, a.probs, segs, d, e.heads, e.causal)
		linearBackward(dx, b.wqkv.of(g), b.bqkv.of(g), dh, a.xin, b.wqkv.of(w), rows, d, 3*d, true)
	}
	return dx
}
