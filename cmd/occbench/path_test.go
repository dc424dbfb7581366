package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/occbench/occbench/rundir"
)

// TestPathRun is issue 16's check, end to end: synth --horizon 3, then a
// suite with horizon 3 over Markov-2 and SASRec. scores.json gives EM@h
// with intervals and the path measures per runner, EM@1 equals a
// single-step run of the same runner on the same users, and no model's
// EM@h is above the Bayes ceiling's interval at h.
func TestPathRun(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a network")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if _, _, err := runCLI(t, "synth", "--horizon", "3", "--users", "1500", "--test-users", "300", "-o", data); err != nil {
		t.Fatal(err)
	}
	suite := func(name string, horizon int) string {
		path := filepath.Join(dir, name+".yaml")
		body := fmt.Sprintf(`name: %s
train: data/train.arrow
test: data/test.arrow
out: %s
horizon: %d
metrics: {bootstrap: 200}
runners:
  - {name: bayes, kind: bayes}
  - {name: markov2, kind: markov, order: 2}
  - {name: markov2-greedy, kind: markov, order: 2, decoding: greedy}
  - {name: sasrec, kind: sasrec, hidden: 32, train: {epochs: 3}, samples: 30}
  - {name: sasrec-beam, kind: sasrec, hidden: 32, train: {epochs: 3}, decoding: beam, beam: 3}
`, name, name, horizon)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	if _, stderr, err := runCLI(t, "run", "--suite", suite("single", 1)); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if _, stderr, err := runCLI(t, "run", "--suite", suite("path", 3)); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	single, err := rundir.ReadScores(filepath.Join(dir, "single", "scores.json"))
	if err != nil {
		t.Fatal(err)
	}
	path, err := rundir.ReadScores(filepath.Join(dir, "path", "scores.json"))
	if err != nil {
		t.Fatal(err)
	}
	if path.Protocol.Horizon != 3 || single.Protocol.Horizon != 0 {
		t.Errorf("protocol horizons %d and %d", path.Protocol.Horizon, single.Protocol.Horizon)
	}
	bayes := path.Runners["bayes"].Horizon
	for _, name := range []string{"markov2", "markov2-greedy", "sasrec", "sasrec-beam"} {
		rs := path.Runners[name]
		if len(rs.Horizon) != 3 || rs.Path == nil {
			t.Fatalf("%s: horizon %v, path %v", name, rs.Horizon, rs.Path)
		}
		if name != "sasrec-beam" && (rs.Horizon[0].EM != single.Runners[name].EM || rs.EM != single.Runners[name].EM) {
			t.Errorf("%s: EM@1 %v, single-step EM %v", name, rs.Horizon[0].EM, single.Runners[name].EM)
		}
		for i, h := range rs.Horizon {
			if h.H != i+1 || h.N != 300 || h.EMTeacher == nil || h.EMCI[0].Float() > h.EM.Float() || h.EMCI[1].Float() < h.EM.Float() {
				t.Errorf("%s h %d: %+v", name, i+1, h)
			}
			if h.EM.Float() > bayes[i].EMCI[1].Float() {
				t.Errorf("%s: EM@%d %.3f above the Bayes ceiling's interval %v", name, i+1, h.EM.Float(), bayes[i].EMCI)
			}
		}
		if e := rs.Path.Exact.Float(); e < 0 || e > rs.Horizon[2].EM.Float() || math.IsNaN(rs.Path.Edit.Float()) {
			t.Errorf("%s: path %+v", name, *rs.Path)
		}
	}
}
