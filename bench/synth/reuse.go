package synth

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/occbench/occbench/bench"
)

// ErrStale says a directory holds a synthetic data set made with other
// settings or by another generator version.
var ErrStale = errors.New("synth: the data set was made with other settings")

// Existing returns the data set that Write(dir, cfg) would produce when dir
// already holds it complete — same generator version and the same config
// — so callers can reuse it instead of generating again. It returns an
// error wrapping os.ErrNotExist when a file is missing and ErrStale when
// the settings differ.
func Existing(dir string, cfg Config) (*Result, error) {
	g, err := New(cfg)
	if err != nil {
		return nil, err
	}
	want, err := metadata(g.Config())
	if err != nil {
		return nil, err
	}
	var ceil Ceiling
	b, err := os.ReadFile(filepath.Join(dir, CeilingFile))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &ceil); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, CeilingFile), err)
	}
	res := &Result{Dir: dir, Ceiling: ceil}
	for _, name := range []string{TrainFile, TestFile} {
		s, err := bench.Inspect(filepath.Join(dir, name), 0)
		if err != nil {
			return nil, err
		}
		r, err := bench.Open(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		meta := r.Metadata()
		r.Close()
		for _, k := range []string{MetaVersion, MetaConfig} {
			if meta[k] != want[k] {
				return nil, fmt.Errorf("%s: %s is %q, want %q: %w", filepath.Join(dir, name), k, meta[k], want[k], ErrStale)
			}
		}
		if name == TrainFile {
			res.TrainUsers = s.Users
		} else {
			res.TestUsers = s.Users
		}
		res.JobRecords += s.JobRecords
		res.EduRecords += s.EduRecords
	}
	return res, nil
}
