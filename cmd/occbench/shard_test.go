package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/internal/fixture"
	"github.com/occbench/occbench/rundir"
)

// shardSuite writes a suite over smallData: repeat-last, Markov-2, a small
// SASRec trained on the test histories too (transductive, the default),
// and a replayed model's outputs.
func shardSuite(t *testing.T, withSASRec bool) (dir, suite string, test []*bench.Example) {
	t.Helper()
	dir, _, test = smallDataWithReplay(t)
	runners := "  - {name: last, kind: last}\n  - {name: markov2, kind: markov, order: 2}\n"
	if withSASRec {
		runners += "  - {name: sas, kind: sasrec, hidden: 8, heads: 1, blocks: 1, inner: 8, train: {epochs: 2, patience: 0}}\n"
	}
	runners += "  - {name: replayed, kind: replay, file: replay.jsonl}\n"
	suite = filepath.Join(dir, "suite.yaml")
	fixture.Write(t, suite, "name: shards\ntrain: data/train.arrow\ntest: data/test.arrow\nout: run\nmetrics: {bootstrap: 200}\nrunners:\n"+runners)
	return dir, suite, test
}

// runShards runs the n shards of the suite at once, as the tasks of an
// array job would, sharing one models directory; it returns their
// directories in shard order.
func runShards(t *testing.T, dir, suite string, n int, args ...string) []string {
	t.Helper()
	dirs := make([]string, n)
	errs := make([]error, n)
	logs := make([]bytes.Buffer, n)
	var wg sync.WaitGroup
	for k := range n {
		dirs[k] = filepath.Join(dir, fmt.Sprintf("shard%d", k))
		wg.Go(func() {
			a := append([]string{"run", "--suite", suite, "--shard", fmt.Sprintf("%d/%d", k, n), "--out", dirs[k], "--models", filepath.Join(dir, "models")}, args...)
			errs[k] = run(context.Background(), io.Discard, &logs[k], a)
		})
	}
	wg.Wait()
	for k, err := range errs {
		if err != nil {
			t.Fatalf("shard %d/%d: %v\n%s", k, n, err, logs[k].String())
		}
	}
	return dirs
}

// latencies are the fields that measure time, which legitimately differ
// between two runs of the same predictions.
var latencies = regexp.MustCompile(`"latency_ms(_mean)?": ?[^,\n}]*`)

// The check: a suite split into 3 shards, run at once and merged,
// gives the scores.json of the unsharded run byte for byte, apart from
// the mean latency: n, EM, strict EM, RM, HR, NDCG, MRR and every
// bootstrap interval of every runner. The predictions are the unsharded
// run's, in test-set order; the model is trained once; the report of the
// merged run prints the unsharded run's Table 2.
func TestShardsMergeToTheUnshardedRun(t *testing.T) {
	dir, suite, test := shardSuite(t, true)
	for _, tc := range []struct {
		name  string
		args  []string
		users int
	}{
		{"every test user", nil, len(test)},
		{"--limit 60", []string{"--limit", "60"}, 60},
	} {
		t.Run(tc.name, func(t *testing.T) {
			work := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_"))
			full := filepath.Join(work, "full")
			printed, stderr, err := runCLI(t, append([]string{"run", "--suite", suite, "--out", full}, tc.args...)...)
			if err != nil {
				t.Fatalf("unsharded run: %v\n%s", err, stderr)
			}
			shards := runShards(t, work, suite, 3, tc.args...)
			merged := filepath.Join(work, "merged")
			// A merge killed earlier left its temporary directory.
			fixture.Write(t, filepath.Join(work, ".merged.merge-1", rundir.LockFile), "1\n")
			stdout, stderr, err := runCLI(t, append([]string{"merge", "-o", merged}, shards...)...)
			if err != nil {
				t.Fatalf("merge: %v\n%s", err, stderr)
			}
			if want := strings.Replace(printed, full, merged, 1); stdout != want {
				t.Errorf("merge prints other scores than the unsharded run:\n%s", lineDiff(want, stdout))
			}
			if _, err := os.Stat(filepath.Join(work, ".merged.merge-1")); !os.IsNotExist(err) {
				t.Errorf("the killed merge's temporary directory is still there (%v)", err)
			}

			want, got := readBlanked(t, full, rundir.ScoresFile), readBlanked(t, merged, rundir.ScoresFile)
			if got != want {
				t.Errorf("merged scores.json differs from the unsharded run's:\n%s", lineDiff(want, got))
			}
			for _, name := range []string{"last", "markov2", "sas", "replayed"} {
				checkMergedPredictions(t, full, merged, name, tc.users)
			}
			checkTrainedOnce(t, shards, "sas")
			checkMergedManifest(t, merged, shards, tc.users)

			// The merged run reports like the unsharded one.
			report := func(run string) string {
				out, stderr, err := runCLI(t, "report", run, "--no-pdf", "--no-viewer")
				if err != nil {
					t.Fatalf("report %s: %v\n%s", run, err, stderr)
				}
				return out
			}
			if want, got := report(full), report(merged); got != want {
				t.Errorf("the merged run's Table 2 differs:\n%s", lineDiff(want, got))
			}
		})
	}
}

