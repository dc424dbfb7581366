package synth

import (
	"math"
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
	Last            Score   `json:"last"`    // the last occupation of the history
	Markov1         Score   `json:"markov1"` // first-order Markov fitted on the train users
	Markov2         Score   `json:"markov2"` // second-order, backing off to markov1
	// OracleType knows each user's hidden type: what the Bayes predictor
	// loses to not knowing it.
	OracleType Score `json:"oracle_type"`
	// Train is the Bayes predictor on the train users, for reference.
	Train TrainCeiling `json:"train"`

	Seed    uint64 `json:"seed"`
	Version string `json:"generator_version"`
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
// Ties break towards the lowest code.
type markov struct {
	order int
	next  map[string]map[string]int // context ("b" or "a>b") → next → count
	pop   string
}

func fitMarkov(exs []*bench.Example, order int) *markov {
	m := &markov{order: order, next: map[string]map[string]int{}}
	popular := map[string]int{}
	add := func(ctx, y string) {
		if m.next[ctx] == nil {
			m.next[ctx] = map[string]int{}
		}
		m.next[ctx][y]++
	}
	for _, ex := range exs {
		seq := append(ex.Codes(), ex.TargetCode)
		for t := 1; t < len(seq); t++ {
			popular[seq[t]]++
			for o := 1; o <= order && o <= t; o++ {
				add(strings.Join(seq[t-o:t], ">"), seq[t])
			}
		}
	}
	m.pop = best(popular)
	return m
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
	exs := make([]*bench.Example, len(train))
	for i, u := range train {
		exs[i] = &u.Example
	}
	m1, m2 := fitMarkov(exs, 1), fitMarkov(exs, 2)
	preds := map[string]func(u *User) string{
		"bayes":  func(u *User) string { return u.BayesCode },
		"last":   func(u *User) string { return u.LastCode() },
		"m1":     func(u *User) string { return m1.predict(u.Codes()) },
		"m2":     func(u *User) string { return m2.predict(u.Codes()) },
		"oracle": func(u *User) string { return u.OracleCode },
	}
	sc := map[string]Score{}
	for name, f := range preds {
		sc[name] = score(tax, test, f, bootSeed)
	}
	return Ceiling{
		Users:           len(test),
		Bayes:           sc["bayes"],
		ExpectedBayesEM: expected(test),
		Last:            sc["last"],
		Markov1:         sc["m1"],
		Markov2:         sc["m2"],
		OracleType:      sc["oracle"],
		Train: TrainCeiling{
			Users:           len(train),
			Bayes:           score(tax, train, preds["bayes"], bootSeed),
			ExpectedBayesEM: expected(train),
		},
	}
}

func expected(us []*User) float64 {
	s := 0.0
	for _, u := range us {
		s += u.Bayes
	}
	return round6(s / float64(len(us)))
}

// bootstrapN resamples per interval; the same resamples serve every
// predictor, so their intervals are comparable.
const bootstrapN = 1000

func score(tax *onet.Taxonomy, us []*User, pred func(*User) string, seed uint64) Score {
	em := make([]float64, len(us))
	rm := make([]float64, len(us))
	for i, u := range us {
		p := pred(u)
		if p == u.TargetCode {
			em[i] = 1
		}
		rm[i] = RM(tax, u.TargetCode, p, RelatedK)
	}
	s := Score{EM: round6(mean(em)), RM: round6(mean(rm))}
	s.EMCI = bootstrap(em, seed)
	s.RMCI = bootstrap(rm, seed)
	return s
}

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
