package rundir

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occbench/occbench/internal/fixture"
)

func TestPredictionsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.jsonl")
	w, err := AppendPredictions(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []Prediction{
		{UserID: "u1", Runner: "r", Code: "11-1011.00", Error: "HTTP 500"},
		{UserID: "u2", Runner: "r", Code: "15-1252.00", Ranked: []string{"15-1252.00"}, Scores: []float64{0.5}},
		{UserID: "u1", Runner: "r", Code: "11-1011.00"}, // a retried error: the last record wins
	} {
		if err := w.Write(&p); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// A run killed mid-write leaves a line without its newline.
	fixture.Append(t, path, `{"user_id":"u3","run`)
	got, err := ReadPredictions(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["u1"].Error != "" || got["u2"].Ranked[0] != "15-1252.00" {
		t.Errorf("read %+v", got)
	}
	if err := RewritePredictions(path, []Prediction{got["u2"]}); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadPredictions(path); err != nil || len(got) != 1 {
		t.Errorf("after rewrite: %d records, %v", len(got), err)
	}
	if got, err := ReadPredictions(filepath.Join(t.TempDir(), "none.jsonl")); err != nil || len(got) != 0 {
		t.Errorf("a missing file: %v, %v", got, err)
	}
	fixture.Write(t, path, "{\"runner\":\"r\"}\n")
	if _, err := ReadPredictions(path); err == nil || !strings.Contains(err.Error(), `r.jsonl:1: field "user_id": missing`) {
		t.Errorf("a record without user_id: %v", err)
	}
}

// BenchmarkEachPrediction streams 10,000 baseline-shaped records (a ranked
// top 10 with scores), the report's hot path.
func BenchmarkEachPrediction(b *testing.B) {
	path := filepath.Join(b.TempDir(), "r.jsonl")
	w, err := AppendPredictions(path)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 10000 {
		p := Prediction{UserID: fmt.Sprintf("u%06d", i), Runner: "sasrec", Code: "15-1252.00", Title: "Software Developers", Mapping: "exact"}
		for k := range 10 {
			p.Ranked = append(p.Ranked, fmt.Sprintf("15-12%02d.00", k))
			p.Scores = append(p.Scores, 1/float64(k+2))
		}
		if err := w.Write(&p); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	for b.Loop() {
		n := 0
		if err := EachPrediction(path, func(*Prediction) error { n++; return nil }); err != nil || n != 10000 {
			b.Fatal(n, err)
		}
	}
}
