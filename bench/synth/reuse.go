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
		s, err := summarize(filepath.Join(dir, name), want)
		if err != nil {
			return nil, err
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

// summarize checks a data set file's generator metadata against want
// before reading it, then counts its users and records in the same pass.
func summarize(path string, want map[string]string) (bench.Summary, error) {
	r, err := bench.Open(path)
	if err != nil {
		return bench.Summary{}, err
	}
	defer r.Close()
	meta := r.Metadata()
	for _, k := range []string{MetaVersion, MetaConfig} {
		if meta[k] != want[k] {
			return bench.Summary{}, fmt.Errorf("%s: %s is %q, want %q: %w", path, k, meta[k], want[k], ErrStale)
		}
	}
	z := bench.NewSummarizer()
	for r.Scan() {
		z.Add(r.Example())
	}
	return z.Summary(0), r.Err()
}
