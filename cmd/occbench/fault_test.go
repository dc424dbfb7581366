package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/occbench/occbench/internal/fixture"
	"github.com/occbench/occbench/llm/llmtest"
)

// TestMain lets the test binary act as occbench in a child process, which
// the kill tests SIGKILL: with OCCBENCH_TEST_MAIN set, the arguments after
// "--" are occbench's.
func TestMain(m *testing.M) {
	if os.Getenv("OCCBENCH_TEST_MAIN") != "" {
		i := slices.Index(os.Args, "--")
		os.Args = append([]string{"occbench"}, os.Args[i+1:]...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// occbenchChild is a child process running occbench with args in dir.
func occbenchChild(dir string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "OCCBENCH_TEST_MAIN=1")
	return cmd
}

// faultScenario is a command killed with SIGKILL at seeded moments, each
// time followed by the command that completes its work; the files it
// names must then hold the bytes an uninterrupted run writes.
type faultScenario struct {
	name   string
	setup  func(t *testing.T, dir string) // data the commands read
	start  []string                       // the command that is killed
	finish func(dir string) []string      // the command run after the kill
	files  []string                       // compared with an uninterrupted run
}

// again finishes by running the same command again.
func again(args ...string) func(string) []string {
	return func(string) []string { return args }
}

// timings are matched out of compared files: they are measured.
var timings = regexp.MustCompile(`"(latency_ms(_mean)?|seconds|train_seconds|prepare_seconds|started|finished)":\s*[^,\n}]+`)

// TestKilledAndFinished is the fault suite: synth, import, run, report,
// oracle and judge, each SIGKILLed at four seeded moments of its run, then
// rerun or resumed, must end with the same bytes as a run never killed.
func TestKilledAndFinished(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: child processes")
	}
	srv := llmtest.New(t, llmtest.MixedFaults(false))
	srv.Set(func(f *llmtest.Server) { f.Latency = 2 * time.Millisecond })
	model := []string{"--endpoint", srv.URL(), "--model", "m", "--max-retries", "8"}
	judge := llmtest.NewScripted(t, "^$", func(prompt string, _ int) (string, int) {
		time.Sleep(2 * time.Millisecond)
		for _, dim := range []string{"factuality", "coherence", "utility"} {
			if strings.Contains(prompt, strings.ToUpper(dim)) {
				return fmt.Sprintf(`{"%s_score": %d, "%s_justification": "fine"}`, dim, 3+len(prompt)%3, dim), 0
			}
		}
		return "?", 0
	})
	data := func(t *testing.T, dir string) {
		if _, _, err := runCLI(t, "synth", "--users", "1200", "--test-users", "200", "-o", filepath.Join(dir, "data")); err != nil {
			t.Fatal(err)
		}
		fixture.Write(t, filepath.Join(dir, "suite.yaml"), "name: f\ntrain: data/train.arrow\ntest: data/test.arrow\nout: run\nmetrics: {bootstrap: 100}\n"+
			"runners:\n  - {name: last, kind: last}\n  - {name: markov2, kind: markov, order: 2}\n  - {name: bayes, kind: bayes}\n")
	}
	withRun := func(t *testing.T, dir string) {
		data(t, dir)
		if _, _, err := runCLI(t, "run", "--suite", filepath.Join(dir, "suite.yaml")); err != nil {
			t.Fatal(err)
		}
	}
	withOracle := func(t *testing.T, dir string) {
		data(t, dir)
		args := append([]string{"oracle", "--train", filepath.Join(dir, "data", "test.arrow"), "-o", filepath.Join(dir, "oracle.arrow"), "--limit", "40"}, model...)
		if _, _, err := runCLI(t, args...); err != nil {
			t.Fatal(err)
		}
	}
	for _, sc := range []faultScenario{
		{
			name:   "synth",
			start:  []string{"synth", "--users", "6000", "--test-users", "500", "-o", "data"},
			finish: again("synth", "--users", "6000", "--test-users", "500", "-o", "data"),
			files:  []string{"data/train.arrow", "data/test.arrow", "data/ceiling.json"},
		},
		{
			name:   "import",
			start:  []string{"import", "--format", "csv", "testdata/import/careers.csv", "-o", "careers", "--test-users", "3"},
			finish: again("import", "--format", "csv", "testdata/import/careers.csv", "-o", "careers", "--test-users", "3"),
			files:  []string{"careers/train.arrow", "careers/test.arrow"},
		},
		{
			name:  "run",
			setup: data,
			start: []string{"run", "--suite", "suite.yaml"},
			// Resume what was started; a run killed before its manifest was
			// written is simply run again.
			finish: func(dir string) []string {
				if _, err := os.Stat(filepath.Join(dir, "run", "manifest.json")); err != nil {
					return []string{"run", "--suite", "suite.yaml"}
				}
				return []string{"run", "--resume", "run"}
			},
			files: []string{"run/scores.json", "run/predictions/last.jsonl", "run/predictions/markov2.jsonl", "run/predictions/bayes.jsonl"},
		},
		{
			name:   "report",
			setup:  withRun,
			start:  []string{"report", "run"},
			finish: again("report", "run"),
			files:  []string{"run/report/tables.txt", "run/report/tables.md", "run/report/tables.csv", "run/report/tables.tex", "run/report/report.pdf"},
		},
		{
			name:   "oracle",
			setup:  data,
			start:  append([]string{"oracle", "--train", "data/test.arrow", "-o", "oracle.arrow", "--limit", "40"}, model...),
			finish: again(append([]string{"oracle", "--train", "data/test.arrow", "-o", "oracle.arrow", "--limit", "40"}, model...)...),
			files:  []string{"oracle.arrow", "oracle-run/oracle.json"},
		},
		{
			name:   "judge",
			setup:  withOracle,
			start:  []string{"judge", "--reasons", "oracle.arrow", "-o", "judge.jsonl", "--endpoint", judge.URL(), "--model", "j"},
			finish: again("judge", "--reasons", "oracle.arrow", "-o", "judge.jsonl", "--endpoint", judge.URL(), "--model", "j"),
			files:  []string{"judge.summary.json"},
		},
	} {
		t.Run(sc.name, func(t *testing.T) {
			// Every trial starts from a copy of the same inputs, so that
			// measured values in them (a run's latencies) agree.
			template := t.TempDir()
			prepare(t, sc, template)
			clean := t.TempDir()
			copyTree(t, template, clean)
			began := time.Now()
			if out, err := occbenchChild(clean, sc.start...).CombinedOutput(); err != nil {
				t.Fatalf("uninterrupted: %v\n%s", err, out)
			}
			took := time.Since(began)
			want := readFiles(t, clean, sc.files)
			rng := rand.New(rand.NewPCG(uint64(len(sc.name)), 7))
			for k := range 4 {
				dir := t.TempDir()
				copyTree(t, template, dir)
				at := time.Duration(rng.Float64() * float64(took))
				child := occbenchChild(dir, sc.start...)
				if err := child.Start(); err != nil {
					t.Fatal(err)
				}
				time.Sleep(at)
				child.Process.Kill()
				child.Wait()
				if out, err := occbenchChild(dir, sc.finish(dir)...).CombinedOutput(); err != nil {
					t.Fatalf("kill %d at %v: finishing: %v\n%s", k, at, err, out)
				}
				got := readFiles(t, dir, sc.files)
				for _, f := range sc.files {
					if !bytes.Equal(got[f], want[f]) {
						t.Errorf("kill %d at %v of %v: %s differs from an uninterrupted run", k, at.Round(time.Millisecond), took.Round(time.Millisecond), f)
					}
				}
				if left := tempLeft(t, dir); len(left) > 0 {
					t.Errorf("kill %d: temporary files left: %v", k, left)
				}
			}
		})
	}
}

func prepare(t *testing.T, sc faultScenario, dir string) {
	t.Helper()
	if err := os.Symlink(mustAbs(t, "../../testdata"), filepath.Join(dir, "testdata")); err != nil {
		t.Fatal(err)
	}
	if sc.setup != nil {
		sc.setup(t, dir)
	}
}

// readFiles reads the named files with their measured times taken out and
// the directory's own path made relative.
func readFiles(t *testing.T, dir string, names []string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if filepath.Ext(name) != ".pdf" && filepath.Ext(name) != ".arrow" {
			b = timings.ReplaceAll(b, []byte(`"$1": T`))
			b = bytes.ReplaceAll(b, []byte(dir), []byte("DIR"))
		}
		out[name] = b
	}
	return out
}

// tempLeft lists the temporary files of atomic writes left in dir.
func tempLeft(t *testing.T, dir string) []string {
	var left []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && (strings.Contains(d.Name(), ".tmp-") || strings.HasPrefix(d.Name(), ".synth-")) {
			left = append(left, path)
		}
		return nil
	})
	return left
}

// copyTree copies the files below src to dst with their modification
// times, and the links as links.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		to := filepath.Join(dst, rel)
		switch {
		case d.Type()&os.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(link, to)
		case d.IsDir():
			return os.MkdirAll(to, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := os.WriteFile(to, b, 0o644); err != nil {
			return err
		}
		st, err := d.Info()
		if err != nil {
			return err
		}
		return os.Chtimes(to, st.ModTime(), st.ModTime())
	})
	if err != nil {
		t.Fatal(err)
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
