package runners

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/occbench/occbench/bench/synth"
	"github.com/occbench/occbench/internal/jsonl"
	"github.com/occbench/occbench/rundir"
)

// TestNeuralRunners trains a small SASRec and BERT4Rec on a small
// synthetic data set, then checks the manifest, the model files, the epoch
// logs and that a second run reuses both models and keeps the logs.
func TestNeuralRunners(t *testing.T) {
	dir := t.TempDir()
	cfg := synth.Default()
	cfg.Users, cfg.TestUsers = 400, 50
	if _, err := synth.Write(context.Background(), dir, cfg); err != nil {
		t.Fatal(err)
	}
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
