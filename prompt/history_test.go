package prompt

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/internal/fixture"
)

func TestHistoryV1(t *testing.T) {
	ex := &bench.Example{UserID: "u1", History: []bench.Record{
		{Kind: bench.Education, School: "Ohio State", Degree: "BS", Major: "Computer Science", GradYear: 2010, Start: bench.DateOf(2006, 9, 1), End: bench.DateOf(2010, 6, 1)},
		{Kind: bench.Job, Title: "Junior dev", Code: "15-1251.00", Occupation: "Computer Programmers", Industry: "Software & Services", Start: bench.DateOf(2010, 7, 1), End: bench.DateOf(2013, 1, 1), Salary: 65000},
		{Kind: bench.Job, Title: "Dev <lead>", Code: "15-1252.00", Occupation: "Software Developers", Start: bench.DateOf(2013, 2, 1), Salary: 1e6},
	}}
	got, err := SerializeHistory(ex, "v1")
	if err != nil {
		t.Fatal(err)
	}
	// Fixed field order, one record a line, no nulls, no HTML escaping, no exponent.
	want := `[
  {"type":"education","school":"Ohio State","degree":"BS","major":"Computer Science","graduation_year":2010,"start_date":"2006-09-01","end_date":"2010-06-01"},
  {"type":"job","title":"Junior dev","occupation":"Computer Programmers","industry":"Software & Services","start_date":"2010-07-01","end_date":"2013-01-01","salary":65000},
  {"type":"job","title":"Dev <lead>","occupation":"Software Developers","start_date":"2013-02-01","salary":1000000}
]`
	if got != want {
		t.Errorf("history v1:\n%s\nwant\n%s", got, want)
	}
	if empty, _ := SerializeHistory(&bench.Example{}, "v1"); empty != "[]" {
		t.Errorf("empty history %q", empty)
	}
	if _, err := SerializeHistory(ex, "v0"); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestPrompts(t *testing.T) {
	for _, tc := range []struct {
		name   string
		reason bool
		must   []string
	}{
		{"joint.tmpl", false, []string{"<think>", "</think>", "<answer>", "O*NET-SOC 2019", "only from what the timeline shows"}},
		{"direct.tmpl", false, []string{"<answer>", "O*NET-SOC 2019"}},
		{"reasoner.tmpl", false, []string{"<think>", "Do NOT name"}},
		{"predictor.tmpl", true, []string{"<answer>", "HISTORY", "REASONING"}},
	} {
		p, err := Load(tc.name, "", tc.reason)
		if err != nil {
			t.Fatal(err)
		}
		out, err := p.Render(Data{History: "HISTORY", Reasoning: "REASONING"})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range append(tc.must, "HISTORY") {
			if !strings.Contains(out, m) {
				t.Errorf("%s lacks %q", tc.name, m)
			}
		}
		if p.Source != "embedded:"+tc.name || len(p.SHA256) != 64 {
			t.Errorf("%s: source %s sha %s", tc.name, p.Source, p.SHA256)
		}
	}
	dir := t.TempDir()
	for name, text := range map[string]string{
		"no-history.tmpl": "Predict the next job.",
		"bad-field.tmpl":  "{{.History}} {{.Nope}}",
		"syntax.tmpl":     "{{.History",
		"no-reason.tmpl":  "{{.History}}",
	} {
		path := filepath.Join(dir, name)
		fixture.Write(t, path, text)
		if _, err := Load("predictor.tmpl", path, true); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v", name, err)
		}
	}
}
