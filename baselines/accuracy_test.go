package baselines

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/bench/synth"
)

var long = flag.Bool("long", false, "train the networks on occbench's default synthetic data and report accuracy")

// synthSet is occbench's default synthetic data as item sequences.
type synthSet struct {
	tax      *onet.Taxonomy
	n        int
	users    []Sequence // train users: history then target
	hists    []Sequence // test users' histories
	targets  []int32
	codes    []string // item → code
	ceiling  synth.Ceiling
	expected float64

	// More held-out users drawn after the data set (-extra), for
	// comparisons less noisy than 1,000 test users allow.
	xHists   []Sequence
	xTargets []int32
	xBayesEM float64
	xBayes   []int32
}

var defaultSynth = sync.OnceValues(func() (*synthSet, error) {
	cfg, err := synth.Profile(*profileFlag)
	if err != nil {
		return nil, err
	}
	if *synthFlag != "" {
		if err := json.Unmarshal([]byte(*synthFlag), &cfg); err != nil {
			return nil, fmt.Errorf("-synth: %w", err)
		}
	}
	if *usersFlag > 0 {
		cfg.Users = *usersFlag
	}
	g, train, test, err := synth.Generate(context.Background(), cfg)
	if err != nil {
		return nil, err
	}
	extra, err := g.Users(context.Background(), cfg.Users, cfg.Users+*extraFlag)
	if err != nil {
		return nil, err
	}
	tax := onet.Default()
	s := &synthSet{tax: tax, n: tax.Len(), ceiling: synth.Compute(tax, train, test, cfg.Seed)}
	for _, o := range tax.Occupations() {
		s.codes = append(s.codes, o.Code)
	}
	seq := func(codes []string) (Sequence, error) {
		out := make(Sequence, len(codes))
		for i, c := range codes {
			j, ok := tax.Index(c)
			if !ok {
				return nil, fmt.Errorf("code %q not in the taxonomy", c)
			}
			out[i] = int32(j)
		}
		return out, nil
	}
	for _, u := range train {
		q, err := seq(append(u.Codes(), u.TargetCode))
		if err != nil {
			return nil, err
		}
		s.users = append(s.users, q)
	}
	for _, u := range test {
		q, err := seq(append(u.Codes(), u.TargetCode))
		if err != nil {
			return nil, err
		}
		s.hists = append(s.hists, q[:len(q)-1])
		s.targets = append(s.targets, q[len(q)-1])
		s.expected += u.Bayes / float64(len(test))
	}
	for _, u := range extra {
		q, err := seq(append(u.Codes(), u.TargetCode))
		if err != nil {
			return nil, err
		}
		s.xHists = append(s.xHists, q[:len(q)-1])
		s.xTargets = append(s.xTargets, q[len(q)-1])
		b, _ := tax.Index(u.BayesCode)
		s.xBayes = append(s.xBayes, int32(b))
		if u.BayesCode == u.TargetCode {
			s.xBayesEM += 1 / float64(len(extra))
		}
	}
	return s, nil
})

// metricsOf scores top-10 lists: EM (top 1), RM (the paper's related
// match of the top 1), HR@10 and NDCG@10.
func (s *synthSet) metricsOf(top [][]Scored) (em, rm, hr, ndcg float64) {
	for i, t := range top {
		truth := s.codes[s.targets[i]]
		if len(t) > 0 {
			rm += synth.RM(s.tax, truth, s.codes[t[0].Item], synth.RelatedK)
		}
		for r, sc := range t {
			if sc.Item == s.targets[i] {
				if r == 0 {
					em++
				}
				hr++
				ndcg += 1 / math.Log2(float64(r)+2)
				break
			}
		}
	}
	n := float64(len(top))
	return em / n, rm / n, hr / n, ndcg / n
}

