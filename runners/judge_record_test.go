package runners

import (
	"strings"
	"testing"
)

func TestReadJudgeRecords(t *testing.T) {
	in := `{"user_id":"a","source":"oracle","reason_sha256":"x","factuality":{"score":5},"coherence":{"score":4},"utility":{"score":4},"pass":true}

{"user_id":"b","source":"oracle","reason_sha256":"y","factuality":{"score":3},"coherence":{"score":4},"utility":{"score":4},"pass":false}
{"user_id":"c","sou`
	recs, err := readJudgeRecords(strings.NewReader(in), "j.jsonl")
	if err != nil || len(recs) != 2 || !recs[0].Passes(4) || recs[1].Passes(4) || !recs[1].Passes(3) {
		t.Fatalf("records %+v, %v", recs, err)
	}
	if _, err := readJudgeRecords(strings.NewReader("{bad\n{}\n"), "j.jsonl"); err == nil || !strings.Contains(err.Error(), "j.jsonl:1") {
		t.Fatalf("a bad line inside the file: %v", err)
	}
}

func FuzzReadJudgeRecords(f *testing.F) {
	f.Add(`{"user_id":"a","factuality":{"score":5}}` + "\n")
	f.Add("{\n")
	f.Fuzz(func(t *testing.T, s string) {
		recs, err := readJudgeRecords(strings.NewReader(s), "f")
		if err != nil && recs != nil {
			t.Fatal("records with an error")
		}
	})
}
