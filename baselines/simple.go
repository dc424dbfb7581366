package baselines

import "fmt"

// Last repeats the last occupation of the history. The remaining ranks
// come from Fallback (when set) with the last item removed, so a top-10
// list is still full.
type Last struct {
	Fallback Predictor
}

// NewLast returns the repeat-last baseline; fallback may be nil.
func NewLast(fallback Predictor) *Last { return &Last{Fallback: fallback} }

// Predict ranks the last item first (score 1), then Fallback's items with
// their scores halved, so that the list stays sorted.
func (l *Last) Predict(h Sequence, k int) []Scored {
	if k <= 0 {
		return nil
	}
	if len(h) == 0 {
		if l.Fallback == nil {
			return nil
		}
		return l.Fallback.Predict(h, k)
	}
	last := h[len(h)-1]
	out := []Scored{{Item: last, Score: 1}}
	if l.Fallback == nil {
		return out
	}
	for _, s := range l.Fallback.Predict(h, k+1) {
		if len(out) == k {
			break
		}
		if s.Item != last {
			out = append(out, Scored{Item: s.Item, Score: s.Score / 2})
		}
	}
	return out
}

// MostPop ranks items by how often they are someone's next occupation in
// the training sequences (every item after the first).
type MostPop struct {
	n      int
	prob   []float64
	ranked []Scored
}

// FitMostPop counts next occupations over train; items are 0..n-1.
func FitMostPop(train []Sequence, n int) (*MostPop, error) {
	counts := make([]float64, n)
	var total float64
	for i, s := range train {
		if err := checkItems(s, n); err != nil {
			return nil, fmt.Errorf("mostpop: sequence %d: %w", i, err)
		}
		for _, it := range s[min(1, len(s)):] {
			counts[it]++
			total++
		}
	}
	if total > 0 {
		for i := range counts {
			counts[i] /= total
		}
	}
	return &MostPop{n: n, prob: counts, ranked: topK(counts, n)}, nil
}

// Predict ignores the history.
func (m *MostPop) Predict(_ Sequence, k int) []Scored {
	k = max(0, min(k, m.n))
	return append([]Scored(nil), m.ranked[:k]...)
}

// Prob returns the share of next occupations that are item.
func (m *MostPop) Prob(item int32) float64 { return m.prob[item] }

// DefaultMarkov is order 2 with back-off to order 1, then popularity.
var DefaultMarkov = MarkovConfig{Order: 2, MinCount: 1}

// MarkovConfig sets the Markov baseline.
type MarkovConfig struct {
	Order    int // 1 or 2
	MinCount int // a context seen fewer times backs off to the lower order
}

// Markov predicts the next occupation from the last one or two, backing
// off order 2 → 1 → popularity when a context was seen fewer than
// MinCount times.
type Markov struct {
	cfg  MarkovConfig
	n    int
	pop  *MostPop
	ctx1 map[int32]*nextCounts
	ctx2 map[[2]int32]*nextCounts
}

type nextCounts struct {
	total  float64
	counts map[int32]float64
}

func (c *nextCounts) add(it int32) {
	c.total++
	c.counts[it]++
}

// FitMarkov counts transitions over train; items are 0..n-1.
func FitMarkov(train []Sequence, n int, cfg MarkovConfig) (*Markov, error) {
	if cfg.Order != 1 && cfg.Order != 2 {
		return nil, fmt.Errorf("markov: order %d: want 1 or 2", cfg.Order)
	}
	cfg.MinCount = max(cfg.MinCount, 1)
	pop, err := FitMostPop(train, n)
	if err != nil {
		return nil, err
	}
	m := &Markov{cfg: cfg, n: n, pop: pop, ctx1: map[int32]*nextCounts{}, ctx2: map[[2]int32]*nextCounts{}}
	for _, s := range train {
		for t := 1; t < len(s); t++ {
			get1(m.ctx1, s[t-1]).add(s[t])
			if cfg.Order == 2 && t >= 2 {
				get1(m.ctx2, [2]int32{s[t-2], s[t-1]}).add(s[t])
			}
		}
	}
	return m, nil
}

func get1[K comparable](m map[K]*nextCounts, k K) *nextCounts {
	c := m[k]
	if c == nil {
		c = &nextCounts{counts: map[int32]float64{}}
		m[k] = c
	}
	return c
}

// Scores returns a score per item: 2·j + P_j(item), where j is the highest
// order (2, 1, or 0 for popularity) whose context was seen at least
// MinCount times and has seen the item. Ranking by it is the back-off.
func (m *Markov) Scores(h Sequence) []float64 {
	s := make([]float64, m.n)
	copy(s, m.pop.prob)
	level := func(c *nextCounts, j float64) {
		if c == nil || c.total < float64(m.cfg.MinCount) {
			return
		}
		for it, v := range c.counts {
			s[it] = max(s[it], 2*j+v/c.total)
		}
	}
	if len(h) >= 1 {
		level(m.ctx1[h[len(h)-1]], 1)
	}
	if m.cfg.Order == 2 && len(h) >= 2 {
		level(m.ctx2[[2]int32{h[len(h)-2], h[len(h)-1]}], 2)
	}
	return s
}

// Predict ranks by Scores, ties to the lower item.
func (m *Markov) Predict(h Sequence, k int) []Scored { return topK(m.Scores(h), k) }

// Items is the catalogue size n.
func (m *Markov) Items() int { return m.n }

// Distribute writes each history's next-item probabilities (len(hs)×n):
// the counts of the highest order whose context was seen at least
// MinCount times; occupations that context never saw share 10⁻⁶ of the
// mass by the next order's counts, and so on down to popularity, so that
// the distribution ranks occupations exactly as Scores does.
func (m *Markov) Distribute(hs []Sequence, out []float32) {
	const backoff = 1e-6
	for r, h := range hs {
		row := out[r*m.n : (r+1)*m.n]
		clear(row)
		w := float32(1)
		set := func(it int32, p float64) {
			if row[it] == 0 && p > 0 {
				row[it] = w * float32(p)
			}
		}
		cs := m.contexts(h)
		for j := len(cs) - 1; j >= 0; j-- {
			for it, v := range cs[j].counts {
				set(it, v/cs[j].total)
			}
			w *= backoff
		}
		var sum float64 // in item order: the same bits every time
		for it, p := range m.pop.prob {
			set(int32(it), p)
			sum += float64(row[it])
		}
		if sum > 0 {
			scalef(row, float32(1/sum))
		}
	}
}

// contexts is h's contexts seen at least MinCount times, lowest order
// first.
func (m *Markov) contexts(h Sequence) []*nextCounts {
	var cs []*nextCounts
	add := func(c *nextCounts) {
		if c != nil && c.total >= float64(m.cfg.MinCount) {
			cs = append(cs, c)
		}
	}
	if len(h) >= 1 {
		add(m.ctx1[h[len(h)-1]])
	}
	if m.cfg.Order == 2 && len(h) >= 2 {
		add(m.ctx2[[2]int32{h[len(h)-2], h[len(h)-1]}])
	}
	return cs
}

func checkItems(s Sequence, n int) error {
	for j, it := range s {
		if it < 0 || int(it) >= n {
			return fmt.Errorf("item %d at position %d: want 0..%d", it, j, n-1)
		}
	}
	return nil
}
