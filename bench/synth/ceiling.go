package synth

import (
	"math"
	"slices"
	"strings"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/metrics"
)

// Score is a predictor's exact match (EM) and related-occupation match (RM)
// over a set of users, as fractions, with 95% percentile bootstrap
// intervals.
type Score struct {
	EM   float64    `json:"em"`
	RM   float64    `json:"rm"`
	EMCI [2]float64 `json:"em_ci"`
	RMCI [2]float64 `json:"rm_ci"`
}

// Ceiling compares the Bayes-optimal predictor with simple ones on the test
// users; it is written to ceiling.json.
type Ceiling struct {
	Users int   `json:"users"`
	Bayes Score `json:"bayes"`
	// ExpectedBayesEM is the mean probability of the Bayes answer: the
	// expected EM of the Bayes predictor, with less noise than Bayes.EM.
	ExpectedBayesEM float64 `json:"expected_bayes_em"`
	// BayesByHorizon is the Bayes predictor at each horizon h = 1..K of a
	// data set with a horizon K > 1 (absent for single-step sets, which
	// keep their bytes); h = 1 is Bayes and ExpectedBayesEM.
	BayesByHorizon []HorizonScore `json:"bayes_by_horizon,omitempty"`
	Last           Score          `json:"last"`    // the last occupation of the history
	Markov1        Score          `json:"markov1"` // first-order Markov fitted on the train users
	Markov2        Score          `json:"markov2"` // second-order, backing off to markov1
	// OracleType knows each user's hidden type: what the Bayes predictor
	// loses to not knowing it. A chain (the second-order profile) has no
	// hidden type, so there it is the Bayes predictor.
	OracleType Score `json:"oracle_type"`
	// Train is the Bayes predictor on the train users, for reference.
	Train TrainCeiling `json:"train"`

	Seed    uint64 `json:"seed"`
	Version string `json:"generator_version"`
	// Profile is Config.Profile: absent for the default profile,
	// hidden-track, whose files keep their bytes.
	Profile string `json:"profile,omitempty"`
}

// HorizonScore is the Bayes-optimal answer h jobs ahead, scored against
// the true occupation h jobs ahead: EM and RM with their intervals, and
// ExpectedEM, the mean probability of the answer.
type HorizonScore struct {
	H int `json:"h"`
	Score
	ExpectedEM float64 `json:"expected_em"`
}

// TrainCeiling is the Bayes predictor's score on the train users.
type TrainCeiling struct {
	Users           int     `json:"users"`
	Bayes           Score   `json:"bayes"`
	ExpectedBayesEM float64 `json:"expected_bayes_em"`
}

// RelatedK is how many related occupations the related match counts, as in
// the paper's released code (all 20 of O*NET's list).
const RelatedK = 20

// RM is the paper's related-occupation match of one prediction: 1 for the
// true occupation, 1/(k+1) for the related occupation at O*NET Index k ≤
// maxK, else 0. Occupations without a related list score exact match only.
func RM(tax *onet.Taxonomy, truth, pred string, maxK int) float64 {
	return metrics.RM(pred, truth, tax.RelatedCodes(truth, 0), maxK)
}

// markov is an order-1 or order-2 Markov model over occupation codes with
// back-off to lower orders and then to the most common next occupation.
// Ties break towards the lowest code. It holds counts only, so it is fitted
// one career at a time (add), then finished.
type markov struct {
	order   int
	next    map[string]map[string]int // context ("b" or "a>b") → next → count
	popular map[string]int            // next occupation → count, until finish
	pop     string
}

func newMarkov(order int) *markov {
	return &markov{order: order, next: map[string]map[string]int{}, popular: map[string]int{}}
}

func fitMarkov(exs []*bench.Example, order int) *markov {
	m := newMarkov(order)
	for _, ex := range exs {
		m.add(ex)
	}
	m.finish()
	return m
}

// add counts the moves of one career, target included.
func (m *markov) add(ex *bench.Example) {
	seq := append(ex.Codes(), ex.TargetCode)
	for t := 1; t < len(seq); t++ {
		m.popular[seq[t]]++
		for o := 1; o <= m.order && o <= t; o++ {
			ctx := strings.Join(seq[t-o:t], ">")
			if m.next[ctx] == nil {
				m.next[ctx] = map[string]int{}
			}
			m.next[ctx][seq[t]]++
		}
	}
}

// finish fixes the popularity fallback, which predict needs.
func (m *markov) finish() {
	if m.popular != nil {
		m.pop, m.popular = best(m.popular), nil
	}
}

func (m *markov) predict(codes []string) string {
	for o := min(m.order, len(codes)); o >= 1; o-- {
		if n := m.next[strings.Join(codes[len(codes)-o:], ">")]; n != nil {
			return best(n)
		}
	}
	return m.pop
}

// best is the most frequent key, the lowest on ties.
func best(counts map[string]int) string {
	b, bc := "", -1
	for k, c := range counts {
		if c > bc || c == bc && k < b {
			b, bc = k, c
		}
	}
	return b
}

// Compute scores the Bayes predictor and the baselines on the test users,
// the Markov models fitted on the train users. bootSeed seeds the
// bootstrap.
func Compute(tax *onet.Taxonomy, train, test []*User, bootSeed uint64) Ceiling {
	t := newTally(tax, bootSeed)
	for _, u := range train {
		t.addTrain(u)
	}
	for _, u := range test {
		t.addTest(u)
	}
	return t.ceiling()
}

