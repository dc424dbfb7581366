package viewer

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/occbench/occbench/bench"
	goldenfile "github.com/occbench/occbench/internal/golden"
	"github.com/occbench/occbench/internal/jsonl"
	"github.com/occbench/occbench/reasons"
	"github.com/occbench/occbench/reports"
	"github.com/occbench/occbench/reports/reportstest"
	"github.com/occbench/occbench/rundir"
)

// fixtureRunners are repeat-last, Markov-2 and a replayed model with
// reasons, some of its answers failed or unmapped.
func fixtureRunners() []reportstest.Runner {
	P := reportstest.Pattern
	return []reportstest.Runner{
		{Name: "last", Kind: "last", Settings: map[string]any{"display": "Repeat-last"}, Outcome: P(func(i int) bool { return i%5 == 0 }, func(i int) bool { return i%5 == 1 })},
		{Name: "markov2", Kind: "markov", Settings: map[string]any{"display": "Markov-2"}, Outcome: P(func(i int) bool { return i%4 == 0 || i%7 == 3 }, nil)},
		{Name: "qwen", Kind: "replay", Settings: map[string]any{"display": "Qwen3-8B-Joint", "category": "Proposed models"}, Reasons: true, Latency: 1800, Tokens: 900,
			Edit: func(i int, _ *bench.Example, p *rundir.Prediction) {
				if i == 3 { // text a page must show, never run
					p.Reason += " " + hostile
					p.Raw = "<think>" + p.Reason + "</think><answer>" + p.Answer + "</answer>"
				}
			},
			Outcome: func(i int) reportstest.Outcome {
				switch {
				case i%17 == 5:
					return reportstest.Failed
				case i%13 == 6:
					return reportstest.Unmapped
				case i%3 == 0:
					return reportstest.Right
				}
				return reportstest.Related
			}},
	}
}

const fixtureUsers = 60

// hostile is markup in a model's reason.
const hostile = `<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>`

// newFixture writes the fixture run with judge records for the replayed
// model's reasons (one of them for an earlier text) and the oracle's.
func newFixture(t testing.TB) (dir string, test []*bench.Example) {
	t.Helper()
	root := t.TempDir()
	test = reportstest.NewTestSet(t, filepath.Join(root, "test.arrow"), fixtureUsers, true)
	dir = filepath.Join(root, "run")
	reportstest.NewRun(t, dir, filepath.Join(root, "test.arrow"), test, fixtureRunners())
	preds, err := rundir.ReadPredictions(rundir.PredictionsPath(dir, "qwen"))
	if err != nil {
		t.Fatal(err)
	}
	var recs []reasons.JudgeRecord
	for i, ex := range test {
		if p, ok := preds[ex.UserID]; ok && p.Reason != "" {
			text := p.Reason
			if i == 4 {
				text = "an earlier reason"
			}
			recs = append(recs, judgeRecord(ex.UserID, "qwen", text, 1+i%5))
		}
		if ex.OracleReason != "" {
			recs = append(recs, judgeRecord(ex.UserID, "oracle", ex.OracleReason, 5))
		}
	}
	if err := jsonl.WriteFile(filepath.Join(dir, "judge-qwen.jsonl"), recs); err != nil {
		t.Fatal(err)
	}
	return dir, test
}

func judgeRecord(user, source, reason string, score int) reasons.JudgeRecord {
	dim := func(s int, what string) reasons.JudgeScore {
		return reasons.JudgeScore{Score: s, Justification: fmt.Sprintf("%s of %s's reason: %d", what, user, s)}
	}
	r := reasons.JudgeRecord{UserID: user, Source: source, ReasonSHA256: reasons.ReasonDigest(reason),
		Factuality: dim(score, "factuality"), Coherence: dim(min(5, score+1), "coherence"), Utility: dim(score, "utility")}
	r.Pass = r.Passes(reasons.DefaultJudgeThreshold)
	return r
}

