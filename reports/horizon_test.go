package reports

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/occbench/occbench/reports/reportstest"
	"github.com/occbench/occbench/rundir"
)

// pathK is the horizon of the path fixture.
const pathK = 3

// pathRunners are four systems over 120 users predicting 3 jobs ahead,
// with known outcomes at every horizon: bayes is the ceiling, sasrec the
// best network, the LLM has no teacher-forced steps and fails on some
// users.
func pathRunners() []reportstest.Runner {
	P := reportstest.Pattern
	at := func(f func(i, h int) bool) func(i, h int) reportstest.Outcome {
		return func(i, h int) reportstest.Outcome {
			if f(i, h) {
				return reportstest.Right
			}
			return reportstest.Wrong
		}
	}
	return []reportstest.Runner{
		{Name: "markov", Kind: "markov", Outcome: P(func(i int) bool { return i%4 == 0 }, nil),
			Steps:   at(func(i, h int) bool { return i%(3+h) == 0 }),
			Teacher: at(func(i, h int) bool { return i%3 == 0 })},
		{Name: "sasrec", Kind: "sasrec", Outcome: P(func(i int) bool { return i%3 == 0 || i%4 == 0 }, func(i int) bool { return i%2 == 1 }),
			Steps: func(i, h int) reportstest.Outcome {
				switch {
				case i%(h+1) == 0:
					return reportstest.Right
				case i%2 == 1:
					return reportstest.Related
				}
				return reportstest.Wrong
			},
			Teacher: at(func(i, h int) bool { return i%2 == 0 })},
		{Name: "qwen3-cot", Kind: "llm", Settings: map[string]any{"mode": "cot", "display": "Qwen3-8B"}, Outcome: func(i int) reportstest.Outcome {
			switch {
			case i%40 == 7:
				return reportstest.Failed
			case i%4 == 1:
				return reportstest.Right
			}
			return reportstest.Related
		}, Steps: func(i, h int) reportstest.Outcome {
			if i%30 == 11 {
				return reportstest.Unmapped
			}
			if i%(4*h) == 1 {
				return reportstest.Right
			}
			return reportstest.Wrong
		}},
		{Name: "bayes", Kind: "bayes", Outcome: P(func(i int) bool { return i%3 != 2 }, nil),
			Steps: at(func(i, h int) bool { return i%3 != 2 && i%(h+3) != 1 })},
	}
}

var (
	pathOnce sync.Once
	pathDir  string
	pathErr  error
)

// pathFixtureRun writes the path fixture run once per test binary.
func pathFixtureRun(t testing.TB) string {
	t.Helper()
	pathOnce.Do(func() {
		dir, err := os.MkdirTemp("", "reports-path-fixture-")
		if err != nil {
			pathErr = err
			return
		}
		pathDir = filepath.Join(dir, "run")
		test := reportstest.PathTestSet(120, pathK, false)
		path, err := reportstest.WriteTestSet(filepath.Join(dir, "test.arrow"), test)
		if err == nil {
			err = reportstest.WriteRun(pathDir, path, test, pathRunners())
		}
		pathErr = err
	})
	if pathErr != nil {
		t.Fatal(pathErr)
	}
	return pathDir
}

