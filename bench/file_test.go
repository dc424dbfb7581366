package bench

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/occbench/occbench/internal/fixture"
)

func sampleExamples(n int) []*Example {
	out := make([]*Example, n)
	for i := range out {
		ex := &Example{
			UserID: fmt.Sprintf("u%05d", i),
			History: []Record{
				{Kind: Education, School: "State University", Degree: "Bachelor's degree", Major: "Economics", GradYear: 2001 + i%10, End: DateOf(2001+i%10, time.May, 15)},
				{Kind: Job, Start: DateOf(2002, time.March, 1), End: DateOf(2005, time.June, 30), Title: "Junior Analyst", Code: "13-2051.00", Occupation: "Financial and Investment Analysts", Industry: "Finance", Salary: 52000.5},
				{Kind: Job, Start: DateOf(2005, time.July, 1), Title: "Analyst, \"senior\" | ünïcode", Code: "13-2051.00", Occupation: "Financial and Investment Analysts",
					CodeMethod: CodeClassified, CodeScore: 0.75},
				{Kind: Job, Start: DateOf(2008, time.July, 1), Code: "15-1252.00", Occupation: "Software Developers", CodeMethod: CodeCrosswalk, CodeScore: 0, SourceCode: "2512.4"},
			},
			TargetCode:  "11-3031.01",
			TargetTitle: "Treasurers and Controllers",
		}
		if i%3 == 0 {
			ex.OracleReason = "Because.\nTwo lines."
			ex.BayesCode, ex.BayesTitle = "13-2051.00", "Financial and Investment Analysts"
			ex.Attempts = []Attempt{{Reason: "r1", Answer: "Treasurers", Code: "11-3031.01", Correct: true}, {Answer: "??"}}
		}
		if i%7 == 0 {
			ex.TargetCode, ex.TargetTitle = "", "" // inference-only row
			ex.History = nil
		}
		out[i] = ex
	}
	return out
}

func writeAll(t testing.TB, path string, exs []*Example, meta map[string]string) {
	t.Helper()
	w, err := Create(path, meta)
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range exs {
		if err := w.Write(ex); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		file string
		n    int
	}{
		{"arrow", "set.arrow", 10},
		{"arrow multi-batch", "set.arrow", 2*BatchRows + 17},
		{"parquet", "set.parquet", 10},
		{"parquet multi-batch", "set.parquet", 2*BatchRows + 17},
		{"arrow empty", "empty.arrow", 0},
		{"parquet empty", "empty.parquet", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tc.file)
			want := sampleExamples(tc.n)
			meta := map[string]string{MetaSplit: "test", "occbench.note": "x"}
			writeAll(t, path, want, meta)
			got, gotMeta, err := ReadAll(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("read %d examples, wrote %d", len(got), len(want))
			}
			for i := range want {
				w, g := *want[i], *got[i]
				if len(w.History) == 0 && len(g.History) == 0 {
					w.History, g.History = nil, nil
				}
				if !reflect.DeepEqual(w, g) {
					t.Fatalf("example %d:\n got %+v\nwant %+v", i, g, w)
				}
			}
			if gotMeta[MetaSchemaVersion] != "2" || gotMeta[MetaSplit] != "test" || gotMeta["occbench.note"] != "x" {
				t.Errorf("metadata = %v", gotMeta)
			}
		})
	}
}

