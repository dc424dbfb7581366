package baselines

// repeatHead adds to the score of each item already in a history a learned
// function of the output state and of the item's recency rank among the
// history's distinct items (0 = the latest). Careers stay in and return to
// earlier occupations all the time; scoring those through the dot product
// with the item table alone makes the table serve two masters, which is why
// repeat-aware recommenders (RepeatNet and its successors) add such a path.
type repeatHead struct {
	w     pref // slots×d
	b     pref // slots
	slots int  // ranks scored: a history's most recent distinct items; 0 without the head
}

func newRepeatHead(ps *paramSet, d, slots int) repeatHead {
	return repeatHead{w: ps.weight("repeat_head.w", slots, d, 0.02), b: ps.bias("repeat_head.b", slots), slots: slots}
}

// repeatWS holds one worker's repeat-head buffers: for each output row,
// its history's distinct items, latest first.
type repeatWS struct {
	items []int32
	off   []int // row r's items are items[off[r]:off[r+1]]
	v     []float32
}

func (ws *repeatWS) reset() { ws.items, ws.off = ws.items[:0], append(ws.off[:0], 0) }

// addRow adds an output row whose history is hist; items at or above n
// (mask or start tokens) are skipped, and at most rh.slots are kept.
func (ws *repeatWS) addRow(hist []int32, n int, rh *repeatHead) {
	start := len(ws.items)
	for j := len(hist) - 1; j >= 0 && len(ws.items)-start < rh.slots; j-- {
		if it := hist[j]; int(it) < n && !contains(ws.items[start:], it) {
			ws.items = append(ws.items, it)
		}
	}
	ws.off = append(ws.off, len(ws.items))
}

// forward adds the head's terms to the logits z (c×n) of output rows
// r0..r0+c−1, whose states are h (c×d).
func (rh *repeatHead) forward(ws *repeatWS, w, h, z []float32, r0, c, n, d int) {
	S := rh.slots
	ws.v = grow(ws.v, c*S)
	gemm(false, true, c, S, d, h, d, rh.w.of(w), d, 0, ws.v, S)
	b := rh.b.of(w)
	for r := range c {
		for k, it := range ws.items[ws.off[r0+r]:ws.off[r0+r+1]] {
			z[r*n+int(it)] += ws.v[r*S+k] + b[k]
		}
	}
}

// backward takes the logit gradients dz (c×n) of the same rows, adds the
// head's share of the state gradient to dh (c×d) and its parameters'
// gradients to g.
func (rh *repeatHead) backward(ws *repeatWS, w, g, h, dz, dh []float32, r0, c, n, d int) {
	S := rh.slots
	dv := ws.v[:c*S]
	clear(dv)
	db := rh.b.of(g)
	for r := range c {
		for k, it := range ws.items[ws.off[r0+r]:ws.off[r0+r+1]] {
			dv[r*S+k] = dz[r*n+int(it)]
			db[k] += dz[r*n+int(it)]
		}
	}
	gemm(false, false, c, d, S, dv, S, rh.w.of(w), d, 1, dh, d)
	gemm(true, false, S, d, c, dv, S, h, d, 1, rh.w.of(g), d)
}
