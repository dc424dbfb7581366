package rundir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occbench/occbench/internal/fixture"
)

func TestParseSuite(t *testing.T) {
	const head = "name: s\ntest: test.arrow\n"
	for _, tc := range []struct {
		name, yaml, err string
	}{
		{"minimal", head + "runners:\n  - {name: a, kind: last}\n", ""},
		{"unknown key", head + "runnres: []\n", `unknown key "runnres"`},
		{"no name", "test: t.arrow\nrunners: [{name: a, kind: last}]\n", `key "name": missing`},
		{"no test", "name: s\nrunners: [{name: a, kind: last}]\n", `key "test": missing`},
		{"no runners", head, "no runners"},
		{"empty", "", "empty suite"},
		{"comments only", "# nothing yet\n", "empty suite"},
		{"runner without kind", head + "runners:\n  - {name: a}\n", `runner "a" (line 4): no kind`},
		{"bad runner name", head + "runners:\n  - {name: a/b, kind: last}\n", "a name is letters"},
		{"name used twice", head + "runners:\n  - {name: a, kind: last}\n  - {name: a, kind: mostpop}\n", `runner "a" (line 5): name used twice`},
		{"related out of range", head + "metrics: {related: 21}\nrunners: [{name: a, kind: last}]\n", "metrics.related 21"},
		{"runner not a mapping", head + "runners:\n  - last\n", "a runner is a mapping"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseSuite([]byte(tc.yaml))
			if tc.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				if s.Seed != 1 || s.Metrics != DefaultSuiteMetrics {
					t.Errorf("defaults not filled in: seed %d, metrics %+v", s.Seed, s.Metrics)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err = %v, want one with %q", err, tc.err)
			}
		})
	}
}

func TestRunnerSettings(t *testing.T) {
	t.Setenv("OCCBENCH_TEST_ORDER", "2")
	s, err := ParseSuite([]byte("name: s\ntest: t.arrow\nrunners:\n  - {name: m, kind: markov, display: Markov-2, order: '${OCCBENCH_TEST_ORDER}'}\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := &s.Runners[0]
	var v struct {
		Order int `yaml:"order"`
	}
	if err := r.DecodeSettings(&v); err != nil || v.Order != 2 || r.Display != "Markov-2" {
		t.Fatalf("order %d, display %q, err %v", v.Order, r.Display, err)
	}
	var strict struct{}
	if err := r.DecodeSettings(&strict); err == nil || !strings.Contains(err.Error(), `runner "m" (line 4)`) {
		t.Errorf("a setting the kind lacks: %v", err)
	}
}

func TestLoadSuiteResolvesPaths(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "suite.yaml")
	if err := os.WriteFile(path, []byte("name: s\ntrain: data/train.arrow\ntest: /abs/test.arrow\nout: runs/s\nrunners: [{name: r, kind: replay, file: out.jsonl}]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := LoadSuite(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Train != filepath.Join(dir, "data/train.arrow") || s.Test != "/abs/test.arrow" || s.Out != filepath.Join(dir, "runs/s") {
		t.Errorf("paths: %q %q %q", s.Train, s.Test, s.Out)
	}
	if got := s.Runners[0].Path("out.jsonl"); got != filepath.Join(dir, "out.jsonl") {
		t.Errorf("runner path %q", got)
	}
}

func FuzzParseSuite(f *testing.F) {
	f.Add([]byte("name: s\ntest: t.arrow\nrunners:\n  - {name: a, kind: last, order: 2}\n"))
	f.Add([]byte("runners: [[1]]\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseSuite(b)
		if err != nil {
			return
		}
		if s.Name == "" || s.Test == "" || len(s.Runners) == 0 {
			t.Fatalf("accepted an incomplete suite: %+v", s)
		}
		for i := range s.Runners {
			if !runnerName.MatchString(s.Runners[i].Name) || s.Runners[i].Kind == "" {
				t.Fatalf("accepted runner %+v", s.Runners[i])
			}
		}
	})
}

// Settings errors name the key as written and its line, and no Go type.
func TestSettingsErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.yaml")
	fixture.Write(t, path, "name: s\ntest: t.arrow\nrunners:\n  - name: m\n    kind: markov\n    order: two\n    reasoner: {modle: x}\n    ordr: 2\n")
	s, err := LoadSuite(path)
	if err != nil {
		t.Fatal(err)
	}
	r := &s.Runners[0]
	var v struct {
		Order    int `yaml:"order"`
		Reasoner struct {
			Model string `yaml:"model"`
		} `yaml:"reasoner"`
	}
	err = r.DecodeSettings(&v)
	want := path + `:4: runner "m": the value ` + "`two` " + `(a YAML str) where a whole number is wanted; unknown setting "reasoner.modle" on line 7; unknown setting "ordr" on line 8`
	if err == nil || err.Error() != want {
		t.Errorf("err  %v\nwant %s", err, want)
	}
	var rs struct {
		Model string `yaml:"model"`
	}
	if err := r.DecodeSetting("reasoner", &rs); err == nil || !strings.Contains(err.Error(), `unknown setting "reasoner.modle" on line 7`) {
		t.Errorf("reasoner: %v", err)
	}
	if err := r.UnknownSetting("ordr"); err.Error() != path+`:4: runner "m": unknown setting "ordr" on line 8` {
		t.Errorf("UnknownSetting: %v", err)
	}
}