// readBlanked reads a file of a run with its latencies blanked.
func readBlanked(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return latencies.ReplaceAllString(string(b), `"latency_ms":-`)
}

// checkMergedPredictions checks that a runner's merged records are the
// unsharded run's, one per user, in test-set order.
func checkMergedPredictions(t *testing.T, full, merged, name string, users int) {
	t.Helper()
	want, err := rundir.ReadPredictions(rundir.PredictionsPath(full, name))
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	err = rundir.EachPrediction(rundir.PredictionsPath(merged, name), func(p *rundir.Prediction) error {
		w := want[p.UserID]
		p.LatencyMS, w.LatencyMS = 0, 0
		a, _ := json.Marshal(p)
		b, _ := json.Marshal(w)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: user %s: merged %s\nunsharded %s", name, p.UserID, a, b)
		}
		i++
		return nil
	})
	if err != nil || i != users || len(want) != users {
		t.Errorf("%s: %d merged records, %d unsharded, want %d (%v)", name, i, len(want), users, err)
	}
	var ids []string
	rundir.EachPrediction(rundir.PredictionsPath(merged, name), func(p *rundir.Prediction) error {
		ids = append(ids, p.UserID)
		return nil
	})
	for j := 1; j < len(ids); j++ {
		if ids[j-1] >= ids[j] { // smallData's ids ascend in the test set
			t.Errorf("%s: merged records are not in test-set order: %s before %s", name, ids[j-1], ids[j])
			break
		}
	}
}

// checkTrainedOnce checks that one shard trained the runner's model and
// the others loaded that file.
func checkTrainedOnce(t *testing.T, shards []string, name string) {
	t.Helper()
	trained, files := 0, map[string]bool{}
	for _, dir := range shards {
		m, err := rundir.ReadManifest(filepath.Join(dir, rundir.ManifestFile))
		if err != nil {
			t.Fatal(err)
		}
		info := m.Runners[name].Info
		if info["reused"] != true {
			trained++
		}
		files[fmt.Sprint(info["model_file"])] = true
	}
	if trained != 1 || len(files) != 1 {
		t.Errorf("%s: %d shards trained, using %d model files; want one trained, one file", name, trained, len(files))
	}
}