// The predictors the ceiling compares, indexing tally.test.
const (
	predBayes = iota
	predLast
	predMarkov1
	predMarkov2
	predOracle
	numPreds
)

// tally accumulates the ceiling while users stream past, so that Write
// holds a batch of users at a time, not all of them: Markov counts from the
// train users, then every predictor's per-user scores on the test users.
// All train users come before the first test user.
type tally struct {
	tax    *onet.Taxonomy
	seed   uint64
	m1, m2 *markov
	train  scores // the Bayes predictor on the train users
	test   [numPreds]scores
	// Sums of the Bayes answers' probabilities, added in user order.
	trainBayes, testBayes float64
	// The Bayes path on the test users, by horizon, for a horizon K > 1.
	path    []scores
	pathExp []float64
}

func newTally(tax *onet.Taxonomy, seed uint64) *tally {
	return &tally{tax: tax, seed: seed, m1: newMarkov(1), m2: newMarkov(2)}
}

func (t *tally) addTrain(u *User) {
	t.m1.add(&u.Example)
	t.m2.add(&u.Example)
	t.train.add(t.tax, u.TargetCode, u.BayesCode)
	t.trainBayes += u.Bayes
}

func (t *tally) addTest(u *User) {
	t.m1.finish()
	t.m2.finish()
	codes := u.Codes()
	for p, pred := range [numPreds]string{
		predBayes:   u.BayesCode,
		predLast:    u.LastCode(),
		predMarkov1: t.m1.predict(codes),
		predMarkov2: t.m2.predict(codes),
		predOracle:  u.OracleCode,
	} {
		t.test[p].add(t.tax, u.TargetCode, pred)
	}
	t.testBayes += u.Bayes
	if k := len(u.BayesPath); k > 0 {
		if t.path == nil {
			t.path, t.pathExp = make([]scores, k), make([]float64, k)
		}
		for h := range k {
			t.path[h].add(t.tax, u.TargetPath[h].Code, u.BayesPath[h].Code)
			t.pathExp[h] += u.BayesByHorizon[h]
		}
	}
}

func (t *tally) ceiling() Ceiling {
	test := &t.test[predBayes]
	var byH []HorizonScore
	for h := range t.path {
		byH = append(byH, HorizonScore{H: h + 1, Score: t.path[h].score(t.seed), ExpectedEM: round6(t.pathExp[h] / float64(t.path[h].n()))})
	}
	return Ceiling{
		BayesByHorizon:  byH,
		Users:           test.n(),
		Bayes:           test.score(t.seed),
		ExpectedBayesEM: round6(t.testBayes / float64(test.n())),
		Last:            t.test[predLast].score(t.seed),
		Markov1:         t.test[predMarkov1].score(t.seed),
		Markov2:         t.test[predMarkov2].score(t.seed),
		OracleType:      t.test[predOracle].score(t.seed),
		Train: TrainCeiling{
			Users:           t.train.n(),
			Bayes:           t.train.score(t.seed),
			ExpectedBayesEM: round6(t.trainBayes / float64(t.train.n())),
		},
	}
}

// scores holds one predictor's per-user EM and RM. Both take few values (EM
// 0 or 1, RM one of 22), so a user costs two bytes, and the bootstrap
// replays the exact values in user order.
type scores struct{ em, rm column }

func (s *scores) add(tax *onet.Taxonomy, truth, pred string) {
	em := 0.0
	if pred == truth {
		em = 1
	}
	s.em.add(em)
	s.rm.add(RM(tax, truth, pred, RelatedK))
}

func (s *scores) n() int { return len(s.em.codes) }

func (s *scores) score(seed uint64) Score {
	em, rm := s.em.values(), s.rm.values()
	return Score{EM: round6(mean(em)), RM: round6(mean(rm)), EMCI: bootstrap(em, seed), RMCI: bootstrap(rm, seed)}
}

// column is a sequence of floats that take at most 256 distinct values,
// stored a byte each.
type column struct {
	codes []uint8
	dict  []float64
}

func (c *column) add(v float64) {
	i := slices.Index(c.dict, v)
	if i < 0 {
		if len(c.dict) == 256 {
			panic("synth: a score column takes more than 256 distinct values")
		}
		i = len(c.dict)
		c.dict = append(c.dict, v)
	}
	c.codes = append(c.codes, uint8(i))
}

// values expands the column for the bootstrap.
func (c *column) values() []float64 {
	v := make([]float64, len(c.codes))
	for i, k := range c.codes {
		v[i] = c.dict[k]
	}
	return v
}

// bootstrapN resamples per interval; the same resamples serve every
// predictor, so their intervals are comparable.
const bootstrapN = 1000

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// bootstrap is the 95% percentile interval of the mean of v.
func bootstrap(v []float64, seed uint64) [2]float64 {
	iv := metrics.BootstrapMean(v, metrics.BootstrapOptions{Resamples: bootstrapN, Level: 0.95, Seed: seed})
	return [2]float64{round6(iv.Lo), round6(iv.Hi)}
}

// round6 keeps ceiling.json short and stable.
func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }
