package baselines

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
)

// BERT4RecConfig sets BERT4Rec (Sun et al. 2019): a bidirectional encoder
// trained on the cloze task; the prediction for a history is the output
// at a mask token appended after it.
type BERT4RecConfig struct {
	NetConfig
	// MaskProb is the chance that each item of a training sequence is
	// replaced by the mask token (at least one always is).
	MaskProb float64 `json:"mask_prob"`
	// LastMaskProb is the share of training sequences that mask only their
	// last item, exactly what prediction asks (RecBole's ft_ratio). It
	// teaches next-item prediction that random masks rarely show.
	LastMaskProb float64 `json:"last_mask_prob"`
	// RepeatHead adds SASRecConfig.RepeatHead's repeat path; a masked
	// position's history is the unmasked items before it.
	RepeatHead bool `json:"repeat_head"`
	// MoveFlags and Groups are SASRecConfig's; the move to or from a
	// masked position is not told (it would give the mask away).
	MoveFlags bool    `json:"move_flags"`
	Groups    []int32 `json:"-"`
	// Lags is SASRecConfig.Lags; a masked position's lags are the
	// unmasked items just before it.
	Lags  int         `json:"lags,omitempty"`
	PreLN bool        `json:"pre_ln"` // pre-LN blocks instead of BERT's post-LN
	Act   Activation  `json:"act"`
	Train TrainConfig `json:"train"`
}

// DefaultBERT4Rec is the published model (Sun et al. 2019, as FeiSun's
// and RecBole's configurations set it: 2 blocks, 2 heads, hidden 64, inner
// 256, GELU, post-LN, the cloze task with mask probability 0.2, an output
// bias, AdamW with decay 0.01) with RecBole's last-item masking on half
// the sequences and long patience, since BERT4Rec's known failures are
// mostly under-training. It is the paper's BERT4Rec row.
var DefaultBERT4Rec = BERT4RecConfig{
	NetConfig:    NetConfig{Hidden: 64, Heads: 2, Blocks: 2, Inner: 256, MaxLen: 16, Dropout: 0.2},
	MaskProb:     0.2,
	LastMaskProb: 0.5,
	Act:          GELU,
	Train: TrainConfig{Epochs: 200, Patience: 25, BatchSize: 128, LR: 1e-3,
		Beta1: 0.9, Beta2: 0.999, WeightDecay: 0.01, Clip: 5},
}

// BERT4RecPlus is occbench's BERT4Rec ("bert4rec+"): the published model
// plus SASRecPlus's move flags, repeat head and two-lag transition
// mixture, with the epoch kept by validation cross-entropy.
var BERT4RecPlus = BERT4RecConfig{
	NetConfig:    DefaultBERT4Rec.NetConfig,
	MaskProb:     0.2,
	LastMaskProb: 0.5,
	Act:          GELU,
	MoveFlags:    true,
	RepeatHead:   true,
	Lags:         2,
	Train: TrainConfig{Epochs: 200, Patience: 10, BatchSize: 128, LR: 1e-3,
		Beta1: 0.9, Beta2: 0.999, WeightDecay: 0.01, Clip: 5, Select: SelectLoss},
}

// BERT4Rec is a trained BERT4Rec model. It is safe for concurrent use.
type BERT4Rec struct {
	cfg                           BERT4RecConfig
	n                             int
	ps                            paramSet
	item, pos, embG, embB         pref
	headW, headB, headG, headBeta pref
	outBias                       pref
	move                          pref       // MoveFlags only
	rh                            repeatHead // RepeatHead only
	mtd                           mtdHead    // Lags only
	enc                           *encoder
	stats                         TrainStats
	pool                          sync.Pool
}