// checkMergedManifest checks what the merged manifest says about the run.
func checkMergedManifest(t *testing.T, merged string, shards []string, users int) {
	t.Helper()
	m, err := rundir.ReadManifest(filepath.Join(merged, rundir.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	if m.Shard != nil || m.Protocol.TestUsers != users || len(m.MergedFrom) != len(shards) || m.Finished == nil || m.Runners["sas"].Info["reused"] == true {
		t.Errorf("merged manifest: shard %v, %d test users, merged from %v, finished %v, sas info %v", m.Shard, m.Protocol.TestUsers, m.MergedFrom, m.Finished, m.Runners["sas"].Info)
	}
	for _, dir := range shards {
		s, _ := rundir.ReadManifest(filepath.Join(dir, rundir.ManifestFile))
		if s.Started.Before(m.Started) || s.Finished.After(*m.Finished) {
			t.Errorf("shard %s ran %v to %v, outside the merged run's %v to %v", dir, s.Started, s.Finished, m.Started, m.Finished)
		}
	}
}

// A merge of shards that are not the whole of one run is refused before
// anything is written, saying what is wrong and where.
func TestMergeRefused(t *testing.T) {
	dir, suite, test := shardSuite(t, false)
	shards := runShards(t, dir, suite, 3)
	full := filepath.Join(dir, "full")
	if _, _, err := runCLI(t, "run", "--suite", suite, "--out", full); err != nil {
		t.Fatal(err)
	}
	var shard2 []string
	for _, ex := range test {
		if rundir.ShardOf(ex.UserID, 3) == 2 {
			shard2 = append(shard2, ex.UserID)
		}
	}
	firstRecord := func(dir string) (id, line string) {
		b, err := os.ReadFile(rundir.PredictionsPath(dir, "last"))
		if err != nil {
			t.Fatal(err)
		}
		line, _, _ = strings.Cut(string(b), "\n")
		var p rundir.Prediction
		json.Unmarshal([]byte(line), &p)
		return p.UserID, line
	}
	id0, line0 := firstRecord(shards[0])
	id2, _ := firstRecord(shards[2])
	for _, tc := range []struct {
		name   string
		dirs   []int // shards given, -1 for the unsharded run
		change func(t *testing.T, dirs []string)
		want   string
	}{
		{"a shard missing", []int{0, 1}, nil,
			fmt.Sprintf("shard 2/3 missing, so there are no predictions for %d test users: %s, %s,", len(shard2), shard2[0], shard2[1])},
		{"a shard twice", []int{0, 1, 1, 2}, nil, "are both shard 1/3: give each shard once"},
		{"a user in two shards", []int{0, 1, 2}, func(t *testing.T, d []string) {
			fixture.Append(t, rundir.PredictionsPath(d[1], "last"), line0+"\n")
		}, fmt.Sprintf("runner last: records in more than one shard for 1 test user: %s (shards 0/3 and 1/3): together the shards must record every test user exactly once", id0)},
		{"a user in no shard", []int{0, 1, 2}, func(t *testing.T, d []string) {
			b, _ := os.ReadFile(rundir.PredictionsPath(d[2], "last"))
			_, rest, _ := bytes.Cut(b, []byte("\n"))
			fixture.Write(t, rundir.PredictionsPath(d[2], "last"), string(rest))
		}, fmt.Sprintf("runner last: no record in any shard for 1 test user: %s", id2)},
		{"other settings", []int{0, 1, 2}, editManifest(1, func(m *rundir.Manifest) {
			m.Runners["markov2"].Settings.(map[string]any)["order"] = 1
		}), `runner markov2 settings: "order" is 1 in SHARD1, 2 in SHARD0`},
		{"other models", []int{0, 1, 2}, func(t *testing.T, d []string) {
			for i, key := range []string{"aaaa", "bbbb"} {
				editManifest(i, func(m *rundir.Manifest) {
					m.Runners["last"].Info = map[string]any{"model_file": "/models/last-" + key + ".model"}
				})(t, d)
			}
		}, "runner last predicted with model last-bbbb.model in SHARD1, last-aaaa.model in SHARD0: they were trained on other data or settings"},
		{"another seed", []int{0, 1, 2}, editManifest(1, func(m *rundir.Manifest) { m.Seed = 7 }), "seed 7 in SHARD1, 1 in SHARD0"},
		{"another test set", []int{0, 1, 2}, editManifest(1, func(m *rundir.Manifest) {
			ds := m.Datasets["test"]
			ds.SHA256 = strings.Repeat("0", 64)
			m.Datasets["test"] = ds
		}), "the shards are not of one run: test set digest 0000"},
		{"another split", []int{0, 1, 2}, editManifest(1, func(m *rundir.Manifest) { m.Shard.N = 4 }), "number of shards N 4 in SHARD1, 3 in SHARD0"},
		{"another --limit", []int{0, 1, 2}, editManifest(1, func(m *rundir.Manifest) { m.Limit = 50 }), "--limit 50 in SHARD1, 0 in SHARD0"},
		{"an unfinished shard", []int{0, 1, 2}, editManifest(1, func(m *rundir.Manifest) { m.Finished = nil }), "SHARD1: shard 1/3 has not finished: occbench run --resume SHARD1 completes it"},
		{"not a shard", []int{-1, 1, 2}, nil, "full: not a shard (its manifest.json has no \"shard\")"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			work := t.TempDir()
			var dirs []string
			for _, k := range tc.dirs {
				src, dst := full, filepath.Join(work, "full")
				if k >= 0 {
					src, dst = shards[k], filepath.Join(work, fmt.Sprintf("shard%d", k))
				}
				if _, err := os.Stat(dst); err != nil {
					if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
						t.Fatal(err)
					}
				}
				dirs = append(dirs, dst)
			}
			if tc.change != nil {
				tc.change(t, dirs)
			}
			out := filepath.Join(work, "merged")
			_, _, err := runCLI(t, append([]string{"merge", "-o", out}, dirs...)...)
			want := strings.NewReplacer("SHARD0", filepath.Join(work, "shard0"), "SHARD1", filepath.Join(work, "shard1")).Replace(tc.want)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("err = %v\nwant one with %q", err, want)
			}
			if left, _ := filepath.Glob(filepath.Join(work, "*merge*")); len(left) > 0 {
				t.Errorf("a refused merge left %v", left)
			}
		})
	}
	t.Run("an output that holds something", func(t *testing.T) {
		out := t.TempDir()
		fixture.Write(t, filepath.Join(out, "notes.txt"), "mine")
		_, _, err := runCLI(t, append([]string{"merge", "-o", out}, shards...)...)
		if err == nil || !strings.Contains(err.Error(), "-o "+out+": the directory is not empty") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("an empty output directory", func(t *testing.T) {
		out := t.TempDir()
		if _, _, err := runCLI(t, append([]string{"merge", "-o", out}, shards...)...); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(out, rundir.ScoresFile)); err != nil {
			t.Error(err)
		}
	})
}

