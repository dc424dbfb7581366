package reports

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occbench/occbench/metrics"
	"github.com/occbench/occbench/reports/reportstest"
	"github.com/occbench/occbench/rundir"
)

// flipRuns writes a base and a new run of two runners over 200 users. In
// the base run, sasrec is right on users 0–59; in the new run it loses the
// first b of them and gains the c users from 60 on. markov is the same in
// both.
func flipRuns(t *testing.T, b, c int) (string, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "test.arrow")
	test := reportstest.NewTestSet(t, path, 200, false)
	markov := reportstest.Runner{Name: "markov", Kind: "markov", Outcome: reportstest.Pattern(func(i int) bool { return i%3 == 0 }, nil)}
	base := []reportstest.Runner{markov, {Name: "sasrec", Kind: "sasrec", Outcome: reportstest.Pattern(func(i int) bool { return i < 60 }, nil)}}
	nw := []reportstest.Runner{markov, {Name: "sasrec", Kind: "sasrec", Outcome: reportstest.Pattern(func(i int) bool {
		return (i >= b && i < 60) || (i >= 60 && i < 60+c)
	}, func(i int) bool { return i < b })}}
	bd, nd := filepath.Join(dir, "base"), filepath.Join(dir, "new")
	reportstest.NewRun(t, bd, path, test, base)
	reportstest.NewRun(t, nd, path, test, nw)
	return bd, nd
}

func TestCompareFlips(t *testing.T) {
	cases := []struct {
		name       string
		b, c       int
		opts       CompareOptions
		verdict    string // sasrec's
		overall    string
		wantPAdj   float64 // 0: skip
		wantMethod metrics.McNemarMethod
	}{
		// p = 2·P(X ≤ 3 | 18, ½) = 2·988/2¹⁸; two runners, Bonferroni m = 2.
		{name: "regression", b: 15, c: 3, verdict: VerdictRegression, overall: VerdictRegression, wantPAdj: 2 * 2 * 988.0 / 262144},
		{name: "improvement", b: 3, c: 15, verdict: VerdictImprovement, overall: VerdictImprovement, wantPAdj: 2 * 2 * 988.0 / 262144},
		{name: "no change", b: 4, c: 2, verdict: VerdictNoChange, overall: VerdictNoChange},
		{name: "tolerated by max-drop", b: 15, c: 3, opts: CompareOptions{MaxDrop: 6}, verdict: VerdictTolerated, overall: VerdictTolerated},
		{name: "max-drop below the drop", b: 15, c: 3, opts: CompareOptions{MaxDrop: 5.9}, verdict: VerdictRegression, overall: VerdictRegression},
		{name: "strict alpha", b: 15, c: 3, opts: CompareOptions{Significance: Significance{Alpha: 0.01}}, verdict: VerdictNoChange, overall: VerdictNoChange},
		{name: "holm", b: 15, c: 3, opts: CompareOptions{Significance: Significance{Correction: Holm}}, verdict: VerdictRegression, overall: VerdictRegression, wantPAdj: 2 * 2 * 988.0 / 262144},
		{name: "chi2 corrected", b: 15, c: 3, opts: CompareOptions{Significance: Significance{Method: metrics.McNemarChi2Corrected}}, verdict: VerdictRegression, overall: VerdictRegression,
			wantPAdj: 2 * math.Erfc(math.Sqrt(121.0/18/2)), wantMethod: metrics.McNemarChi2Corrected},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bd, nd := flipRuns(t, tc.b, tc.c)
			cmp, err := Compare(bd, nd, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if cmp.M != 2 || len(cmp.Runners) != 2 {
				t.Fatalf("m = %d, runners %d; want 2 and 2", cmp.M, len(cmp.Runners))
			}
			mk, sr := cmp.Runners[0], cmp.Runners[1]
			if mk.Name != "markov" || mk.B != 0 || mk.C != 0 || mk.Verdict != VerdictNoChange {
				t.Errorf("markov: %+v", mk)
			}
			if sr.B != tc.b || sr.C != tc.c {
				t.Errorf("sasrec b, c = %d, %d; want %d, %d", sr.B, sr.C, tc.b, tc.c)
			}
			if d := sr.EMDelta.Float(); math.Abs(d-float64(tc.c-tc.b)/200) > 1e-12 {
				t.Errorf("EM delta = %v, want %v", d, float64(tc.c-tc.b)/200)
			}
			if sr.Verdict != tc.verdict || cmp.Verdict != tc.overall {
				t.Errorf("verdicts = %q / %q, want %q / %q", sr.Verdict, cmp.Verdict, tc.verdict, tc.overall)
			}
			if tc.wantPAdj > 0 && math.Abs(sr.PAdj.Float()-tc.wantPAdj) > 1e-12 {
				t.Errorf("p adj = %.15g, want %.15g", sr.PAdj.Float(), tc.wantPAdj)
			}
			if cmp.Method != tc.wantMethod.String() {
				t.Errorf("method = %s, want %s", cmp.Method, tc.wantMethod)
			}
		})
	}
}