func TestWriteDeterministic(t *testing.T) {
	for _, name := range []string{"a.arrow", "a.parquet"} {
		dir := t.TempDir()
		exs := sampleExamples(100)
		p1, p2 := filepath.Join(dir, "1"+name), filepath.Join(dir, "2"+name)
		writeAll(t, p1, exs, map[string]string{"k": "v"})
		writeAll(t, p2, exs, map[string]string{"k": "v"})
		b1, _ := os.ReadFile(p1)
		b2, _ := os.ReadFile(p2)
		if !bytes.Equal(b1, b2) {
			t.Errorf("%s: two writes of the same examples differ", name)
		}
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(filepath.Join(dir, "x.arrow"), nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(sampleExamples(1)[0])
	w.Abort()
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("abort left %v", entries)
	}
}

// A file of schema version 1 (written before code_method, code_score and
// source_code existed) reads, with those fields empty, the same careers as
// importing its source today.
func TestReadSchemaV1(t *testing.T) {
	old, meta, err := ReadAll("testdata/schema_v1.arrow")
	if err != nil {
		t.Fatal(err)
	}
	if meta[MetaSchemaVersion] != "1" {
		t.Fatalf("fixture has schema version %q, want 1", meta[MetaSchemaVersion])
	}
	now, _, err := Import([]string{"../testdata/import/careers.csv"}, DefaultImport)
	if err != nil {
		t.Fatal(err)
	}
	if len(old) != len(now) || len(old) == 0 {
		t.Fatalf("%d users in the v1 file, %d imported now", len(old), len(now))
	}
	for i := range old {
		for j := range now[i].History {
			r := &now[i].History[j]
			r.CodeMethod, r.CodeScore, r.SourceCode = "", 0, ""
		}
		if !reflect.DeepEqual(old[i], now[i]) {
			t.Errorf("user %s differs:\n v1 %+v\nnow %+v", old[i].UserID, old[i], now[i])
		}
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.arrow")
	fixture.Write(t, junk, "not arrow at all")
	if _, err := Open(junk); err == nil {
		t.Error("opening a non-Arrow file succeeded")
	}
	junkPQ := filepath.Join(dir, "junk.parquet")
	fixture.Write(t, junkPQ, "PAR1 nope")
	if _, err := Open(junkPQ); err == nil {
		t.Error("opening a non-Parquet file succeeded")
	}
	if _, err := Open(filepath.Join(dir, "missing.arrow")); err == nil {
		t.Error("opening a missing file succeeded")
	}
}

func BenchmarkWriteRead11k(b *testing.B) {
	exs := sampleExamples(11000)
	dir := b.TempDir()
	for _, name := range []string{"x.arrow", "x.parquet"} {
		b.Run(name, func(b *testing.B) {
			path := filepath.Join(dir, name)
			for b.Loop() {
				writeAll(b, path, exs, nil)
				r, err := Open(path)
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for r.Scan() {
					n++
				}
				r.Close()
				if n != len(exs) {
					b.Fatal(n)
				}
			}
		})
	}
}

// ReadTargets keeps of each example what scoring reads, and only that.
func TestReadTargets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.arrow")
	if err := WriteExamples(path, sampleExamples(40), nil); err != nil {
		t.Fatal(err)
	}
	all, _, err := ReadAll(path)
	if err != nil {
		t.Fatal(err)
	}
	targets, _, err := ReadTargets(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(targets) != len(all) {
		t.Fatalf("%d targets, %d examples", len(targets), len(all))
	}
	for i, ex := range all {
		want := Example{UserID: ex.UserID, TargetCode: ex.TargetCode, TargetTitle: ex.TargetTitle, BayesCode: ex.BayesCode, BayesTitle: ex.BayesTitle}
		if !reflect.DeepEqual(*targets[i], want) {
			t.Errorf("user %d: %+v, want %+v", i, *targets[i], want)
		}
	}
	if _, _, err := ReadTargets(filepath.Join(t.TempDir(), "none.arrow")); err == nil {
		t.Error("a missing file read")
	}
}

// pathExamples are sampleExamples with a target path of k jobs (the
// target first) and, on every third, a Bayes path; inference-only rows
// have neither.
func pathExamples(n, k int) []*Example {
	exs := sampleExamples(n)
	for i, ex := range exs {
		if ex.TargetCode == "" {
			continue
		}
		ex.TargetPath = []Record{{Kind: Job, Start: DateOf(2011, time.May, 1), End: DateOf(2013, time.April, 30), Title: "Controller",
			Code: ex.TargetCode, Occupation: ex.TargetTitle, Industry: "Finance", Salary: 91000, CodeMethod: CodeGiven, CodeScore: 1}}
		for h := 1; h < k; h++ {
			ex.TargetPath = append(ex.TargetPath, Record{Kind: Job, Start: DateOf(2013+h, time.May, 1), Code: "11-3031.00", Occupation: "Financial Managers"})
		}
		if i%3 == 0 {
			ex.BayesPath = []Occupation{{ex.BayesCode, ex.BayesTitle}}
			for h := 1; h < k; h++ {
				ex.BayesPath = append(ex.BayesPath, Occupation{"11-3031.00", "Financial Managers"})
			}
		}
	}
	return exs
}

// A data set with a horizon writes schema version 3 with the path columns
// and reads back the same examples, in both formats.
func TestRoundTripPaths(t *testing.T) {
	for _, tc := range []struct {
		name string
		file string
		n, k int
	}{
		{"arrow", "p.arrow", 20, 3},
		{"parquet", "p.parquet", 20, 3},
		{"arrow multi-batch", "p.arrow", BatchRows + 5, 2},
		{"parquet k=5", "p.parquet", 9, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tc.file)
			want := pathExamples(tc.n, tc.k)
			writeAll(t, path, want, map[string]string{MetaHorizon: fmt.Sprint(tc.k)})
			got, meta, err := ReadAll(path)
			if err != nil {
				t.Fatal(err)
			}
			if meta[MetaSchemaVersion] != "3" || meta[MetaHorizon] != fmt.Sprint(tc.k) {
				t.Errorf("metadata = %v", meta)
			}
			if len(got) != len(want) {
				t.Fatalf("read %d examples, wrote %d", len(got), len(want))
			}
			for i := range want {
				w, g := *want[i], *got[i]
				if len(w.History) == 0 && len(g.History) == 0 {
					w.History, g.History = nil, nil
				}
				if !reflect.DeepEqual(w, g) {
					t.Fatalf("example %d:\n got %+v\nwant %+v", i, g, w)
				}
				if w.TargetCode != "" && (g.Horizon() != tc.k || len(g.Path()) != tc.k || g.Path()[0] != g.TargetCode) {
					t.Errorf("example %d: horizon %d, path %v", i, g.Horizon(), g.Path())
				}
			}
			targets, _, err := ReadTargets(path)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(targets[1].TargetPath, want[1].TargetPath) || !reflect.DeepEqual(targets[0].BayesPath, want[0].BayesPath) {
				t.Error("ReadTargets dropped the paths")
			}
		})
	}
}

