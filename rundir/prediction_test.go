package rundir

import (
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
