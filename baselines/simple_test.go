package baselines

import (
	"reflect"
	"testing"
)

func items(s []Scored) []int32 {
	out := make([]int32, len(s))
	for i, x := range s {
		out[i] = x.Item
	}
	return out
}

func TestTopK(t *testing.T) {
	for _, c := range []struct {
		name   string
		scores []float64
		k      int
		want   []int32
	}{
		{"ties go to the lower item", []float64{1, 3, 3, 0, 3}, 3, []int32{1, 2, 4}},
		{"k larger than n", []float64{0.5, 0.7}, 5, []int32{1, 0}},
		{"k zero", []float64{1}, 0, []int32{}},
		{"all equal", []float64{0, 0, 0, 0}, 2, []int32{0, 1}},
		{"descending", []float64{4, 3, 2, 1}, 4, []int32{0, 1, 2, 3}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := items(topK(c.scores, c.k)); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestSimpleBaselines(t *testing.T) {
	train := []Sequence{
		{0, 1, 2}, // next items: 1, 2
		{0, 1, 3}, // 1, 3
		{4, 1, 2}, // 1, 2
		{2, 2},    // 2
		{3},       // no next item
	}
	pop, err := FitMostPop(train, 6)
	if err != nil {
		t.Fatal(err)
	}
	m1, _ := FitMarkov(train, 6, MarkovConfig{Order: 1})
	m2, _ := FitMarkov(train, 6, DefaultMarkov)
	for _, c := range []struct {
		name string
		p    Predictor
		h    Sequence
		k    int
		want []int32
	}{
		{"mostpop ignores the history", pop, Sequence{5}, 4, []int32{1, 2, 3, 0}},
		{"last repeats, then popularity", NewLast(pop), Sequence{0, 3}, 3, []int32{3, 1, 2}},
		{"last without fallback", NewLast(nil), Sequence{0, 5}, 3, []int32{5}},
		{"last of nothing falls back", NewLast(pop), nil, 2, []int32{1, 2}},
		{"markov1 after 1", m1, Sequence{1}, 3, []int32{2, 3, 1}},
		{"markov1 unseen context backs off to popularity", m1, Sequence{5}, 2, []int32{1, 2}},
		{"markov2 uses both items", m2, Sequence{0, 1}, 3, []int32{2, 3, 1}},
		{"markov2 context (4,1)", m2, Sequence{4, 1}, 2, []int32{2, 3}},
		{"markov2 unseen pair backs off to order 1", m2, Sequence{5, 1}, 2, []int32{2, 3}},
		{"markov2 one item uses order 1", m2, Sequence{2}, 1, []int32{2}},
		{"markov2 empty history is popularity", m2, nil, 2, []int32{1, 2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := c.p.Predict(c.h, c.k)
			if !reflect.DeepEqual(items(got), c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
			for i := 1; i < len(got); i++ {
				if got[i].Score > got[i-1].Score {
					t.Errorf("scores not sorted: %v", got)
				}
			}
		})
	}
}

func TestFitErrors(t *testing.T) {
	if _, err := FitMostPop([]Sequence{{0, 7}}, 5); err == nil {
		t.Error("item 7 of 5: no error")
	}
	if _, err := FitMarkov([]Sequence{{0, 1}}, 5, MarkovConfig{Order: 3}); err == nil {
		t.Error("order 3: no error")
	}
}
