package metrics

import (
	"math"
	"testing"
)

func TestMatchPath(t *testing.T) {
	for _, c := range []struct {
		name        string
		truth, pred []string
		want        PathMatch
	}{
		{"all right", []string{"a", "b", "c"}, []string{"a", "b", "c"}, PathMatch{true, 3, 1, 0}},
		{"first wrong", []string{"a", "b", "c"}, []string{"x", "b", "c"}, PathMatch{false, 0, 0.5, 1.0 / 3}},
		{"last wrong", []string{"a", "b", "c"}, []string{"a", "b", "x"}, PathMatch{false, 2, 0.5, 1.0 / 3}},
		{"right set, wrong order", []string{"a", "b", "c"}, []string{"c", "a", "b"}, PathMatch{false, 0, 1, 2.0 / 3}},
		{"repeats", []string{"a", "a", "b"}, []string{"a", "b", "b"}, PathMatch{false, 1, 1, 1.0 / 3}},
		{"no answers", []string{"a", "b"}, []string{"", ""}, PathMatch{false, 0, 0, 1}},
		{"empty equals nothing", []string{"", "b"}, []string{"", "b"}, PathMatch{false, 0, 1, 0.5}},
		{"shorter prediction", []string{"a", "b", "c"}, []string{"a", "b"}, PathMatch{false, 2, 2.0 / 3, 1.0 / 3}},
		{"nothing at all", nil, nil, PathMatch{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := MatchPath(c.truth, c.pred)
			if got.Exact != c.want.Exact || got.Prefix != c.want.Prefix ||
				math.Abs(got.Jaccard-c.want.Jaccard) > 1e-12 || math.Abs(got.Edit-c.want.Edit) > 1e-12 {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestSummarisePaths(t *testing.T) {
	s := SummarisePaths([]PathMatch{{true, 3, 1, 0}, {false, 1, 0.5, 0.5}})
	if s != (PathSummary{Num(0.5), Num(2), Num(0.75), Num(0.25)}) {
		t.Errorf("got %+v", s)
	}
	if s := SummarisePaths(nil); s != (PathSummary{}) {
		t.Errorf("no users: %+v", s)
	}
}