func buildReport(t testing.TB, dir string) *reports.Report {
	t.Helper()
	run, err := reports.LoadRun(dir, reports.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := reports.Build(run, reports.Options{NoPaper: true})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func render(t testing.TB, rep *reports.Report, o Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(context.Background(), &buf, rep, o); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var scriptRe = regexp.MustCompile(`<script type="application/(?:json|octet-stream)" id="([a-z0-9-]+)">([^<]*)</script>`)

// decodePage reads the data a page embeds, by script id, decoded to JSON.
func decodePage(t testing.TB, page []byte) map[string]json.RawMessage {
	t.Helper()
	out := map[string]json.RawMessage{}
	for _, m := range scriptRe.FindAllSubmatch(page, -1) {
		id, body := string(m[1]), m[2]
		if id == "meta" {
			out[id] = body
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(string(body))
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		out[id] = b
	}
	return out
}

// TestPageData checks what the page embeds against a golden file (the
// charts' SVG by size, the temporary directory by name), and that the same
// run gives the same bytes.
func TestPageData(t *testing.T) {
	dir, _ := newFixture(t)
	rep := buildReport(t, dir)
	page := render(t, rep, Options{Chunk: 25})
	if again := render(t, rep, Options{Chunk: 25}); !bytes.Equal(page, again) {
		t.Fatal("two renders of one run differ")
	}
	data := decodePage(t, page)
	if len(data) != 2+3 { // meta, index, chunks of 25, 25 and 10 users
		t.Fatalf("the page embeds %d scripts of data, want 5", len(data))
	}
	var m map[string]any
	if err := json.Unmarshal(data["meta"], &m); err != nil {
		t.Fatal(err)
	}
	for _, c := range m["charts"].([]any) {
		c := c.(map[string]any)
		svg := c["svg"].(string)
		if !strings.HasPrefix(svg, "<svg") {
			t.Errorf("chart %s is not SVG: %.40s", c["name"], svg)
		}
		c["svg"] = fmt.Sprintf("<%d bytes of SVG>", len(svg))
	}
	meta, _ := json.MarshalIndent(m, "", "  ")
	var b strings.Builder
	b.WriteString("meta:\n" + string(meta) + "\n")
	// The index a field a line, a chunk a user a line.
	var ix map[string]json.RawMessage
	if err := json.Unmarshal(data["index"], &ix); err != nil {
		t.Fatal(err)
	}
	b.WriteString("index:\n")
	for _, k := range []string{"occ", "id", "target", "hist", "sys"} {
		b.WriteString(k + ": " + string(ix[k]) + "\n")
	}
	for _, id := range []string{"chunk-0", "chunk-1", "chunk-2"} {
		var users []json.RawMessage
		if err := json.Unmarshal(data[id], &users); err != nil {
			t.Fatal(err)
		}
		b.WriteString(id + ":\n")
		for _, u := range users {
			b.WriteString(string(u) + "\n")
		}
	}
	got := strings.ReplaceAll(b.String(), filepath.Dir(dir), "$TMP")
	goldenfile.Check(t, filepath.Join("testdata", "fixture.json.golden"), []byte(got))
}

// TestPageIndex checks the index against the report's own outcomes: the
// status letters are the McNemar inputs the page's cells count.
func TestPageIndex(t *testing.T) {
	dir, test := newFixture(t)
	rep := buildReport(t, dir)
	var ix index
	if err := json.Unmarshal(decodePage(t, render(t, rep, Options{}))["index"], &ix); err != nil {
		t.Fatal(err)
	}
	if len(ix.ID) != len(test) || len(ix.Sys) != len(rep.Run.Systems) {
		t.Fatalf("index has %d users and %d systems, want %d and %d", len(ix.ID), len(ix.Sys), len(test), len(rep.Run.Systems))
	}
	for s, sys := range rep.Run.Systems {
		for i := range test {
			if got, want := ix.Sys[s].St[i] == stExact, sys.Outcomes.EM[i]; got != want {
				t.Errorf("%s user %d: exact %v in the index, %v in the report", sys.Name, i, got, want)
			}
			if got, want := ix.Sys[s].St[i] == stFailed, sys.Outcomes.Failed[i]; got != want {
				t.Errorf("%s user %d: failed %v in the index, %v in the report", sys.Name, i, got, want)
			}
		}
	}
	// The judge's lowest score shows for current reasons only.
	q := len(rep.Run.Systems) - 1
	if rep.Run.Systems[q].Name != "qwen" {
		t.Fatalf("system order: %v", rep.Run.Systems)
	}
	if ix.Sys[q].Judge[4] != 0 || ix.Sys[q].Judge[7] != 3 {
		t.Errorf("judge scores of users 4 (stale) and 7: %d, %d; want 0 and 3", ix.Sys[q].Judge[4], ix.Sys[q].Judge[7])
	}
}

func TestRenderErrors(t *testing.T) {
	dir, _ := newFixture(t)
	rep := buildReport(t, dir)
	bad := filepath.Join(t.TempDir(), "judge.jsonl")
	os.WriteFile(bad, []byte(`{"user_id":"u0000","source":"qwen"}`+"\n"+`{"user_id": 7}`+"\n"), 0o644)
	err := Render(context.Background(), io.Discard, rep, Options{JudgeFiles: []string{bad}})
	if err == nil || !strings.Contains(err.Error(), bad+":2") {
		t.Errorf("a bad judge line: %v, want an error naming %s:2", err, bad)
	}
	err = Render(context.Background(), io.Discard, rep, Options{JudgeFiles: []string{filepath.Join(dir, "absent.jsonl")}})
	if err == nil || !strings.Contains(err.Error(), "absent.jsonl") {
		t.Errorf("a missing judge file: %v", err)
	}
	// Write leaves nothing behind when it fails.
	out := filepath.Join(t.TempDir(), Dir, File)
	if err := Write(context.Background(), out, rep, Options{JudgeFiles: []string{bad}}); err == nil {
		t.Fatal("Write with a bad judge file succeeded")
	}
	if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 0 {
		t.Errorf("a failed Write left %v", entries)
	}
}

// TestCutPredictions: a predictions file whose last line a kill cut short
// is read as the report reads it, without that line.
func TestCutPredictions(t *testing.T) {
	dir, _ := newFixture(t)
	path := rundir.PredictionsPath(dir, "markov2")
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"user_id":"u0001","runner":"mark`)
	f.Close()
	rep := buildReport(t, dir)
	var ix index
	if err := json.Unmarshal(decodePage(t, render(t, rep, Options{}))["index"], &ix); err != nil {
		t.Fatal(err)
	}
	if ix.Sys[1].St[1] != stWrong {
		t.Errorf("user 1 of markov2 is %q after a cut line, want W as before", ix.Sys[1].St[1])
	}
}

// FuzzEachLine holds the viewer's reader of predictions files to package
// jsonl's rule: the same records, and an error exactly where jsonl errs.
func FuzzEachLine(f *testing.F) {
	f.Add([]byte(`{"user_id":"a","code":"15-1252.00"}` + "\n" + `{"user_id":"b"}`))
	f.Add([]byte(`{"user_id":"a"}` + "\n\n" + `{"user_id":"b","ranked":["x"]`))
	f.Add([]byte(`{"user_id":"a"}` + "\n" + `nope` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "p.jsonl")
		os.WriteFile(path, data, 0o644)
		var want []string
		werr := jsonl.ReadFile(path, func(p *rundir.Prediction) error {
			want = append(want, p.UserID)
			return nil
		})
		fh, _ := os.Open(path)
		defer fh.Close()
		var got []string
		gerr := eachLine(fh, path, func(off int64, line []byte, p *rundir.Prediction) {
			var again rundir.Prediction
			if err := json.Unmarshal(data[off:off+int64(len(line))], &again); err != nil || again.UserID != p.UserID {
				t.Fatalf("the span at %d does not hold the record: %v", off, err)
			}
			got = append(got, p.UserID)
		})
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("jsonl: %v; eachLine: %v", werr, gerr)
		}
		if werr == nil && strings.Join(got, "\x00") != strings.Join(want, "\x00") {
			t.Fatalf("records %q, jsonl reads %q", got, want)
		}
	})
}