// A single-step data set keeps version 2 and its columns; one that would
// carry a path it cannot hold, or a path that does not start with the
// target, is an error that names the user.
func TestPathErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		meta map[string]string
		edit func(*Example)
		want string
	}{
		{"path in a single-step file", nil, func(ex *Example) {}, `user "u00001": a target path of 3 jobs`},
		{"path not starting with the target", map[string]string{MetaHorizon: "3"}, func(ex *Example) { ex.TargetPath[0].Code = "15-1252.00" }, `user "u00001": target_path[0] is "15-1252.00"`},
		{"education in the path", map[string]string{MetaHorizon: "3"}, func(ex *Example) { ex.TargetPath[2].Kind = Education }, `user "u00001": target_path[2] is education, want a job`},
		{"bad horizon", map[string]string{MetaHorizon: "three"}, nil, `metadata occbench.horizon "three": want a number of jobs from 1 to 64`},
		{"horizon 0", map[string]string{MetaHorizon: "0"}, nil, `metadata occbench.horizon "0"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "e.arrow")
			w, err := Create(path, tc.meta)
			if tc.edit == nil {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("Create: %v, want %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer w.Abort()
			ex := pathExamples(2, 3)[1]
			tc.edit(ex)
			if err := w.Write(ex); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Write: %v, want %q", err, tc.want)
			}
		})
	}
}

// Single-step sets are unchanged by paths: no path columns, version 2, and
// Path and BayesCodes read their target and Bayes answer as K = 1.
func TestSingleStepHasNoPathColumns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.arrow")
	writeAll(t, path, sampleExamples(4), map[string]string{MetaHorizon: "1"})
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if v := r.Metadata()[MetaSchemaVersion]; v != "2" {
		t.Errorf("schema version %s, want 2", v)
	}
	for _, name := range []string{"target_path", "bayes_path"} {
		if len(r.schema.FieldIndices(name)) != 0 {
			t.Errorf("a single-step file has the column %s", name)
		}
	}
	var ex *Example
	for range 4 { // the fourth has a target and a Bayes answer
		if !r.Scan() {
			t.Fatal(r.Err())
		}
		ex = r.Example()
	}
	if ex.Horizon() != 1 || !reflect.DeepEqual(ex.Path(), []string{"11-3031.01"}) || !reflect.DeepEqual(ex.BayesCodes(), []string{"13-2051.00"}) {
		t.Errorf("horizon %d, path %v, Bayes %v", ex.Horizon(), ex.Path(), ex.BayesCodes())
	}
}

func TestExamplePathHelpers(t *testing.T) {
	full := pathExamples(4, 3)[3]
	for _, tc := range []struct {
		name    string
		ex      *Example
		horizon int
		path    []string
		bayes   []string
		hist    map[int]int // h → len(HistoryAt(h))
	}{
		{"path", full, 3, []string{"11-3031.01", "11-3031.00", "11-3031.00"}, []string{"13-2051.00", "11-3031.00", "11-3031.00"}, map[int]int{1: 4, 2: 5, 3: 6, 9: 6}},
		{"single step", &Example{TargetCode: "a", BayesCode: "b", History: make([]Record, 2)}, 1, []string{"a"}, []string{"b"}, map[int]int{1: 2, 2: 2}},
		{"inference only", &Example{History: make([]Record, 1)}, 0, nil, nil, map[int]int{1: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.ex.Horizon(); got != tc.horizon {
				t.Errorf("Horizon = %d, want %d", got, tc.horizon)
			}
			if got := tc.ex.Path(); !reflect.DeepEqual(got, tc.path) {
				t.Errorf("Path = %v, want %v", got, tc.path)
			}
			if got := tc.ex.BayesCodes(); !reflect.DeepEqual(got, tc.bayes) {
				t.Errorf("BayesCodes = %v, want %v", got, tc.bayes)
			}
			for h, n := range tc.hist {
				if got := tc.ex.HistoryAt(h); len(got) != n {
					t.Errorf("HistoryAt(%d) has %d records, want %d", h, len(got), n)
				}
			}
		})
	}
	if h := full.HistoryAt(3); h[len(h)-1].Code != "11-3031.00" || h[len(h)-2].Code != full.TargetCode {
		t.Errorf("HistoryAt(3) ends %v", h[len(h)-2:])
	}
}