func TestCompareJSONShape(t *testing.T) {
	bd, nd := flipRuns(t, 15, 3)
	cmp, err := Compare(bd, nd, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := cmp.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"base", "new", "method", "correction", "m", "alpha", "max_drop", "runners", "only_base", "only_new", "regressions", "improvements", "verdict"} {
		if _, ok := got[k]; !ok {
			t.Errorf("JSON lacks %q:\n%s", k, buf.String())
		}
	}
	r := got["runners"].([]any)[1].(map[string]any)
	for _, k := range []string{"name", "n", "em_base", "em_new", "em_delta", "rm_base", "rm_new", "rm_delta", "rm_delta_ci", "b", "c", "statistic", "p", "p_adjusted", "verdict", "warnings"} {
		if _, ok := r[k]; !ok {
			t.Errorf("runner JSON lacks %q", k)
		}
	}
	// markov has b = c = 0: the exact test's p is 1, and a warning says so.
	mk := got["runners"].([]any)[0].(map[string]any)
	if mk["p"] != 1.0 || len(mk["warnings"].([]any)) == 0 {
		t.Errorf("markov = %v", mk)
	}
}

func TestCompareUnusable(t *testing.T) {
	bd, nd := flipRuns(t, 1, 1)
	other := t.TempDir()
	path := filepath.Join(other, "test.arrow")
	test := reportstest.NewTestSet(t, path, 201, false)
	diffSet := filepath.Join(other, "run")
	reportstest.NewRun(t, diffSet, path, test, []reportstest.Runner{{Name: "sasrec", Kind: "sasrec", Outcome: reportstest.Pattern(func(i int) bool { return true }, nil)}})
	// A run over the same test set with other runners only.
	bench200 := readManifestTest(t, bd)
	others := filepath.Join(t.TempDir(), "others")
	reportstest.NewRun(t, others, bench200, reportstest.TestSet(200, false), []reportstest.Runner{{Name: "bert4rec", Kind: "bert4rec", Outcome: reportstest.Pattern(func(i int) bool { return false }, nil)}})
	// A new run that missed users.
	partial := filepath.Join(t.TempDir(), "partial")
	reportstest.NewRun(t, partial, bench200, reportstest.TestSet(200, false), []reportstest.Runner{{Name: "sasrec", Kind: "sasrec", Outcome: func(i int) reportstest.Outcome {
		if i >= 190 {
			return reportstest.Missing
		}
		return reportstest.Right
	}}})
	cases := []struct {
		name, base, new string
		opts            CompareOptions
		want            string
	}{
		{"different test sets", bd, diffSet, CompareOptions{}, "different test sets"},
		{"no runner in common", bd, others, CompareOptions{}, "no runner in common"},
		{"missing samples", bd, partial, CompareOptions{}, "has no prediction for 10 of 200 test users (first: u0190, u0191, u0192)"},
		{"not a run", bd, t.TempDir(), CompareOptions{}, "is not a run directory"},
		{"only unknown", bd, nd, CompareOptions{Only: []string{"gru4rec"}}, "--only gru4rec"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compare(tc.base, tc.new, tc.opts)
			if !errors.Is(err, ErrUnusable) {
				t.Fatalf("err = %v, want ErrUnusable", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %q, want it to say %q", err, tc.want)
			}
		})
	}
}

