package synth

import (
	"context"
	"encoding/json"
	"fmt"
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
	JobRecords int // history jobs and targets
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
// ceiling.json. The three files are written under a temporary directory in
// dir and renamed into place only when all are complete.
func Write(ctx context.Context, dir string, cfg Config) (*Result, error) {
	g, train, test, err := Generate(ctx, cfg)
	if err != nil {
		return nil, err
	}
	cfg = g.Config()
	ceil := Compute(g.w.tax, train, test, cfg.Seed)
	ceil.Seed, ceil.Version = cfg.Seed, Version

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

	meta, err := metadata(cfg)
	if err != nil {
		return nil, err
	}
	res := &Result{Dir: dir, TrainUsers: len(train), TestUsers: len(test), Ceiling: ceil}
	for _, f := range []struct {
		name, split string
		users       []*User
	}{{TrainFile, "train", train}, {TestFile, "test", test}} {
		meta[bench.MetaSplit] = f.split
		if err := writeUsers(filepath.Join(tmp, f.name), f.users, meta, res); err != nil {
			return nil, err
		}
	}
	if err := safefile.WriteJSON(filepath.Join(tmp, CeilingFile), ceil); err != nil {
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
	return map[string]string{
		MetaVersion:   Version,
		MetaSeed:      strconv.FormatUint(cfg.Seed, 10),
		MetaUsers:     strconv.Itoa(cfg.Users),
		MetaTestUsers: strconv.Itoa(cfg.TestUsers),
		MetaConfig:    string(js),
	}, nil
}

func writeUsers(path string, us []*User, meta map[string]string, res *Result) (err error) {
	w, err := bench.Create(path, meta)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			w.Abort()
		}
	}()
	for _, u := range us {
		if err := w.Write(&u.Example); err != nil {
			return err
		}
		res.JobRecords++ // the target
		for _, r := range u.History {
			if r.IsJob() {
				res.JobRecords++
			} else {
				res.EduRecords++
			}
		}
	}
	return w.Close()
}
