package reports

import (
	"math"

	"github.com/occbench/occbench/metrics"
	"github.com/occbench/occbench/rundir"
)

// Similarity is a system's generated reasons against the test set's oracle
// reasons: mean NLTK sentence BLEU (0–1, the paper's scale) and mean ROUGE
// F-measures, over the users that have both.
type Similarity struct {
	N                             int
	BLEU, ROUGE1, ROUGE2, ROUGEL  float64
	BLEUSignature, ROUGESignature string
}

// SimilarityOptions are the text metrics' settings for Table 3.
var SimilarityOptions = metrics.DefaultText

// similarities scores every system that wrote reasons against the oracle
// reasons of the test set, if it has any.
func similarities(run *Run) (map[string]*Similarity, error) {
	out := map[string]*Similarity{}
	oracle := map[string]string{}
	for _, ex := range run.Test {
		if ex.OracleReason != "" {
			oracle[ex.UserID] = ex.OracleReason
		}
	}
	if len(oracle) == 0 {
		return out, nil
	}
	for _, s := range run.Systems {
		var pairs []metrics.Pair
		err := rundir.EachPrediction(rundir.PredictionsPath(run.Dir, s.Name), func(p *rundir.Prediction) error {
			ref, ok := oracle[p.UserID]
			if ok && p.Error == "" && p.Reason != "" {
				pairs = append(pairs, metrics.Pair{ID: p.UserID, Hypothesis: p.Reason, Reference: ref})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(pairs) == 0 {
			continue
		}
		pairs = lastPerUser(pairs)
		rep, err := metrics.ScoreText(pairs, SimilarityOptions)
		if err != nil {
			return nil, err
		}
		sum, n := 0.0, 0
		for _, it := range rep.Items {
			if !math.IsNaN(it.NLTKBLEU) {
				sum += it.NLTKBLEU
				n++
			}
		}
		bleu := math.NaN()
		if n > 0 {
			bleu = sum / float64(n)
		}
		out[s.Name] = &Similarity{
			N:              len(pairs),
			BLEU:           bleu,
			ROUGE1:         rep.CorpusROUGE.Rouge1.FMeasure,
			ROUGE2:         rep.CorpusROUGE.Rouge2.FMeasure,
			ROUGEL:         rep.CorpusROUGE.RougeL.FMeasure,
			BLEUSignature:  "nltk sentence BLEU, mean over users, " + rep.Signatures.NLTK,
			ROUGESignature: "F-measure, mean over users, " + rep.Signatures.ROUGE,
		}
	}
	return out, nil
}

// lastPerUser keeps each user's last pair (a resumed run may record a user
// twice; the last record wins) in first-seen order.
func lastPerUser(pairs []metrics.Pair) []metrics.Pair {
	at := map[string]int{}
	var out []metrics.Pair
	for _, p := range pairs {
		if i, ok := at[p.ID]; ok {
			out[i] = p
			continue
		}
		at[p.ID] = len(out)
		out = append(out, p)
	}
	return out
}