func newBERT4Rec(n int, cfg BERT4RecConfig, seed uint64) (*BERT4Rec, error) {
	if err := cfg.NetConfig.validate(); err != nil {
		return nil, fmt.Errorf("bert4rec: %w", err)
	}
	if n < 2 {
		return nil, fmt.Errorf("bert4rec: %d items: want at least 2", n)
	}
	if cfg.MaskProb <= 0 || cfg.MaskProb > 1 || cfg.LastMaskProb < 0 || cfg.LastMaskProb > 1 {
		return nil, fmt.Errorf("bert4rec: mask prob %v, last mask prob %v: want (0, 1] and [0, 1]", cfg.MaskProb, cfg.LastMaskProb)
	}
	m := &BERT4Rec{cfg: cfg, n: n}
	d := cfg.Hidden
	m.item = m.ps.weight("item_emb", n+1, d, 0.02) // row n is the mask token
	m.pos = m.ps.weight("pos_emb", cfg.MaxLen, d, 0.02)
	if cfg.Groups != nil && len(cfg.Groups) != n {
		return nil, fmt.Errorf("bert4rec: %d groups for %d items", len(cfg.Groups), n)
	}
	if cfg.MoveFlags {
		m.move = m.ps.weight("move_emb", int(moveKinds), d, 0.02)
	}
	m.embG, m.embB = m.ps.norm("emb_ln", d)
	m.enc = newEncoder(&m.ps, d, cfg.Heads, cfg.Inner, cfg.Blocks, cfg.PreLN, false, cfg.Act, cfg.Dropout)
	m.headW = m.ps.weight("head.w", d, d, xavier(d, d))
	m.headB = m.ps.bias("head.b", d)
	m.headG, m.headBeta = m.ps.norm("head_ln", d)
	m.outBias = m.ps.bias("out_bias", n)
	if cfg.RepeatHead {
		m.rh = newRepeatHead(&m.ps, d, cfg.MaxLen)
	}
	if cfg.Lags < 0 || cfg.Lags > cfg.MaxLen {
		return nil, fmt.Errorf("bert4rec: lags %d: want 0 to max len %d", cfg.Lags, cfg.MaxLen)
	}
	if cfg.Lags > 0 {
		m.mtd = newMTDHead(&m.ps, n, d, cfg.Lags)
	}
	m.ps.alloc(seed)
	m.pool.New = func() any { return m.newWorker() }
	return m, nil
}

// TrainBERT4Rec trains BERT4Rec with the cloze task on train and keeps the
// epoch with the best exact match on valid (each valid sequence's last item
// predicted from the rest). Items are 0..n-1. On cancellation it returns
// the best model so far with the context's error.
func TrainBERT4Rec(ctx context.Context, train, valid []Sequence, n int, cfg BERT4RecConfig, opts TrainOptions) (*BERT4Rec, error) {
	m, err := newBERT4Rec(n, cfg, opts.Seed)
	if err != nil {
		return nil, err
	}
	m.stats, err = fit(ctx, m, train, valid, cfg.Train, opts)
	if err != nil {
		err = fmt.Errorf("bert4rec: %w", err)
		if m.stats.Epochs == 0 {
			return nil, err
		}
	}
	return m, err
}

// Config returns the model's settings.
func (m *BERT4Rec) Config() BERT4RecConfig { return m.cfg }

// Stats returns what training did.
func (m *BERT4Rec) Stats() TrainStats { return m.stats }

// Items is the catalogue size n.
func (m *BERT4Rec) Items() int { return m.n }

func (m *BERT4Rec) paramSet() *paramSet { return &m.ps }
func (m *BERT4Rec) items() int          { return m.n }
func (m *BERT4Rec) windowLen() int      { return m.cfg.MaxLen }

func (m *BERT4Rec) prepare(ex *example, win Sequence, rng *rand.Rand) {
	l := len(win)
	mask := int32(m.n)
	ex.ids = append(ex.ids[:0], win...)
	ex.tgt = growInt(ex.tgt, l)
	for i := range ex.tgt {
		ex.tgt[i] = -1
	}
	if rng.Float64() < m.cfg.LastMaskProb {
		ex.ids[l-1], ex.tgt[l-1] = mask, win[l-1]
		return
	}
	any := false
	for i := range ex.ids {
		if rng.Float64() < m.cfg.MaskProb {
			ex.ids[i], ex.tgt[i] = mask, win[i]
			any = true
		}
	}
	if !any {
		i := rng.IntN(l)
		ex.ids[i], ex.tgt[i] = mask, win[i]
	}
}

type bertWorker struct {
	m                   *BERT4Rec
	ids, pos, tgt, rows []int32
	flags               []int32
	segs                []segment
	x0, x, mask0        []float32
	meanE, rstdE        []float32
	hm, t, u, v, logits []float32
	meanH, rstdH        []float32
	dout, dv, du, dhm   []float32
	rep                 repeatWS
	mtd                 mtdWS
	enc                 encoderWS
}

func (m *BERT4Rec) newWorker() worker { return &bertWorker{m: m} }

func (wk *bertWorker) pack(seq func(i int) ([]int32, bool), count int) int {
	wk.ids, wk.pos, wk.segs = wk.ids[:0], wk.pos[:0], wk.segs[:0]
	for i := 0; i < count; i++ {
		s, appendMask := seq(i)
		off := len(wk.ids)
		wk.ids = append(wk.ids, s...)
		if appendMask {
			wk.ids = append(wk.ids, int32(wk.m.n))
		}
		wk.segs = append(wk.segs, segment{off: off, n: len(wk.ids) - off})
		for p := off; p < len(wk.ids); p++ {
			wk.pos = append(wk.pos, int32(p-off))
		}
		if wk.m.cfg.MoveFlags {
			wk.flags = appendMoveFlags(wk.flags[:off], wk.ids[off:], wk.m.cfg.Groups, int32(wk.m.n))
		}
	}
	return len(wk.ids)
}

