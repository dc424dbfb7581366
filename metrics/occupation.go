package metrics

import (
	"math"
	"slices"
)

// RelatedFunc returns the O*NET related occupations of code, best first
// (O*NET Index 1, 2, …). The caller supplies it, typically from the O*NET
// taxonomy; nil or an empty list means the occupation has none, and RM falls
// back to exact match.
type RelatedFunc func(code string) []string

// OccupationSample is one prediction of a next occupation. Codes are O*NET-SOC
// codes already normalised by the caller; titles are the raw strings.
type OccupationSample struct {
	ID        string
	TrueCode  string
	TrueTitle string
	PredCode  string   // "" when the answer did not map onto the taxonomy
	PredTitle string   // the answer as given, for em_strict
	Ranked    []string // codes best first, for runners that rank; may be nil
}

// OccupationOptions configure occupation scoring.
type OccupationOptions struct {
	Related    RelatedFunc
	MaxRelated int   // related occupations that count for RM; default 20
	Ks         []int // cut-offs for HR@k and NDCG@k; default 1, 5, 10
	Bootstrap  BootstrapOptions
}

// DefaultOccupation counts 20 related occupations, as the paper's code does
// with the O*NET list.
var DefaultOccupation = OccupationOptions{MaxRelated: 20, Ks: []int{1, 5, 10}, Bootstrap: DefaultBootstrap}

func (o OccupationOptions) withDefaults() OccupationOptions {
	if o.MaxRelated <= 0 {
		o.MaxRelated = DefaultOccupation.MaxRelated
	}
	if len(o.Ks) == 0 {
		o.Ks = DefaultOccupation.Ks
	}
	o.Bootstrap = o.Bootstrap.withDefaults()
	return o
}

// OccupationItem is the per-sample score.
type OccupationItem struct {
	ID       string
	EM       float64 // codes equal
	EMStrict float64 // title strings equal after trimming (the paper's code)
	RM       float64 // 1, 1/(k+1) for the related occupation at index k, or 0
	Unmapped bool
	Ranked   bool // whether HR, NDCG and RR apply
	HR       []float64
	NDCG     []float64
	RR       float64
}

// EMStrict is the paper's exact match: the predicted title string equals the
// true title after trimming whitespace (Python's str.strip()).
func EMStrict(predTitle, trueTitle string) bool {
	return pyStrip(predTitle) == pyStrip(trueTitle)
}

// RM is the paper's related-occupation match for one prediction: 1 for the
// true code, 1/(k+1) when pred is the k-th related occupation (k ≤ maxRelated),
// otherwise 0. Without a related list it is exact match.
func RM(pred, truth string, related []string, maxRelated int) float64 {
	if pred == "" {
		return 0
	}
	if pred == truth {
		return 1
	}
	for k, c := range related {
		if k >= maxRelated {
			break
		}
		if c == pred {
			return 1 / float64(k+2)
		}
	}
	return 0
}

// ScoreOccupation scores one sample.
func ScoreOccupation(s OccupationSample, o OccupationOptions) OccupationItem {
	o = o.withDefaults()
	it := OccupationItem{ID: s.ID, Unmapped: s.PredCode == ""}
	if !it.Unmapped && s.PredCode == s.TrueCode {
		it.EM = 1
	}
	if EMStrict(s.PredTitle, s.TrueTitle) {
		it.EMStrict = 1
	}
	var rel []string
	if o.Related != nil {
		rel = o.Related(s.TrueCode)
	}
	it.RM = RM(s.PredCode, s.TrueCode, rel, o.MaxRelated)
	if s.Ranked != nil {
		it.Ranked = true
		rank := slices.Index(s.Ranked, s.TrueCode) + 1 // 0: absent
		it.HR = make([]float64, len(o.Ks))
		it.NDCG = make([]float64, len(o.Ks))
		for i, k := range o.Ks {
			if rank > 0 && rank <= k {
				it.HR[i] = 1
				// One relevant item, so the ideal DCG is 1.
				it.NDCG[i] = 1 / math.Log2(float64(rank)+1)
			}
		}
		if rank > 0 {
			it.RR = 1 / float64(rank)
		}
	}
	return it
}

// OccupationSummary aggregates occupation scores with bootstrap intervals.
type OccupationSummary struct {
	N            int
	EM           Interval
	EMStrict     Interval
	RM           Interval
	UnmappedRate float64
	RankedN      int // samples with a ranked list; the ranking metrics use these
	Ks           []int
	HR           []Interval
	NDCG         []Interval
	MRR          Interval
	Items        []OccupationItem
	Warnings     []string
}

// ScoreOccupations scores every sample and aggregates. Unmapped answers
// count as wrong and stay in the denominator.
func ScoreOccupations(samples []OccupationSample, o OccupationOptions) OccupationSummary {
	o = o.withDefaults()
	sum := OccupationSummary{N: len(samples), Ks: o.Ks, Items: make([]OccupationItem, len(samples))}
	em := make([]float64, len(samples))
	ems := make([]float64, len(samples))
	rm := make([]float64, len(samples))
	unmapped := 0
	var rr []float64
	hr := make([][]float64, len(o.Ks))
	nd := make([][]float64, len(o.Ks))
	for i, s := range samples {
		it := ScoreOccupation(s, o)
		sum.Items[i] = it
		em[i], ems[i], rm[i] = it.EM, it.EMStrict, it.RM
		if it.Unmapped {
			unmapped++
		}
		if it.Ranked {
			rr = append(rr, it.RR)
			for k := range o.Ks {
				hr[k] = append(hr[k], it.HR[k])
				nd[k] = append(nd[k], it.NDCG[k])
			}
		}
	}
	// Each metric gets the same seed, so the intervals use the same resamples.
	sum.EM = BootstrapMean(em, o.Bootstrap)
	sum.EMStrict = BootstrapMean(ems, o.Bootstrap)
	sum.RM = BootstrapMean(rm, o.Bootstrap)
	sum.UnmappedRate = math.NaN()
	if len(samples) > 0 {
		sum.UnmappedRate = float64(unmapped) / float64(len(samples))
	} else {
		sum.Warnings = append(sum.Warnings, "no samples")
	}
	sum.RankedN = len(rr)
	if len(rr) > 0 {
		sum.MRR = BootstrapMean(rr, o.Bootstrap)
		for k := range o.Ks {
			sum.HR = append(sum.HR, BootstrapMean(hr[k], o.Bootstrap))
			sum.NDCG = append(sum.NDCG, BootstrapMean(nd[k], o.Bootstrap))
		}
		if len(rr) < len(samples) {
			sum.Warnings = append(sum.Warnings, "ranking metrics use only the samples that have a ranked list")
		}
	}
	return sum
}