// editManifest changes the manifest of the i-th directory given.
func editManifest(i int, change func(*rundir.Manifest)) func(t *testing.T, dirs []string) {
	return func(t *testing.T, dirs []string) {
		path := filepath.Join(dirs[i], rundir.ManifestFile)
		m, err := rundir.ReadManifest(path)
		if err != nil {
			t.Fatal(err)
		}
		change(m)
		if err := rundir.WriteManifest(path, m); err != nil {
			t.Fatal(err)
		}
	}
}

// --shard reads K (or N) from an environment variable named on the
// command line, and refuses a bad value before anything is written.
func TestShardFlag(t *testing.T) {
	dir, suite, test := shardSuite(t, false)
	t.Setenv("SLURM_ARRAY_TASK_ID", "2")
	t.Setenv("JOB_COMPLETION_INDEX", "1")
	t.Setenv("OCCBENCH_TEST_WORD", "one")
	os.Unsetenv("OCCBENCH_TEST_UNSET")
	for _, tc := range []struct {
		shard string
		k, n  int
		err   string
	}{
		{shard: "$SLURM_ARRAY_TASK_ID/3", k: 2, n: 3},
		{shard: "${JOB_COMPLETION_INDEX}/4", k: 1, n: 4},
		{shard: "3/3", err: "--shard 3/3: K is the shard, from 0 to N-1 (0 to 2)"},
		{shard: "-1/2", err: "--shard -1/2: K is the shard, from 0 to N-1 (0 to 1)"},
		{shard: "a/b", err: `--shard "a/b": K "a" is not a whole number (want K/N, such as 0/8, or $VAR/N)`},
		{shard: "0/0", err: "--shard 0/0: N is the number of shards, 1 or more"},
		{shard: "$OCCBENCH_TEST_UNSET/8", err: `--shard "$OCCBENCH_TEST_UNSET/8": the environment variable OCCBENCH_TEST_UNSET, which gives K, is not set`},
		{shard: "$OCCBENCH_TEST_WORD/8", err: `the environment variable OCCBENCH_TEST_WORD, which gives K, is "one", not a whole number`},
	} {
		t.Run(tc.shard, func(t *testing.T) {
			out := filepath.Join(dir, fmt.Sprint("run-", strings.NewReplacer("/", "-", "$", "", "{", "", "}", "").Replace(tc.shard)))
			stdout, _, err := runCLI(t, "run", "--suite", suite, "--shard", tc.shard, "--out", out)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err && !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				if _, err := os.Stat(out); !os.IsNotExist(err) {
					t.Errorf("a refused --shard made %s", out)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			m, err := rundir.ReadManifest(filepath.Join(out, rundir.ManifestFile))
			if err != nil {
				t.Fatal(err)
			}
			users := len(rundir.Shard{K: tc.k, N: tc.n}.Select(test))
			if m.Shard == nil || *m.Shard != (rundir.Shard{K: tc.k, N: tc.n, Users: users}) {
				t.Errorf("manifest shard %+v, want %d/%d with %d users", m.Shard, tc.k, tc.n, users)
			}
			if want := fmt.Sprintf("shard %d/%d: %d of %d test users;", tc.k, tc.n, users, len(test)); !strings.Contains(stdout, want) {
				t.Errorf("run prints\n%s\nwant %q", stdout, want)
			}
		})
	}
}
