package rundir

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/occbench/occbench/bench"
)

// TestSetPath finds the test set of the run in dir and checks its digest
// against the manifest's. It looks at override when given; else at the
// manifest's path, the path relative to the suite file (so that a run made
// from one directory reads from another), and, for manifests that stored
// it so, the path relative to dir.
func TestSetPath(dir string, man *Manifest, override string) (string, error) {
	ds, ok := man.Datasets["test"]
	if !ok {
		return "", fmt.Errorf("%s: the manifest names no test set", filepath.Join(dir, ManifestFile))
	}
	cands := []string{override}
	if override == "" {
		cands = []string{ds.Path}
		if ds.SuiteRel != "" && man.SuiteFile != "" {
			cands = append(cands, filepath.Join(filepath.Dir(man.SuiteFile), ds.SuiteRel))
		}
		if !filepath.IsAbs(ds.Path) {
			cands = append(cands, filepath.Join(dir, ds.Path))
		}
	}
	for _, p := range cands {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		sum, err := bench.FileSHA256(p)
		if err != nil {
			return "", err
		}
		if sum != ds.SHA256 {
			return "", fmt.Errorf("test set %s has digest %.12s, but run %s was scored on %.12s", p, sum, dir, ds.SHA256)
		}
		return p, nil
	}
	return "", fmt.Errorf("run %s: its test set %s is not there (give its current path with --test)", dir, ds.Path)
}

// ReadTest reads the users of the run's test set that the run scored:
// limited and sharded as the run was.
func ReadTest(dir string, man *Manifest, override string) (path string, test []*bench.Example, err error) {
	return readTest(dir, man, override, bench.ReadAll)
}

// ReadTestTargets is ReadTest without the users' histories: enough to
// score the run, in a small part of the memory.
func ReadTestTargets(dir string, man *Manifest, override string) (path string, test []*bench.Example, err error) {
	return readTest(dir, man, override, bench.ReadTargets)
}

func readTest(dir string, man *Manifest, override string, read func(string) ([]*bench.Example, map[string]string, error)) (path string, test []*bench.Example, err error) {
	if path, err = TestSetPath(dir, man, override); err != nil {
		return "", nil, err
	}
	if test, _, err = read(path); err != nil {
		return "", nil, err
	}
	return path, man.Users(test), nil
}

// Stale says why the scores.json of the run in dir cannot be trusted: it
// is missing, or a predictions file was written after it. It is "" when
// the scores are current.
func Stale(dir string) (string, error) {
	st, err := os.Stat(filepath.Join(dir, ScoresFile))
	if errors.Is(err, os.ErrNotExist) {
		return ScoresFile + " is missing", nil
	}
	if err != nil {
		return "", err
	}
	files, err := filepath.Glob(filepath.Join(dir, PredDir, "*.jsonl"))
	if err != nil {
		return "", err
	}
	for _, f := range files {
		pst, err := os.Stat(f)
		if err != nil {
			return "", err
		}
		if pst.ModTime().After(st.ModTime()) {
			return fmt.Sprintf("%s was written after %s", filepath.Join(PredDir, filepath.Base(f)), ScoresFile), nil
		}
	}
	return "", nil
}

// Rescore scores the run in dir again from its prediction records, with
// the protocol and seed of its manifest: every runner the manifest names
// that has a predictions file, in the order of the run's selection.
func Rescore(dir string, man *Manifest, test []*bench.Example) (*Scores, error) {
	names := slices.Clone(man.Selected)
	for _, name := range slices.Sorted(maps.Keys(man.Runners)) {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	names = slices.DeleteFunc(names, func(n string) bool {
		_, err := os.Stat(PredictionsPath(dir, n))
		return err != nil
	})
	o := ScoreOptions{Related: man.Protocol.Related, Bootstrap: man.Protocol.Bootstrap, Seed: man.Seed, Horizon: man.Protocol.Horizon}
	s, err := ScoreRun(dir, test, names, o)
	if err != nil {
		return nil, err
	}
	s.Skipped = man.Skipped
	return s, nil
}

// CutLine says whether a predictions file ends in a line cut short (a
// process killed mid-write), which readers skip.
func CutLine(path string) (bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return false, err
	}
	var last [1]byte
	if _, err := f.ReadAt(last[:], st.Size()-1); err != nil {
		return false, err
	}
	if last[0] == '\n' {
		return false, nil
	}
	// A last line without its newline is only cut when it does not decode.
	tail := make([]byte, min(st.Size(), 1<<20))
	if _, err := f.ReadAt(tail, st.Size()-int64(len(tail))); err != nil {
		return false, err
	}
	line := tail[strings.LastIndexByte(string(tail), '\n')+1:]
	var p Prediction
	return json.Unmarshal(line, &p) != nil, nil
}
