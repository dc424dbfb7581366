package runners

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/occbench/occbench/baselines"
	"github.com/occbench/occbench/bench/synth"
	"github.com/occbench/occbench/internal/jsonl"
	"github.com/occbench/occbench/rundir"
)

// TestNeuralRunners trains a small SASRec and BERT4Rec on a small
// synthetic data set, then checks the manifest, the model files, the epoch
// logs and that a second run reuses both models and keeps the logs.
func TestNeuralRunners(t *testing.T) {
	dir := smallSynth(t, 400, 50)
	out := filepath.Join(dir, "run")
	small := "hidden: 8, heads: 1, blocks: 1, inner: 8, train: {epochs: 2, patience: 0}"
	text := fmt.Sprintf("name: t\ntrain: %s\ntest: %s\nout: %s\nmetrics: {bootstrap: 50}\nrunners:\n"+
		"  - {name: s, kind: sasrec, %s}\n  - {name: b, kind: bert4rec, %s}\n",
		filepath.Join(dir, "train.arrow"), filepath.Join(dir, "test.arrow"), out, small, small)
	run := func() (*rundir.Manifest, *rundir.Scores) {
		t.Helper()
		s, err := rundir.ParseSuite([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		scores, err := Run(context.Background(), s, Options{Fresh: true, Stderr: io.Discard})
		if err != nil {
			t.Fatal(err)
		}
		m, err := rundir.ReadManifest(filepath.Join(out, rundir.ManifestFile))
		if err != nil {
			t.Fatal(err)
		}
		return m, scores
	}
	m, first := run()
	for _, name := range []string{"s", "b"} {
		info := m.Runners[name].Info
		if _, err := os.Stat(fmt.Sprint(info["model_file"])); err != nil || info["epochs"] != float64(2) {
			t.Errorf("%s: info %v: %v", name, info, err)
		}
		if l := epochLines(t, filepath.Join(out, "training", name+".jsonl")); l != 2 {
			t.Errorf("%s: %d epochs logged, want 2", name, l)
		}
	}

	m, second := run()
	for _, name := range []string{"s", "b"} {
		if m.Runners[name].Info["reused"] != true {
			t.Errorf("%s: model not reused: %v", name, m.Runners[name].Info)
		}
		if first.Runners[name].EM != second.Runners[name].EM {
			t.Errorf("%s: the reused model scores %v, the trained one %v", name, second.Runners[name].EM, first.Runners[name].EM)
		}
		if l := epochLines(t, filepath.Join(out, "training", name+".jsonl")); l != 2 {
			t.Errorf("%s: a run that trained nothing left %d epochs in the log, want 2", name, l)
		}
	}
}

// smallSynth writes a synthetic data set into a new directory: users
// careers, tests of them in the test set.
func smallSynth(t *testing.T, users, tests int) string {
	t.Helper()
	dir := t.TempDir()
	cfg := synth.Default()
	cfg.Users, cfg.TestUsers = users, tests
	if _, err := synth.Write(context.Background(), dir, cfg); err != nil {
		t.Fatal(err)
	}
	return dir
}

// epochLines checks each line of an epoch log and counts them.
func epochLines(t *testing.T, path string) int {
	t.Helper()
	n := 0
	err := jsonl.ReadFile(path, func(e *struct {
		Epoch     int      `json:"epoch"`
		ValidLoss *float64 `json:"valid_loss"`
	}) error {
		if n++; e.Epoch != n || e.ValidLoss == nil {
			return fmt.Errorf("epoch %d, valid_loss %v", e.Epoch, e.ValidLoss)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// gateWriter is a run's stderr that calls on with each write, under a
// lock: a test's window into where the run is.
type gateWriter struct {
	mu sync.Mutex
	on func(string)
}

func (w *gateWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.on(string(p))
	return len(p), nil
}

// Two shards that share a models directory and start together train the
// model once: the second waits for the first, which is held mid-training
// here, then loads its file. The model's key is the unsharded run's.
func TestShardsShareOneModel(t *testing.T) {
	dir := smallSynth(t, 400, 60)
	models := filepath.Join(dir, "models")
	text := fmt.Sprintf("name: t\ntrain: %s\ntest: %s\nmetrics: {bootstrap: 20}\nrunners:\n"+
		"  - {name: s, kind: sasrec, hidden: 8, heads: 1, blocks: 1, inner: 8, train: {epochs: 2, patience: 0}}\n",
		filepath.Join(dir, "train.arrow"), filepath.Join(dir, "test.arrow"))
	s, err := rundir.ParseSuite([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	training, waiting, release := make(chan struct{}), make(chan struct{}), make(chan struct{})
	var once [3]sync.Once
	defer once[2].Do(func() { close(release) })
	first := &gateWriter{on: func(s string) {
		if strings.HasPrefix(s, "s: epoch 1/") {
			once[0].Do(func() { close(training) })
			<-release // hold the model's lock mid-training
		}
	}}
	second := &gateWriter{on: func(s string) {
		if strings.Contains(s, "waiting for process") {
			once[1].Do(func() { close(waiting) })
		}
	}}
	errs := make([]chan error, 2)
	for k, w := range []io.Writer{first, second} {
		errs[k] = make(chan error, 1)
		if k == 1 {
			select {
			case <-training:
			case err := <-errs[0]:
				t.Fatalf("shard 0 ended (%v) before it was seen training", err)
			case <-time.After(time.Minute):
				t.Fatal("shard 0 was not seen training (its first epoch line)")
			}
		}
		go func() {
			_, err := Run(context.Background(), s, Options{Shard: &rundir.Shard{K: k, N: 2}, Out: filepath.Join(dir, fmt.Sprint("shard", k)), ModelDir: models, Stderr: w})
			errs[k] <- err
		}()
	}
	select {
	case <-waiting:
	case err := <-errs[1]:
		t.Fatalf("shard 1 finished (%v) while shard 0 was training: it did not wait for the model", err)
	case <-time.After(time.Minute):
		t.Fatal("shard 1 did not wait for the model")
	}
	once[2].Do(func() { close(release) })
	for k := range errs {
		if err := <-errs[k]; err != nil {
			t.Fatalf("shard %d: %v", k, err)
		}
	}

	entries, err := os.ReadDir(models)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".lock") {
			files = append(files, e.Name())
		}
	}
	if len(files) != 1 || !strings.HasSuffix(files[0], ".model") {
		t.Fatalf("the models directory holds %v, want one model file", files)
	}
	if _, err := loadModel(filepath.Join(models, files[0])); err != nil {
		t.Fatalf("the shared model does not load: %v", err)
	}
	for k, reused := range []bool{false, true} {
		m, err := rundir.ReadManifest(filepath.Join(dir, fmt.Sprint("shard", k), rundir.ManifestFile))
		if err != nil {
			t.Fatal(err)
		}
		if info := m.Runners["s"].Info; (info["reused"] == true) != reused || filepath.Base(fmt.Sprint(info["model_file"])) != files[0] {
			t.Errorf("shard %d: info %v, want reused %v of %s", k, info, reused, files[0])
		}
	}
	// The unsharded run, with its own models directory, trains a model
	// with the same key.
	if _, err := Run(context.Background(), s, Options{Out: filepath.Join(dir, "all")}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "all", rundir.ModelDir, files[0])); err != nil {
		t.Errorf("the unsharded run's model is not %s: %v", files[0], err)
	}
}

func TestETA(t *testing.T) {
	for _, tc := range []struct {
		e    baselines.Epoch
		want string
	}{
		{baselines.Epoch{N: 10, Of: 300, StopBy: 50, Elapsed: 10 * time.Second}, ", up to 40s more (stops at epoch 50 unless validation improves)"},
		{baselines.Epoch{N: 10, Of: 300, StopBy: 300, Elapsed: 10 * time.Second}, ", up to 4m50s more"},
		{baselines.Epoch{N: 12, Of: 300, StopBy: 12, Elapsed: time.Second}, ""},
	} {
		if got := eta(tc.e); got != tc.want {
			t.Errorf("eta(%+v) = %q, want %q", tc.e, got, tc.want)
		}
	}
}
