package runners

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/internal/jsonl"

	"github.com/occbench/occbench/internal/fixture"
	"github.com/occbench/occbench/metrics"
	"github.com/occbench/occbench/prompt"
	"github.com/occbench/occbench/rundir"
)

func TestReplay(t *testing.T) {
	dir := t.TempDir()
	_, exs := llmTestSet(t, dir, 4)
	title := func(i int) string { return exs[i].TargetTitle }
	jsonl := `{"user_id": "u0000", "answer": "` + title(0) + `"}
{"user_id": "u0001", "raw": "<think>\nsteady\n</think>\n<answer>\n` + title(1) + `\n</answer>"}
{"user_id": "u0002", "raw": "<think>\ncut off", "reason": "given reason"}
{"user_id": "u9999", "answer": "Chief Executives"}
`
	csvText := "id,output\r\nu0000,\"<think>a</think>\n<answer>" + title(0) + "</answer>\"\r\nu0001,Answer: " + title(1) + "\r\n"
	fixture.Write(t, filepath.Join(dir, "out.jsonl"), jsonl)
	fixture.Write(t, filepath.Join(dir, "out.csv"), csvText)
	suiteFile := filepath.Join(dir, "suite.yaml")
	fixture.Write(t, suiteFile, `name: replay
test: test.arrow
out: run
runners:
  - {name: j, kind: replay, file: out.jsonl}
  - {name: c, kind: replay, file: out.csv, id_field: id, raw_field: output}
`)
	s, err := rundir.LoadSuite(suiteFile)
	if err != nil {
		t.Fatal(err)
	}
	scores, err := Run(context.Background(), s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	j := readPreds(t, rundir.PredictionsPath(filepath.Join(dir, "run"), "j"))
	if p := j["u0000"]; p.Code != exs[0].TargetCode || p.Parse != prompt.ParseGiven || p.Mapping != "exact" {
		t.Errorf("given answer: %+v", p)
	}
	if p := j["u0001"]; p.Code != exs[1].TargetCode || p.Parse != prompt.ParseTag || p.Reason != "steady" {
		t.Errorf("raw output: %+v", p)
	}
	if p := j["u0002"]; p.Code != "" || p.Parse != prompt.ParseUnclosedThink || p.Reason != "given reason" || p.Error != "" {
		t.Errorf("unanswered output: %+v", p)
	}
	if p := j["u0003"]; !strings.Contains(p.Error, "no line for this user") {
		t.Errorf("missing user: %+v", p)
	}
	c := readPreds(t, rundir.PredictionsPath(filepath.Join(dir, "run"), "c"))
	if c["u0000"].Code != exs[0].TargetCode || c["u0001"].Code != exs[1].TargetCode || c["u0001"].Parse != prompt.ParseAnswerLine {
		t.Errorf("csv: %+v", c)
	}
	if scores.Runners["j"].EM != metrics.Num(0.5) || scores.Runners["c"].EM != metrics.Num(0.5) {
		t.Errorf("EM j %v, c %v", scores.Runners["j"].EM, scores.Runners["c"].EM)
	}

	for name, tc := range map[string]struct{ file, text, extra, want string }{
		"duplicate":  {"d.jsonl", "{\"user_id\":\"u1\",\"answer\":\"a\"}\n{\"user_id\":\"u1\",\"answer\":\"b\"}\n", "", "already given on line 1"},
		"bad json":   {"b.jsonl", "{\"user_id\":\"u1\"\n", "", "b.jsonl:1"},
		"cut line":   {"t.jsonl", "{\"user_id\":\"u1\",\"answer\":\"a\"}\n{\"user_id\":\"u2\",\"ans", "", "t.jsonl:2: the last line is cut short"},
		"not string": {"n.jsonl", "{\"user_id\":\"u1\",\"answer\":3}\n", "", `field "answer": want a string`},
		"no column":  {"c.csv", "user,answer\nu1,a\n", "", `no column "user_id"`},
		"no answer":  {"a.csv", "user_id,text\nu1,a\n", "", `no column "answer" or "raw"`},
		"no id":      {"i.jsonl", "{\"answer\":\"a\"}\n", "", `i.jsonl:1: field "user_id": missing`},
		"format":     {"f.txt", "", ", format: xml", `format "xml"`},
	} {
		t.Run(name, func(t *testing.T) {
			fixture.Write(t, filepath.Join(dir, tc.file), tc.text)
			fixture.Write(t, suiteFile, "name: r\ntest: test.arrow\nout: run-"+name+"\nrunners:\n  - {name: r, kind: replay, file: "+tc.file+tc.extra+"}\n")
			s, err := rundir.LoadSuite(suiteFile)
			if err == nil {
				_, err = Run(context.Background(), s, Options{})
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// The hand-written model outputs of testdata/classify go through a replay
// run, as raw outputs and as given answers: the parser and the classifier
// must put at least 95% of them on an acceptable occupation either way.
func TestReplayDevSetAnswers(t *testing.T) {
	type item struct {
		Output string   `json:"output"`
		Codes  []string `json:"codes"`
	}
	var items []item
	if err := jsonl.ReadFile("../testdata/classify/answers_dev.jsonl", func(it *item) error {
		items = append(items, *it)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tax := onet.Default()
	exs := make([]*bench.Example, len(items))
	var raw, given strings.Builder
	for i, it := range items {
		o, _ := tax.ByCode(it.Codes[0])
		id := fmt.Sprintf("u%04d", i)
		exs[i] = &bench.Example{UserID: id, TargetCode: o.Code, TargetTitle: o.Title,
			History: []bench.Record{{Kind: bench.Job, Start: bench.DateOf(2010, 1, 1), Code: "43-9061.00", Occupation: "Office Clerks, General"}}}
		out, _ := json.Marshal(it.Output)
		fmt.Fprintf(&raw, "{\"user_id\": %q, \"raw\": %s}\n", id, out)
		fmt.Fprintf(&given, "{\"user_id\": %q, \"answer\": %s}\n", id, out)
	}
	if err := bench.WriteExamples(filepath.Join(dir, "test.arrow"), exs, nil); err != nil {
		t.Fatal(err)
	}
	fixture.Write(t, filepath.Join(dir, "raw.jsonl"), raw.String())
	fixture.Write(t, filepath.Join(dir, "given.jsonl"), given.String())
	s := llmSuite(t, filepath.Join(dir, "test.arrow"), filepath.Join(dir, "run"), filepath.Join(dir, "cache"),
		"  - {name: raw, kind: replay, file: "+filepath.Join(dir, "raw.jsonl")+"}\n  - {name: given, kind: replay, file: "+filepath.Join(dir, "given.jsonl")+"}\n")
	if _, err := Run(context.Background(), s, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"raw", "given"} {
		preds := readPreds(t, rundir.PredictionsPath(filepath.Join(dir, "run"), name))
		right := 0
		for i, it := range items {
			if slices.Contains(it.Codes, preds[exs[i].UserID].Code) {
				right++
			}
		}
		share := float64(right) / float64(len(items))
		t.Logf("%s: %d of %d outputs on an acceptable occupation (%.1f%%)", name, right, len(items), 100*share)
		if share < 0.95 {
			t.Errorf("%s: %.3f on an acceptable occupation, want at least 0.95", name, share)
		}
	}
}