// encode embeds the packed rows and runs the encoder.
func (wk *bertWorker) encode(w []float32, rows int, rng *rand.Rand) {
	m, d := wk.m, wk.m.cfg.Hidden
	wk.x0, wk.x, wk.mask0 = grow(wk.x0, rows*d), grow(wk.x, rows*d), grow(wk.mask0, rows*d)
	wk.meanE, wk.rstdE = grow(wk.meanE, rows), grow(wk.rstdE, rows)
	embedForward(wk.x0, m.item.of(w), d, wk.ids, 1, false)
	embedForward(wk.x0, m.pos.of(w), d, wk.pos, 1, true)
	if m.cfg.MoveFlags {
		embedForward(wk.x0, m.move.of(w), d, wk.flags, 1, true)
	}
	layerNormForward(wk.x, wk.x0, m.embG.of(w), m.embB.of(w), wk.meanE, wk.rstdE, rows, d)
	dropoutForward(wk.x, wk.mask0, m.cfg.Dropout, rng)
	m.enc.forward(&wk.enc, w, wk.x, rows, wk.segs, rng)
}

// head turns the gathered encoder outputs hm (k×d) into v = LN(GELU(hm·W+b)).
func (wk *bertWorker) head(w []float32, k int) {
	m, d := wk.m, wk.m.cfg.Hidden
	wk.t, wk.u, wk.v = grow(wk.t, k*d), grow(wk.u, k*d), grow(wk.v, k*d)
	wk.meanH, wk.rstdH = grow(wk.meanH, k), grow(wk.rstdH, k)
	linearForward(wk.t, wk.hm, m.headW.of(w), m.headB.of(w), k, d, d)
	geluForward(wk.u, wk.t)
	layerNormForward(wk.v, wk.u, m.headG.of(w), m.headBeta.of(w), wk.meanH, wk.rstdH, k, d)
}

// logitsInto writes v[r0:r0+c]·E[:n]ᵀ + bias into z.
func (wk *bertWorker) logitsInto(w, z []float32, r0, c int) {
	m, d, n := wk.m, wk.m.cfg.Hidden, wk.m.n
	bias := m.outBias.of(w)
	for r := 0; r < c; r++ {
		copy(z[r*n:r*n+n], bias)
	}
	gemm(false, true, c, n, d, wk.v[r0*d:(r0+c)*d], d, m.item.of(w), d, 1, z, n)
}

func (wk *bertWorker) step(w, g []float32, exs []example, scale float32, rng *rand.Rand) float64 {
	m, d, n := wk.m, wk.m.cfg.Hidden, wk.m.n
	rows := wk.pack(func(i int) ([]int32, bool) { return exs[i].ids, false }, len(exs))
	wk.tgt, wk.rows = wk.tgt[:0], wk.rows[:0]
	wk.rep.reset()
	wk.mtd.reset()
	r := 0
	for i := range exs {
		for p, t := range exs[i].tgt {
			if t >= 0 {
				wk.tgt = append(wk.tgt, t)
				wk.rows = append(wk.rows, int32(r))
				if m.rh.slots > 0 {
					wk.rep.addRow(exs[i].ids[:p], n, &m.rh)
				}
				if len(m.mtd.lags) > 0 {
					wk.mtd.addRow(exs[i].ids[:p], n, &m.mtd)
				}
			}
			r++
		}
	}
	k := len(wk.rows)
	wk.encode(w, rows, rng)
	wk.hm = grow(wk.hm, k*d)
	for i, r := range wk.rows {
		copy(wk.hm[i*d:i*d+d], wk.enc.out[int(r)*d:int(r)*d+d])
	}
	wk.head(w, k)
	wk.dv = grow(wk.dv, k*d)
	wk.logits = grow(wk.logits, ceChunk*n)
	E, dE, dBias := m.item.of(w), m.item.of(g), m.outBias.of(g)
	var loss float64
	for r0 := 0; r0 < k; r0 += ceChunk {
		c := min(ceChunk, k-r0)
		vc, dvc := wk.v[r0*d:(r0+c)*d], wk.dv[r0*d:(r0+c)*d]
		var z []float32 // the output layer's logits, then their gradient
		if len(m.mtd.lags) > 0 {
			m.mtd.forward(&wk.mtd, w, vc, r0, c, n, d, wk.logitsFn(w, r0, c))
			loss += m.mtd.loss(&wk.mtd, wk.tgt[r0:r0+c], c, n, scale)
			z = wk.mtd.stateGrad(c, n)
		} else {
			z = wk.logits[:c*n]
			wk.logitsFn(w, r0, c)(z)
			loss += softmaxCE(z, c, n, wk.tgt[r0:r0+c], scale)
		}
		for r := 0; r < c; r++ {
			for j, v := range z[r*n : r*n+n] {
				dBias[j] += v
			}
		}
		gemm(false, false, c, d, n, z, n, E, d, 0, dvc, d)
		if m.rh.slots > 0 {
			m.rh.backward(&wk.rep, w, g, vc, z, dvc, r0, c, n, d)
		}
		gemm(true, false, n, d, c, z, n, vc, d, 1, dE, d)
		if len(m.mtd.lags) > 0 {
			m.mtd.backward(&wk.mtd, w, g, vc, dvc, r0, c, n, d)
		}
	}
	wk.du, wk.dhm = grow(wk.du, k*d), grow(wk.dhm, k*d)
	layerNormBackward(wk.du, m.headG.of(g), m.headBeta.of(g), wk.dv, wk.u, m.headG.of(w), wk.meanH, wk.rstdH, k, d, false)
	geluBackward(wk.du, wk.du, wk.t)
	linearBackward(wk.dhm, m.headW.of(g), m.headB.of(g), wk.du, wk.hm, m.headW.of(w), k, d, d, false)
	wk.dout = grow(wk.dout, rows*d)
	clear(wk.dout)
	for i, r := range wk.rows {
		copy(wk.dout[int(r)*d:int(r)*d+d], wk.dhm[i*d:i*d+d])
	}
	dx := m.enc.backward(&wk.enc, w, g, wk.dout)
	dropoutBackward(dx, wk.mask0, m.cfg.Dropout, true)
	// The embedding norm's input gradient goes to dout, free by now.
	layerNormBackward(wk.dout, m.embG.of(g), m.embB.of(g), dx, wk.x0, m.embG.of(w), wk.meanE, wk.rstdE, rows, d, false)
	embedBackward(dE, wk.dout, d, wk.ids, 1)
	embedBackward(m.pos.of(g), wk.dout, d, wk.pos, 1)
	if m.cfg.MoveFlags {
		embedBackward(m.move.of(g), wk.dout, d, wk.flags, 1)
	}
	return loss
}

