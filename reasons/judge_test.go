package reasons

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occbench/occbench/internal/fixture"
)

func TestReadJudgeRecords(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "j.jsonl")
	fixture.Write(t, path, `{"user_id":"a","source":"oracle","reason_sha256":"x","factuality":{"score":5},"coherence":{"score":4},"utility":{"score":4},"pass":true}

{"user_id":"b","source":"oracle","reason_sha256":"y","factuality":{"score":3},"coherence":{"score":4},"utility":{"score":4},"pass":false}
{"user_id":"c","sou`)
	recs, err := ReadJudgeRecords(path)
	if err != nil || len(recs) != 2 || !recs[0].Passes(4) || recs[1].Passes(4) || !recs[1].Passes(3) {
		t.Fatalf("records %+v, %v", recs, err)
	}
	fixture.Write(t, path, "{bad\n{}\n")
	if _, err := ReadJudgeRecords(path); err == nil || !strings.Contains(err.Error(), "j.jsonl:1") {
		t.Fatalf("a bad line inside the file: %v", err)
	}
	if _, err := ReadJudgeRecords(filepath.Join(dir, "missing.jsonl")); !os.IsNotExist(err) {
		t.Fatalf("a missing file: %v", err)
	}
}
