package baselines

// Sequence is one user's occupations, oldest first.
type Sequence []int32

// Scored is one ranked item with the model's score (higher is better).
type Scored struct {
	Item  int32
	Score float64
}

// Predictor ranks all items for a history. Predict returns the top k
// items, best first, ties broken by the lower item; history items are
// not excluded. Implementations are safe for concurrent use.
type Predictor interface {
	Predict(history Sequence, k int) []Scored
}

// BatchPredictor is a Predictor that can rank many histories at once,
// using all cores. PredictBatch(hs, k)[i] equals Predict(hs[i], k).
type BatchPredictor interface {
	Predictor
	PredictBatch(histories []Sequence, k int) [][]Scored
}

// PredictAll ranks every history with p, in batches where p supports it.
func PredictAll(p Predictor, histories []Sequence, k int) [][]Scored {
	if bp, ok := p.(BatchPredictor); ok {
		return bp.PredictBatch(histories, k)
	}
	out := make([][]Scored, len(histories))
	for i, h := range histories {
		out[i] = p.Predict(h, k)
	}
	return out
}

// topK returns the k best items of scores, best first, ties to the lower
// item. It keeps a small sorted buffer: k is tiny next to len(scores).
func topK[F float32 | float64](scores []F, k int) []Scored {
	if k > len(scores) {
		k = len(scores)
	}
	if k <= 0 {
		return nil
	}
	out := make([]Scored, 0, k)
	for i, s := range scores {
		v := float64(s)
		if len(out) == k && !(v > out[k-1].Score) {
			continue // equal scores keep the earlier, lower item
		}
		j := len(out)
		if j < k {
			out = append(out, Scored{})
		} else {
			j = k - 1
		}
		for j > 0 && v > out[j-1].Score {
			out[j] = out[j-1]
			j--
		}
		out[j] = Scored{Item: int32(i), Score: v}
	}
	return out
}