func readManifestTest(t *testing.T, dir string) string {
	t.Helper()
	m, err := rundir.ReadManifest(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	return m.Datasets["test"].Path
}

func TestCompareTableGolden(t *testing.T) {
	bd, nd := flipRuns(t, 15, 3)
	cmp, err := Compare(bd, nd, CompareOptions{MaxDrop: 1})
	if err != nil {
		t.Fatal(err)
	}
	// The directories are temporary; name them as a person would.
	cmp.Base.Dir, cmp.New.Dir = "runs/base", "runs/new"
	for _, f := range []Format{Text, Markdown} {
		var buf bytes.Buffer
		if err := WriteTable(&buf, f, cmp.Table()); err != nil {
			t.Fatal(err)
		}
		golden(t, "compare."+string(f), buf.Bytes())
	}
	_ = os.Remove
}

// pathFlipRuns writes a base and a new path run (3 jobs ahead) of two
// runners over 200 users. sasrec's next job is the same in both runs; at
// horizon h of the new run it loses the first b of the users 0–59 it was
// right on in base and gains c users from 60 on; its other horizons and
// markov are the same in both.
func pathFlipRuns(t *testing.T, h, b, c int) (string, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "test.arrow")
	test := reportstest.PathTestSet(200, 3, false)
	if _, err := reportstest.WriteTestSet(path, test); err != nil {
		t.Fatal(err)
	}
	right := func(ok bool) reportstest.Outcome {
		if ok {
			return reportstest.Right
		}
		return reportstest.Wrong
	}
	markov := reportstest.Runner{Name: "markov", Kind: "markov", Outcome: reportstest.Pattern(func(i int) bool { return i%3 == 0 }, nil)}
	first := reportstest.Pattern(func(i int) bool { return i < 60 }, nil)
	base := []reportstest.Runner{markov, {Name: "sasrec", Kind: "sasrec", Outcome: first,
		Steps: func(i, _ int) reportstest.Outcome { return right(i < 60) }}}
	nw := []reportstest.Runner{markov, {Name: "sasrec", Kind: "sasrec", Outcome: first,
		Steps: func(i, at int) reportstest.Outcome {
			if at != h {
				return right(i < 60)
			}
			return right((i >= b && i < 60) || (i >= 60 && i < 60+c))
		}}}
	bd, nd := filepath.Join(dir, "base"), filepath.Join(dir, "new")
	reportstest.NewRun(t, bd, path, test, base)
	reportstest.NewRun(t, nd, path, test, nw)
	return bd, nd
}

// TestCompareHorizons gates each horizon of path runs: a significant drop
// in EM@h at any h is a regression that names h, and the family at each h
// is the runners compared.
func TestCompareHorizons(t *testing.T) {
	cases := []struct {
		name      string
		h, b, c   int
		opts      CompareOptions
		verdict   string // sasrec's, and overall
		atH       string // sasrec's verdict at h
		summary   string
		wantPAdj  float64 // at h; 0: skip
		unchanged bool    // every other horizon unchanged
	}{
		// p = 2·P(X ≤ 3 | 18, ½) = 2·988/2¹⁸; two runners, Bonferroni m = 2.
		{name: "regression at h = 2", h: 2, b: 15, c: 3, verdict: VerdictRegression, atH: VerdictRegression,
			summary: "significant regression in sasrec at h = 2 (EM@2 -6.00 points, p adj. 0.0151)", wantPAdj: 2 * 2 * 988.0 / 262144},
		{name: "regression at h = 3", h: 3, b: 15, c: 3, verdict: VerdictRegression, atH: VerdictRegression,
			summary: "significant regression in sasrec at h = 3"},
		{name: "improvement at h = 3", h: 3, b: 3, c: 15, verdict: VerdictImprovement, atH: VerdictImprovement, summary: "significant improvement in 1 of 2 runners"},
		{name: "no change", h: 2, b: 4, c: 2, verdict: VerdictNoChange, atH: VerdictNoChange, summary: "no significant change"},
		{name: "drop tolerated", h: 2, b: 15, c: 3, opts: CompareOptions{MaxDrop: 6}, verdict: VerdictTolerated, atH: VerdictTolerated, summary: "tolerated"},
		{name: "holm", h: 2, b: 15, c: 3, opts: CompareOptions{Significance: Significance{Correction: Holm}}, verdict: VerdictRegression, atH: VerdictRegression,
			summary: "at h = 2", wantPAdj: 2 * 2 * 988.0 / 262144},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bd, nd := pathFlipRuns(t, tc.h, tc.b, tc.c)
			cmp, err := Compare(bd, nd, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if cmp.Horizon != 3 || cmp.M != 2 {
				t.Fatalf("horizon %d, m %d; want 3 and 2", cmp.Horizon, cmp.M)
			}
			sr := cmp.Runners[1]
			if sr.Name != "sasrec" || len(sr.Horizons) != 3 {
				t.Fatalf("runner %s with %d horizons", sr.Name, len(sr.Horizons))
			}
			if sr.B != 0 || sr.C != 0 {
				t.Errorf("the next job changed: b %d c %d", sr.B, sr.C)
			}
			for _, hc := range sr.Horizons {
				if hc.H != tc.h {
					if hc.B != 0 || hc.C != 0 || hc.Verdict != VerdictNoChange {
						t.Errorf("h %d changed: %+v", hc.H, hc)
					}
					continue
				}
				if hc.B != tc.b || hc.C != tc.c || hc.Verdict != tc.atH {
					t.Errorf("h %d: b %d c %d %s; want %d %d %s", hc.H, hc.B, hc.C, hc.Verdict, tc.b, tc.c, tc.atH)
				}
				if tc.wantPAdj > 0 && math.Abs(hc.PAdj.Float()-tc.wantPAdj) > 1e-12 {
					t.Errorf("h %d: p adj %.15g, want %.15g", hc.H, hc.PAdj.Float(), tc.wantPAdj)
				}
			}
			for _, hc := range cmp.Runners[0].Horizons {
				if hc.B != 0 || hc.C != 0 {
					t.Errorf("markov h %d changed", hc.H)
				}
			}
			if sr.Verdict != tc.verdict || cmp.Verdict != tc.verdict {
				t.Errorf("verdicts %q / %q, want %q", sr.Verdict, cmp.Verdict, tc.verdict)
			}
			if got := cmp.Summary(); !strings.Contains(got, tc.summary) {
				t.Errorf("summary %q, want it to say %q", got, tc.summary)
			}
		})
	}
}

