package reports

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occbench/occbench/rundir"

	"github.com/occbench/occbench/internal/fixture"
	"github.com/occbench/occbench/reports/reportstest"
)

// fixtureBare is the fixture run without the optional inputs of Tables 1,
// 3, 4 and scaling.
func fixtureBare(t *testing.T) *Report {
	t.Helper()
	run, err := LoadRun(fixtureRun(t), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Build(run, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// Tables without data are named once, in one table, with what would fill
// them; no table is printed empty.
func TestEmptyTablesCollapse(t *testing.T) {
	ts := fixtureBare(t).Tables()
	last := ts[len(ts)-1]
	if last.ID != NotInReportID {
		t.Fatalf("last table is %s, want %s", last.ID, NotInReportID)
	}
	var names []string
	for _, r := range last.Rows {
		names = append(names, r.Cells[0])
		if r.Cells[1] == "" {
			t.Errorf("%s: no reason given", r.Cells[0])
		}
	}
	// Table 3 has rows without reason_quality.json: BLEU and ROUGE come
	// from the run's reasons against the test set's oracle reasons.
	if got, want := strings.Join(names, ", "), "Table 1, Table 4, Scaling"; got != want {
		t.Errorf("not in report: %s, want %s", got, want)
	}
	for _, tb := range ts {
		if len(tb.Rows) == 0 {
			t.Errorf("table %s is printed empty", tb.ID)
		}
	}
	// The full fixture fills every table.
	for _, tb := range fixtureReport(t, Options{}).Tables() {
		if tb.ID == NotInReportID {
			t.Errorf("the full fixture lists tables not in the report: %v", tb.Rows)
		}
	}
}

// Each table's note fits it: the test-set protocol for tables over the
// test users, none for the judged reasons of Tables 1 and 3.
func TestProtocolNotes(t *testing.T) {
	rep := fixtureReport(t, Options{})
	for _, tb := range rep.Tables() {
		has := strings.HasPrefix(strings.Join(tb.Notes, "\n"), "Protocol: test set ")
		want := tb.ID != "table1" && tb.ID != "table3"
		if has != want {
			t.Errorf("%s: protocol note %v, want %v; notes: %q", tb.ID, has, want, tb.Notes)
		}
	}
}

// A run limited with --limit, or a shard, says so in the title of Table
// 2, in every protocol note and in the chart subtitles.
func TestPartialRunSaysSo(t *testing.T) {
	for _, tc := range []struct {
		name          string
		change        func(m *rundir.Manifest)
		phrase, title string
	}{
		{"--limit", func(m *rundir.Manifest) { m.Limit = 120 },
			"the first 120 of 1,000 users (--limit 120)", "Table 2: Occupation prediction accuracy on the first 120 of 1,000 test users (--limit 120)"},
		{"--shard", func(m *rundir.Manifest) { m.Shard = &rundir.Shard{K: 1, N: 3, Users: 120} },
			"120 users of shard 1/3", "Table 2: Occupation prediction accuracy on 120 test users of shard 1/3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run, err := LoadRun(fixtureRun(t), LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			tc.change(run.Manifest)
			run.Manifest.Protocol.TestUsers = 120
			ds := run.Manifest.Datasets["test"]
			ds.Users = 1000
			run.Manifest.Datasets["test"] = ds
			rep, err := Build(run, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Table2.Title != tc.title {
				t.Errorf("title %q, want %q", rep.Table2.Title, tc.title)
			}
			for _, tb := range rep.Tables() {
				for _, n := range tb.Notes {
					if strings.HasPrefix(n, "Protocol:") && !strings.Contains(n, tc.phrase) {
						t.Errorf("%s: %q does not say %q", tb.ID, n, tc.phrase)
					}
				}
			}
			if got := rep.shortProtocol(); !strings.Contains(got, tc.phrase) {
				t.Errorf("chart subtitle %q does not say %q", got, tc.phrase)
			}
		})
	}
}

// Paper numbers are labelled as other data in the column headers.
func TestPaperColumnsSayNotComparable(t *testing.T) {
	rep := fixtureReport(t, Options{})
	for _, tb := range []*Table{rep.Table2, rep.PaperDiff} {
		h := strings.Join(tb.header(), " | ")
		if !strings.Contains(h, "(different data)") || !strings.Contains(h, "(not comparable)") {
			t.Errorf("%s header: %s", tb.ID, h)
		}
	}
}

func TestSettingPairs(t *testing.T) {
	for _, c := range []struct {
		in   any
		want string
	}{
		{nil, ""},
		{map[string]any{}, ""},
		{map[string]any{"order": 2, "min_count": 1}, "min_count = 1|order = 2"},
		{map[string]any{"model": map[string]any{"lr": 0.0005, "act": "gelu", "train": map[string]any{"clip": 5.0}}, "on": true},
			`model.act = "gelu"|model.lr = 0.0005|model.train.clip = 5|on = true`},
		{struct {
			Stop []string `json:"stop"`
			Skip *int     `json:"skip"`
		}{Stop: []string{"a", "b"}}, `stop = ["a", "b"]`},
	} {
		if got := strings.Join(settingPairs(c.in), "|"); got != c.want {
			t.Errorf("settingPairs(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTrainingFacts(t *testing.T) {
	for _, c := range []struct {
		info map[string]any
		want string
	}{
		{nil, ""},
		{map[string]any{"train_users": 10000.0, "prepare_seconds": 0.0029}, "10,000 training users; prepared in 3 ms."},
		{map[string]any{"epochs": 49.0, "best_epoch": 9.0, "valid_em": 0.436, "valid_loss": 1.874752, "seconds_to_best": 9.3,
			"model_file": "m/sasrec.model", "reused": true, "train_users": 10000.0},
			"Trained 49 epochs, best epoch 9 (validation EM 43.60%, loss 1.8748), 9.3 s to the best epoch; model reused from m/sasrec.model (trained earlier with the same data, settings and seed); 10,000 training users."},
		{map[string]any{"epochs": 3, "best_epoch": 2, "valid_em": -1.0, "valid_loss": -1.0, "train_seconds": 250.0, "model_file": "m.model"},
			"Trained 3 epochs, best epoch 2; training took 250 s; model saved to m.model."},
		{map[string]any{"backend": "chat", "parser": 2.0}, `backend = "chat"; parser = 2`},
		{map[string]any{"train_users": 5.0, "cache": "c"}, `5 training users. cache = "c"`},
	} {
		if got := trainingFacts(c.info); got != c.want {
			t.Errorf("trainingFacts(%v)\n got %q\nwant %q", c.info, got, c.want)
		}
	}
}

// A chart never draws a panel without data: without judge scores the
// reasons chart shows the similarity panel alone.
func TestReasonsChartOmitsEmptyPanel(t *testing.T) {
	c := fixtureBare(t).reasonsChart()
	if c == nil {
		t.Fatal("no reasons chart, though the run has BLEU and ROUGE")
	}
	var svg bytes.Buffer
	if err := c.SVG(&svg); err != nil {
		t.Fatal(err)
	}
	s := svg.String()
	if strings.Contains(s, "LLM judge") || strings.Contains(s, "Factuality") {
		t.Error("the chart draws the judge panel or its legend without judge scores")
	}
	if !strings.Contains(s, "Similarity to the oracle reason") || !strings.Contains(s, "ROUGE-L") {
		t.Error("the similarity panel is missing")
	}
}

// Rewriting a report whose data went away removes the files of the tables
// and charts it no longer has, and nothing else.
func TestWriteDirRemovesStaleFiles(t *testing.T) {
	out := t.TempDir()
	if _, err := fixtureReport(t, Options{}).WriteDir(out, WriteOptions{NoPDF: true}); err != nil {
		t.Fatal(err)
	}
	mine := filepath.Join(out, TablesBase, "notes.txt")
	if err := os.WriteFile(mine, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := fixtureBare(t).WriteDir(out, WriteOptions{NoPDF: true}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"tables/table1.csv", "tables/scaling.tex", "charts/scaling.svg"} {
		if _, err := os.Stat(filepath.Join(out, p)); !os.IsNotExist(err) {
			t.Errorf("%s is still there (err %v)", p, err)
		}
	}
	for _, p := range []string{"tables/not_in_report.csv", "tables/table3.csv", "charts/reasons.png", "tables/notes.txt"} {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

// A failure redone by --retry-errors is no longer the first error.
func TestFirstErrorSkipsRedoneUsers(t *testing.T) {
	test := reportstest.TestSet(3, false)
	index := map[string]int{}
	for i, ex := range test {
		index[ex.UserID] = i
	}
	path := filepath.Join(t.TempDir(), "p.jsonl")
	fixture.Write(t, path, `{"user_id":"u0000","runner":"r","error":"first"}
{"user_id":"u0002","runner":"r","error":"third"}
{"user_id":"u0001","runner":"r","error":"second"}
{"user_id":"u0000","runner":"r","answer":"Nurse"}
`)
	out, err := readOutcomes(path, test, index, occupationOptions(20), false, 0)
	if err != nil {
		t.Fatal(err)
	}
	if out.FirstError != "second" || trues(out.Failed) != 2 {
		t.Errorf("first error %q, %d failed; want second, 2", out.FirstError, trues(out.Failed))
	}
}