// TestAccuracyReport trains every baseline at its default settings on the
// default synthetic data and prints the table for the README. Run with
// go test ./baselines -run AccuracyReport -long -v -timeout 30m.
func TestAccuracyReport(t *testing.T) {
	if !*long {
		t.Skip("needs -long")
	}
	s, err := defaultSynth()
	if err != nil {
		t.Fatal(err)
	}
	train, valid := PrepareData(s.users, s.hists, DefaultData)
	var b strings.Builder
	fmt.Fprintf(&b, "| model | EM | RM | HR@10 | NDCG@10 | train time | best epoch |\n|---|---|---|---|---|---|---|\n")
	fmt.Fprintf(&b, "| Bayes-optimal (ceiling.json) | %.4f | %.4f | | | | expected EM %.4f |\n", s.ceiling.Bayes.EM, s.ceiling.Bayes.RM, s.expected)
	row := func(name string, p Predictor, took time.Duration, best string) {
		t0 := time.Now()
		top := PredictAll(p, s.hists, 10)
		em, rm, hr, ndcg := s.metricsOf(top)
		fmt.Fprintf(&b, "| %s | %.4f | %.4f | %.4f | %.4f | %s | %s |\n", name, em, rm, hr, ndcg, took.Round(100*time.Millisecond), best)
		t.Logf("%s: EM %.4f RM %.4f HR@10 %.4f NDCG@10 %.4f (predict %s)", name, em, rm, hr, ndcg, time.Since(t0).Round(time.Millisecond))
		if len(s.xHists) > 0 {
			hit := 0
			// kind: 0 the last item, 1 an earlier one, 2 a new one.
			kind := func(h Sequence, it int32) int {
				switch {
				case it == h[len(h)-1]:
					return 0
				case contains(h, it):
					return 1
				}
				return 2
			}
			var conf [3][3][2]int // [bayes kind][model kind][model hit]
			for i, tp := range PredictAll(p, s.xHists, 1) {
				h := s.xHists[i]
				ok := 0
				if len(tp) > 0 && tp[0].Item == s.xTargets[i] {
					hit++
					ok = 1
				}
				conf[kind(h, s.xBayes[i])][kind(h, tp[0].Item)][ok]++
			}
			for bk := range 3 {
				t.Logf("  bayes kind %d: model kinds %v", bk, conf[bk])
			}
			t.Logf("%s: EM on %d extra users %.4f (Bayes %.4f)", name, len(s.xHists), float64(hit)/float64(len(s.xHists)), s.xBayesEM)
		}
	}
	pop, _ := FitMostPop(s.users, s.n)
	row("MostPop", pop, 0, "")
	row("Last", NewLast(pop), 0, "")
	m1, _ := FitMarkov(s.users, s.n, MarkovConfig{Order: 1, MinCount: 1})
	row("Markov-1", m1, 0, "")
	m2, _ := FitMarkov(s.users, s.n, DefaultMarkov)
	row("Markov-2", m2, 0, "")
	logf := func(f string, a ...any) { t.Logf(f, a...) }
	// trained reports a network trained since t0.
	trained := func(name string, m interface {
		Model
		Stats() TrainStats
	}, t0 time.Time) {
		st := m.Stats()
		row(name, m, time.Since(t0), fmt.Sprintf("%d (%s)", st.BestEpoch, st.ToBest.Round(100*time.Millisecond)))
	}
	opts := TrainOptions{Seed: *seedFlag, Logf: logf}
	if only := *modelFlag; only == "" || only == "sasrec" {
		base := DefaultSASRec
		if *plusFlag {
			base = SASRecPlus
		}
		t0, cfg := time.Now(), overlay(t, base, *sasFlag)
		cfg.Groups = s.tax.MajorGroups()
		m, err := TrainSASRec(context.Background(), train, valid, s.n, cfg, opts)
		if err != nil {
			t.Fatal(err)
		}
		trained("SASRec", m, t0)
	}
	if only := *modelFlag; only == "" || only == "bert4rec" {
		base := DefaultBERT4Rec
		if *plusFlag {
			base = BERT4RecPlus
		}
		t0, cfg := time.Now(), overlay(t, base, *bertFlag)
		cfg.Groups = s.tax.MajorGroups()
		m, err := TrainBERT4Rec(context.Background(), train, valid, s.n, cfg, opts)
		if err != nil {
			t.Fatal(err)
		}
		trained("BERT4Rec", m, t0)
	}
	t.Log("\n" + b.String())
}

var (
	modelFlag   = flag.String("model", "", "with -long: only this network (sasrec or bert4rec)")
	sasFlag     = flag.String("sasrec", "", "with -long: JSON laid over DefaultSASRec")
	bertFlag    = flag.String("bert4rec", "", "with -long: JSON laid over DefaultBERT4Rec")
	plusFlag    = flag.Bool("plus", false, "with -long: occbench's variants (SASRecPlus, BERT4RecPlus) instead of the paper's models")
	seedFlag    = flag.Uint64("seed", 1, "with -long: training seed")
	extraFlag   = flag.Int("extra", 0, "with -long: also score this many more held-out users")
	synthFlag   = flag.String("synth", "", "with -long: JSON laid over the synthetic data's generator settings")
	profileFlag = flag.String("profile", "hidden-track", "with -long: the synthetic data's generator profile")
	usersFlag   = flag.Int("users", 0, "with -long: synthetic users (test users included)")
)

func overlay[T any](t *testing.T, base T, js string) T {
	if js != "" {
		if err := json.Unmarshal([]byte(js), &base); err != nil {
			t.Fatalf("config overlay: %v", err)
		}
	}
	return base
}