func pathReport(t testing.TB, o Options) *Report {
	t.Helper()
	run, err := LoadRun(pathFixtureRun(t), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	o.NoPaper = true
	rep, err := Build(run, o)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestPathFixtureScores checks the fixture through rundir.ScoreRun: EM@h
// counted from the runners' patterns, EM@1 equal to the single-step EM,
// and the per-user EM@h the report loads agreeing with scores.json.
func TestPathFixtureScores(t *testing.T) {
	dir := pathFixtureRun(t)
	man, err := rundir.ReadManifest(filepath.Join(dir, rundir.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	if man.Protocol.Horizon != pathK {
		t.Fatalf("protocol horizon %d, want %d", man.Protocol.Horizon, pathK)
	}
	_, test, err := rundir.ReadTest(dir, man, "")
	if err != nil {
		t.Fatal(err)
	}
	rs := pathRunners()
	var names []string
	for _, r := range rs {
		names = append(names, r.Name)
	}
	sc, err := rundir.ScoreRun(dir, test, names, rundir.ScoreOptions{Related: 20, Bootstrap: 200, Seed: 1, Horizon: pathK})
	if err != nil {
		t.Fatal(err)
	}
	frac := func(f func(i int) bool) float64 {
		n := 0
		for i := range 120 {
			if f(i) {
				n++
			}
		}
		return float64(n) / 120
	}
	cases := []struct {
		runner  string
		em      [pathK]float64
		teacher [pathK]float64 // NaN: none recorded
	}{
		{"markov", [pathK]float64{frac(func(i int) bool { return i%4 == 0 }), frac(func(i int) bool { return i%5 == 0 }), frac(func(i int) bool { return i%6 == 0 })},
			[pathK]float64{frac(func(i int) bool { return i%4 == 0 }), frac(func(i int) bool { return i%3 == 0 }), frac(func(i int) bool { return i%3 == 0 })}},
		{"sasrec", [pathK]float64{frac(func(i int) bool { return i%3 == 0 || i%4 == 0 }), frac(func(i int) bool { return i%3 == 0 }), frac(func(i int) bool { return i%4 == 0 })},
			[pathK]float64{frac(func(i int) bool { return i%3 == 0 || i%4 == 0 }), frac(func(i int) bool { return i%2 == 0 }), frac(func(i int) bool { return i%2 == 0 })}},
		// Users 7, 47, 87 failed: wrong at every h; user 41 (i%30 == 11)
		// gave no step-2 or step-3 code.
		{"qwen3-cot", [pathK]float64{frac(func(i int) bool { return i%4 == 1 && i%40 != 7 }), frac(func(i int) bool { return i%8 == 1 && i%40 != 7 && i%30 != 11 }), frac(func(i int) bool { return i%12 == 1 && i%40 != 7 && i%30 != 11 })},
			[pathK]float64{math.NaN(), math.NaN(), math.NaN()}},
		{"bayes", [pathK]float64{frac(func(i int) bool { return i%3 != 2 }), frac(func(i int) bool { return i%3 != 2 && i%5 != 1 }), frac(func(i int) bool { return i%3 != 2 && i%6 != 1 })},
			[pathK]float64{math.NaN(), math.NaN(), math.NaN()}},
	}
	rep := pathReport(t, Options{})
	for _, tc := range cases {
		t.Run(tc.runner, func(t *testing.T) {
			r := sc.Runners[tc.runner]
			if len(r.Horizon) != pathK || r.Path == nil {
				t.Fatalf("horizon %v, path %v", r.Horizon, r.Path)
			}
			if r.Horizon[0].EM != r.EM {
				t.Errorf("EM@1 %v, single-step EM %v", r.Horizon[0].EM, r.EM)
			}
			s := rep.Run.System(tc.runner)
			for h, hs := range r.Horizon {
				if math.Abs(hs.EM.Float()-tc.em[h]) > 1e-12 {
					t.Errorf("EM@%d = %v, want %v", h+1, hs.EM.Float(), tc.em[h])
				}
				if got := mean(s.Outcomes.PathEM[h]); math.Abs(got-tc.em[h]) > 1e-12 {
					t.Errorf("loaded EM@%d = %v, want %v", h+1, got, tc.em[h])
				}
				switch {
				case math.IsNaN(tc.teacher[h]) && hs.EMTeacher != nil:
					t.Errorf("EM@%d teacher-forced %v, want none", h+1, hs.EMTeacher.Float())
				case !math.IsNaN(tc.teacher[h]) && (hs.EMTeacher == nil || math.Abs(hs.EMTeacher.Float()-tc.teacher[h]) > 1e-12):
					t.Errorf("EM@%d teacher-forced %v, want %v", h+1, hs.EMTeacher, tc.teacher[h])
				}
			}
		})
	}
}

// TestHorizonTablesGolden pins the tables of a path run in every format,
// with the default test and with Holm against a chosen reference.
func TestHorizonTablesGolden(t *testing.T) {
	cases := []struct {
		name string
		opts Options
		only bool // the horizon table alone
	}{
		{"tables", Options{}, false},
		{"horizon_ref_holm", Options{Reference: "sasrec", Significance: Significance{Correction: Holm}}, true},
	}
	for _, tc := range cases {
		rep := pathReport(t, tc.opts)
		ts := rep.Tables()
		if tc.only {
			ts = []*Table{rep.Horizons}
		}
		for _, f := range Formats {
			t.Run(tc.name+"/"+string(f.Format), func(t *testing.T) {
				var buf bytes.Buffer
				if err := WriteTables(&buf, f.Format, ts); err != nil {
					t.Fatal(err)
				}
				golden(t, "horizon/"+tc.name+"."+f.Ext, buf.Bytes())
			})
		}
	}
}

// TestHorizonSignificance checks the per-horizon families against
// McNemar counts made by hand: each horizon is its own family of m =
// systems − 1, and Bonferroni multiplies by that m.
func TestHorizonSignificance(t *testing.T) {
	rep := pathReport(t, Options{})
	if rep.Reference.Name != "bayes" {
		t.Fatalf("reference %s, want bayes (the best by EM)", rep.Reference.Name)
	}
	if len(rep.HorizonVsRef) != pathK {
		t.Fatalf("%d horizons tested, want %d", len(rep.HorizonVsRef), pathK)
	}
	ref := rep.Reference.Outcomes.PathEM
	for h, tests := range rep.HorizonVsRef {
		for i, s := range rep.Run.Systems {
			tt := tests[i]
			if s == rep.Reference {
				if tt.First != "" {
					t.Errorf("h %d: the reference is tested against itself", h+1)
				}
				continue
			}
			b, c := 0, 0
			for u := range ref[h] {
				switch {
				case ref[h][u] && !s.Outcomes.PathEM[h][u]:
					b++
				case !ref[h][u] && s.Outcomes.PathEM[h][u]:
					c++
				}
			}
			if tt.B != b || tt.C != c || tt.First != "bayes" || tt.Second != s.Name {
				t.Errorf("h %d %s: %s vs %s b %d c %d, want b %d c %d", h+1, s.Name, tt.First, tt.Second, tt.B, tt.C, b, c)
			}
			if want := math.Min(1, 3*tt.P); math.Abs(tt.PAdj-want) > 1e-12 {
				t.Errorf("h %d %s: p adj %v, want 3 × %v", h+1, s.Name, tt.PAdj, tt.P)
			}
		}
	}
	if !strings.Contains(strings.Join(rep.Horizons.Notes, " "), "one family per horizon (3 families of m = 3)") {
		t.Errorf("notes do not print the family size: %q", rep.Horizons.Notes)
	}
}

// TestSingleStepHasNoHorizon: a single-step report has no horizon table
// or chart.
func TestSingleStepHasNoHorizon(t *testing.T) {
	rep := fixtureReport(t, Options{})
	if rep.Horizons != nil || rep.Paths != nil || rep.HorizonVsRef != nil {
		t.Error("a single-step report has horizon tables")
	}
	for _, c := range rep.Charts() {
		if c.Name == "horizon" {
			t.Error("a single-step report has the horizon chart")
		}
	}
}

// TestHorizonChart draws the EM@h chart beside the accuracy chart: golden
// SVG, the PNG's size and hash, the same bytes twice.
func TestHorizonChart(t *testing.T) {
	rep := pathReport(t, Options{})
	var names []string
	var ch *Chart
	for _, c := range rep.Charts() {
		names = append(names, c.Name)
		if c.Name == "horizon" {
			ch = c
		}
	}
	if got := strings.Join(names, " "); !strings.HasPrefix(got, "accuracy horizon") {
		t.Fatalf("charts = %s, want accuracy then horizon", got)
	}
	var p1, p2, s1, s2 bytes.Buffer
	for _, err := range []error{ch.PNG(&p1), ch.PNG(&p2), ch.SVG(&s1), ch.SVG(&s2)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(p1.Bytes(), p2.Bytes()) || !bytes.Equal(s1.Bytes(), s2.Bytes()) {
		t.Fatal("drawing twice gave different bytes")
	}
	img, err := png.Decode(bytes.NewReader(p1.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != int(ch.Width)*PNGScale || b.Dy() != int(ch.Height)*PNGScale {
		t.Errorf("PNG is %v, want %gx%g at scale %d", b, ch.Width, ch.Height, PNGScale)
	}
	golden(t, "charts/horizon.svg", s1.Bytes())
	if runtime.GOARCH == "amd64" {
		sum := sha256.Sum256(p1.Bytes())
		golden(t, "charts/horizon.png.sha256", []byte(hex.EncodeToString(sum[:])+"\n"))
	}
	if out := os.Getenv("OCCBENCH_CHART_DIR"); out != "" {
		os.WriteFile(filepath.Join(out, "horizon.png"), p1.Bytes(), 0o644)
	}
}

// TestHorizonPDF puts the horizon tables and chart into the PDF.
func TestHorizonPDF(t *testing.T) {
	rep := pathReport(t, Options{})
	var buf bytes.Buffer
	if err := rep.WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	written, err := rep.WriteDir(dir, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"tables/horizon.csv", "tables/horizon.tex", "tables/paths.csv", "charts/horizon.png", "charts/horizon.svg", PDFFile} {
		found := false
		for _, p := range written {
			if p == filepath.Join(dir, want) {
				found = true
			}
		}
		if !found {
			t.Errorf("WriteDir did not write %s", want)
		}
	}
}
