package synth

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strconv"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/internal/dirlock"
	"github.com/occbench/occbench/internal/safefile"
)

// Metadata keys of the synthetic data sets, beside bench's own.
const (
	MetaVersion   = "occbench.synth.version"
	MetaSeed      = "occbench.synth.seed"
	MetaUsers     = "occbench.synth.users"
	MetaTestUsers = "occbench.synth.test_users"
	MetaConfig    = "occbench.synth.config" // the Config as JSON
)

// File names inside the output directory.
const (
	TrainFile   = "train.arrow"
	TestFile    = "test.arrow"
	CeilingFile = "ceiling.json"
)

// Result describes a generated data set.
type Result struct {
	Dir        string
	TrainUsers int
	TestUsers  int
	JobRecords int // history jobs and targets (target paths)
	EduRecords int
	Ceiling    Ceiling
}

// Generate draws cfg's users: the first Users−TestUsers are the train set,
// the rest the test set.
func Generate(ctx context.Context, cfg Config) (g *Generator, train, test []*User, err error) {
	g, err = New(cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	us, err := g.Users(ctx, 0, cfg.Users)
	if err != nil {
		return nil, nil, nil, err
	}
	n := cfg.Users - cfg.TestUsers
	return g, us[:n], us[n:], nil
}

// LockFile keeps a data set directory to one synth at a time.
const LockFile = ".synth.lock"

// Write generates cfg's data set into dir: train.arrow, test.arrow and
// ceiling.json. Users stream from the generator into the two files and the
// ceiling's tally a batch at a time, so memory does not grow with their
// number. The three files are written under a temporary directory in dir
// and renamed into place only when all are complete.
func Write(ctx context.Context, dir string, cfg Config) (*Result, error) {
	g, err := New(cfg)
	if err != nil {
		return nil, err
	}
	cfg = g.Config()
	meta, err := metadata(cfg)
	if err != nil {
		return nil, err
	}

	unlock, err := dirlock.Lock(dir, LockFile)
	if err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	defer unlock()
	// What a synth killed in this directory left half-written.
	if err := dirlock.RemoveTemp(dir, ".synth-"); err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, ".synth-")
	if err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	defer os.RemoveAll(tmp)

	res := &Result{Dir: dir, TrainUsers: cfg.Users - cfg.TestUsers, TestUsers: cfg.TestUsers}
	if res.Ceiling, err = writeUsers(ctx, g, tmp, meta, res); err != nil {
		return nil, err
	}
	if err := safefile.WriteJSON(filepath.Join(tmp, CeilingFile), res.Ceiling); err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	for _, name := range []string{TrainFile, TestFile, CeilingFile} {
		if err := os.Rename(filepath.Join(tmp, name), filepath.Join(dir, name)); err != nil {
			return nil, fmt.Errorf("synth: %w", err)
		}
	}
	return res, nil
}

func metadata(cfg Config) (map[string]string, error) {
	js, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	meta := map[string]string{
		MetaVersion:   Version,
		MetaSeed:      strconv.FormatUint(cfg.Seed, 10),
		MetaUsers:     strconv.Itoa(cfg.Users),
		MetaTestUsers: strconv.Itoa(cfg.TestUsers),
		MetaConfig:    string(js),
	}
	if k := cfg.horizon(); k > 1 {
		meta[bench.MetaHorizon] = strconv.Itoa(k)
	}
	return meta, nil
}

// writeUsers draws every user into dir's train and test files, counting
// records into res, and returns the ceiling.
func writeUsers(ctx context.Context, g *Generator, dir string, meta map[string]string, res *Result) (Ceiling, error) {
	var ws [2]*bench.Writer // train, test
	for i, f := range []struct{ name, split string }{{TrainFile, "train"}, {TestFile, "test"}} {
		m := maps.Clone(meta)
		m[bench.MetaSplit] = f.split
		w, err := bench.Create(filepath.Join(dir, f.name), m)
		if err != nil {
			return Ceiling{}, err
		}
		defer w.Abort()
		ws[i] = w
	}
	t := newTally(g.w.tax, g.cfg.Seed)
	err := g.Each(ctx, 0, g.cfg.Users, func(i int, u *User) error {
		w := ws[0]
		if i < res.TrainUsers {
			t.addTrain(u)
		} else {
			w = ws[1]
			t.addTest(u)
		}
		res.JobRecords += max(len(u.TargetPath), 1) // the target, or the target path
		for _, r := range u.History {
			if r.IsJob() {
				res.JobRecords++
			} else {
				res.EduRecords++
			}
		}
		return w.Write(&u.Example)
	})
	if err != nil {
		return Ceiling{}, err
	}
	for _, w := range ws {
		if err := w.Close(); err != nil {
			return Ceiling{}, err
		}
	}
	c := t.ceiling()
	c.Seed, c.Version, c.Profile = g.cfg.Seed, Version, g.cfg.Profile
	return c, nil
}
