package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occbench/occbench/reports/reportstest"
)

// compareRuns writes a base and a new run of sasrec over 200 users: right
// on users 0–59 in base; in new it loses the first b and gains c.
func compareRuns(t *testing.T, b, c int) (string, string, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "test.arrow")
	test := reportstest.NewTestSet(t, path, 200, false)
	base := []reportstest.Runner{{Name: "sasrec", Kind: "sasrec", Outcome: reportstest.Pattern(func(i int) bool { return i < 60 }, nil)}}
	nw := []reportstest.Runner{{Name: "sasrec", Kind: "sasrec", Outcome: reportstest.Pattern(func(i int) bool {
		return (i >= b && i < 60) || (i >= 60 && i < 60+c)
	}, nil)}}
	bd, nd := filepath.Join(dir, "base"), filepath.Join(dir, "new")
	reportstest.NewRun(t, bd, path, test, base)
	reportstest.NewRun(t, nd, path, test, nw)
	return bd, nd, dir
}

func TestCompareExitCodes(t *testing.T) {
	cases := []struct {
		name    string
		b, c    int
		flags   []string
		code    int
		verdict string
	}{
		// p = 2·P(X ≤ 3 | 18, ½) = 0.0075: a regression.
		{"regression", 15, 3, nil, 1, "regression"},
		{"improvement", 3, 15, nil, 0, "improvement"},
		{"no change", 5, 3, nil, 0, "no significant change"},
		{"drop tolerated", 15, 3, []string{"--max-drop", "6"}, 0, "tolerated drop"},
		{"strict alpha", 15, 3, []string{"--alpha", "0.005"}, 0, "no significant change"},
		{"chi2", 15, 3, []string{"--method", "chi2"}, 1, "regression"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bd, nd, _ := compareRuns(t, tc.b, tc.c)
			args := append([]string{"compare", bd, nd, "--format", "json"}, tc.flags...)
			stdout, _, err := runCLI(t, args...)
			if code := codeOf(err); code != tc.code {
				t.Fatalf("exit %d (%v), want %d", code, err, tc.code)
			}
			var got struct {
				M       int    `json:"m"`
				Verdict string `json:"verdict"`
				Runners []struct {
					B, C int
					P    float64 `json:"p"`
				} `json:"runners"`
			}
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("%v:\n%s", err, stdout)
			}
			if got.Verdict != tc.verdict || got.M != 1 || got.Runners[0].B != tc.b || got.Runners[0].C != tc.c {
				t.Errorf("got %+v", got)
			}
		})
	}
}

func codeOf(err error) int {
	if err == nil {
		return 0
	}
	return exitCode(err)
}

func TestCompareUnusableExit2(t *testing.T) {
	bd, nd, dir := compareRuns(t, 1, 1)
	p2 := filepath.Join(dir, "other.arrow")
	other := reportstest.NewTestSet(t, p2, 150, false)
	od := filepath.Join(dir, "other")
	reportstest.NewRun(t, od, p2, other, []reportstest.Runner{{Name: "sasrec", Kind: "sasrec", Outcome: reportstest.Pattern(func(int) bool { return true }, nil)}})
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"compare", bd, od}, "different test sets"},
		{[]string{"compare", bd, filepath.Join(dir, "missing")}, "not a run directory"},
		{[]string{"compare", bd, nd, "--only", "bert4rec"}, "--only bert4rec"},
		{[]string{"compare", bd, nd, "--method", "fisher"}, "--method"},
		{[]string{"compare", bd, nd, "--alpha", "x"}, "alpha"},
		{[]string{"compare", bd}, "accepts 2 arg"},
	}
	for _, c := range cases {
		_, _, err := runCLI(t, c.args...)
		if codeOf(err) != 2 {
			t.Errorf("%v: exit %d (%v), want 2", c.args[1:], codeOf(err), err)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want %q", c.args[1:], err, c.want)
		}
	}
	// With --format json, a CI step reads why.
	stdout, _, err := runCLI(t, "compare", bd, od, "--format", "json")
	var got struct{ Verdict, Error string }
	if codeOf(err) != 2 || json.Unmarshal([]byte(stdout), &got) != nil || got.Verdict != "unusable" || !strings.Contains(got.Error, "different test sets") {
		t.Errorf("json on exit 2: %q (%v)", stdout, err)
	}
}

func TestCompareText(t *testing.T) {
	bd, nd, _ := compareRuns(t, 15, 3)
	stdout, _, err := runCLI(t, "compare", bd, nd)
	if codeOf(err) != 1 || !strings.Contains(err.Error(), "significant regression in sasrec (EM -6.00 points, p adj. 0.0075)") {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"│ sasrec │", "│ 15 │ 3 │", "regression", "m = 1"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
}

// TestComparePathRuns: compare fails path runs on a significant drop in
// EM@h at any horizon, naming h, and passes them otherwise.
func TestComparePathRuns(t *testing.T) {
	right := func(ok bool) reportstest.Outcome {
		if ok {
			return reportstest.Right
		}
		return reportstest.Wrong
	}
	same := func(i, h int) reportstest.Outcome { return right(i%3 == 0) }
	cases := []struct {
		name string
		new  func(i, h int) reportstest.Outcome
		code int
		want string
	}{
		{"unchanged", same, 0, "no significant change"},
		// sasrec loses 20 of its 30 users at h = 3 only: b = 20, c = 0.
		{"drop at h = 3", func(i, h int) reportstest.Outcome { return right(i%3 == 0 && (h < 3 || i >= 60)) }, 1, "significant regression in sasrec at h = 3 (EM@3 -22.22 points"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			bd := pathRun(t, filepath.Join(dir, "base"), same)
			nd := pathRun(t, filepath.Join(dir, "new"), tc.new)
			stdout, _, err := runCLI(t, "compare", bd, nd)
			if code := codeOf(err); code != tc.code {
				t.Fatalf("exit %d (%v), want %d\n%s", code, err, tc.code, stdout)
			}
			if !strings.Contains(stdout, "Comparison by horizon: EM@h of the next 3 jobs") || !strings.Contains(stdout, tc.want) {
				t.Errorf("stdout lacks the horizon table or %q:\n%s", tc.want, stdout)
			}
			js, _, _ := runCLI(t, "compare", bd, nd, "--format", "json")
			var got struct {
				Horizon int `json:"horizon"`
				Runners []struct {
					Horizons []struct {
						H       int    `json:"h"`
						Verdict string `json:"verdict"`
					} `json:"horizons"`
				} `json:"runners"`
			}
			if err := json.Unmarshal([]byte(js), &got); err != nil || got.Horizon != 3 || len(got.Runners) != 3 || len(got.Runners[1].Horizons) != 3 {
				t.Errorf("json: %v\n%s", err, js)
			}
		})
	}
}