// TestCompareHorizonMismatch: path runs of different horizons are not
// comparable; a path run against a single-step one is gated on the next
// job only, and says so.
func TestCompareHorizonMismatch(t *testing.T) {
	bd, nd := pathFlipRuns(t, 2, 15, 3)
	// The new run, scored again as if its suite had horizon: 2.
	man, err := rundir.ReadManifest(filepath.Join(nd, rundir.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	man.Protocol.Horizon = 2
	if err := rundir.WriteManifest(filepath.Join(nd, rundir.ManifestFile), man); err != nil {
		t.Fatal(err)
	}
	_, test, err := rundir.ReadTest(nd, man, "")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := rundir.Rescore(nd, man, test)
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Write(filepath.Join(nd, rundir.ScoresFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := Compare(bd, nd, CompareOptions{}); !errors.Is(err, ErrUnusable) || !strings.Contains(err.Error(), "different horizons") {
		t.Errorf("err = %v, want unusable: different horizons", err)
	}
	man.Protocol.Horizon = 0
	if err := rundir.WriteManifest(filepath.Join(nd, rundir.ManifestFile), man); err != nil {
		t.Fatal(err)
	}
	if sc, err = rundir.Rescore(nd, man, test); err != nil {
		t.Fatal(err)
	}
	if err := sc.Write(filepath.Join(nd, rundir.ScoresFile)); err != nil {
		t.Fatal(err)
	}
	cmp, err := Compare(bd, nd, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if cmp.Horizon != 0 || cmp.Verdict != VerdictNoChange || len(cmp.Tables()) != 1 {
		t.Errorf("horizon %d, verdict %s, %d tables", cmp.Horizon, cmp.Verdict, len(cmp.Tables()))
	}
	if notes := strings.Join(cmp.Table().Notes, " "); !strings.Contains(notes, "only the next job is compared") {
		t.Errorf("notes do not say the horizons were not compared: %s", notes)
	}
}

// TestCompareHorizonGolden pins the tables of a path comparison in text
// and Markdown, and the JSON's per-horizon fields.
func TestCompareHorizonGolden(t *testing.T) {
	bd, nd := pathFlipRuns(t, 2, 15, 3)
	cmp, err := Compare(bd, nd, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cmp.Base.Dir, cmp.New.Dir = "runs/base", "runs/new"
	for _, f := range []Format{Text, Markdown} {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteTables(&buf, f, cmp.Tables()); err != nil {
				t.Fatal(err)
			}
			golden(t, "compare_horizon."+string(f), buf.Bytes())
		})
	}
	var buf bytes.Buffer
	if err := cmp.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Horizon int `json:"horizon"`
		Runners []struct {
			Horizons []map[string]any `json:"horizons"`
		} `json:"runners"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Horizon != 3 || len(got.Runners) != 2 || len(got.Runners[1].Horizons) != 3 {
		t.Fatalf("JSON: %s", buf.String())
	}
	for _, k := range []string{"h", "em_base", "em_new", "em_delta", "b", "c", "statistic", "p", "p_adjusted", "verdict"} {
		if _, ok := got.Runners[1].Horizons[1][k]; !ok {
			t.Errorf("horizon JSON lacks %q", k)
		}
	}
}