// scores appends a mask to each history's last MaxLen-1 items and scores
// every item from the mask's output.
func (wk *bertWorker) scores(w []float32, hs []Sequence, out []float32) {
	m, d, n := wk.m, wk.m.cfg.Hidden, wk.m.n
	rows := wk.pack(func(i int) ([]int32, bool) {
		h := hs[i]
		return h[max(0, len(h)-(m.cfg.MaxLen-1)):], true
	}, len(hs))
	wk.encode(w, rows, nil)
	wk.hm = grow(wk.hm, len(hs)*d)
	for i, s := range wk.segs {
		r := s.off + s.n - 1
		copy(wk.hm[i*d:i*d+d], wk.enc.out[r*d:r*d+d])
	}
	wk.head(w, len(hs))
	wk.rep.reset()
	wk.mtd.reset()
	for _, h := range hs {
		h = h[max(0, len(h)-(m.cfg.MaxLen-1)):]
		if m.rh.slots > 0 {
			wk.rep.addRow(h, n, &m.rh)
		}
		if len(m.mtd.lags) > 0 {
			wk.mtd.addRow(h, n, &m.mtd)
		}
	}
	logits := wk.logitsFn(w, 0, len(hs))
	if len(m.mtd.lags) == 0 {
		logits(out[:len(hs)*n])
		return
	}
	m.mtd.forward(&wk.mtd, w, wk.v, 0, len(hs), n, d, logits)
	m.mtd.mix(&wk.mtd, out, len(hs), n)
}

// logitsFn returns what writes the output layer's logits of head rows
// r0..r0+c−1 into a c×n buffer: the scores against the item table, the
// output bias and the repeat head's terms.
func (wk *bertWorker) logitsFn(w []float32, r0, c int) func(z []float32) {
	m, d, n := wk.m, wk.m.cfg.Hidden, wk.m.n
	return func(z []float32) {
		wk.logitsInto(w, z, r0, c)
		if m.rh.slots > 0 {
			m.rh.forward(&wk.rep, w, wk.v[r0*d:(r0+c)*d], z, r0, c, n, d)
		}
	}
}

// Predict returns the top k items for history, with their softmax
// probabilities.
func (m *BERT4Rec) Predict(history Sequence, k int) []Scored {
	return m.PredictBatch([]Sequence{history}, k)[0]
}

// PredictBatch ranks many histories using every core.
func (m *BERT4Rec) PredictBatch(histories []Sequence, k int) [][]Scored {
	return predictPooled(&m.pool, m.ps.w, m.n, validHistories(histories, m.n), k)
}
