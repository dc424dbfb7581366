package baselines

import (
	"context"
	"testing"
)

func TestQuickSASRec(t *testing.T) {
	d := newToyData(300, 10000, 1000)
	hs, ts := histories(d.test)
	t.Logf("bayes EM %.4f", d.world.bayesEM(d.test))
	mk, _ := FitMarkov(d.train, 300, DefaultMarkov)
	em := func(p Predictor) float64 {
		top := PredictAll(p, hs, 1)
		h := 0
		for i := range top {
			if top[i][0].Item == ts[i] {
				h++
			}
		}
		return float64(h) / float64(len(ts))
	}
	t.Logf("markov2 EM %.4f", em(mk))
	mk1, _ := FitMarkov(d.train, 300, MarkovConfig{Order: 1})
	t.Logf("markov1 EM %.4f", em(mk1))
	tr, va := d.train[:9000], d.train[9000:]
	cfg := DefaultSASRec
	cfg.Train.Epochs = 30
	m, err := TrainSASRec(context.Background(), tr, va, 300, cfg, TrainOptions{Seed: 1, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("sasrec EM %.4f", em(m))
}
