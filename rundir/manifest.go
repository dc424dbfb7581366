package rundir

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/occbench/occbench/internal/safefile"
)

// Manifest describes a run: what was run, on which data, with which
// settings, by which occbench, and when. It never holds an API key.
type Manifest struct {
	Occbench  string                     `json:"occbench"`
	GoVersion string                     `json:"go"`
	Platform  string                     `json:"platform"`
	Suite     string                     `json:"suite"`
	SuiteFile string                     `json:"suite_file,omitempty"`
	Seed      uint64                     `json:"seed"`
	Datasets  map[string]Dataset         `json:"datasets"`
	Protocol  Protocol                   `json:"protocol"`
	Runners   map[string]*RunnerManifest `json:"runners"`
	Skipped   map[string]string          `json:"skipped,omitempty"` // runner → why it did not run
	Started   time.Time                  `json:"started"`
	Finished  *time.Time                 `json:"finished,omitempty"`
	Limit     int                        `json:"limit,omitempty"`
	// Shard is the part of the test users a run made with --shard
	// predicted; occbench merge joins the shards into one run.
	Shard *Shard `json:"shard,omitempty"`
	// MergedFrom are the shards' run directories of a run made by occbench
	// merge, in shard order.
	MergedFrom []string `json:"merged_from,omitempty"`
	// Models is the directory of trained models given with --models,
	// where it is not the run's own models/; --resume uses it again.
	Models string `json:"models,omitempty"`
	// Selected are the runners the run was started with, in suite order:
	// --resume continues exactly these.
	Selected []string `json:"selected,omitempty"`
}

// Dataset identifies a data set file by content.
type Dataset struct {
	Path string `json:"path"` // absolute
	// SuiteRel is the path relative to the suite file's directory, so that
	// a run directory moved with its data still finds it.
	SuiteRel string `json:"suite_rel,omitempty"`
	SHA256   string `json:"sha256"`
	Users    int    `json:"users,omitempty"` // in the file; a --limit run scores fewer (Protocol.TestUsers)
}

// Protocol is how a run is scored; every table prints it.
type Protocol struct {
	EM        string `json:"em"`         // which EM the headline uses: "code" (em) — em_strict is reported beside it
	Related   int    `json:"related"`    // related occupations counted by RM
	Ranking   string `json:"ranking"`    // "full catalogue, history not excluded, ties to the lower code"
	Bootstrap int    `json:"bootstrap"`  // resamples of the 95% percentile intervals
	TestUsers int    `json:"test_users"` // users scored
	// Horizon is a path run's K: each user's next K jobs are scored, one
	// horizon at a time and as a path. Absent for a single-step run.
	Horizon int `json:"horizon,omitempty"`
}

// RunnerManifest records one runner's resolved settings and what it did.
type RunnerManifest struct {
	Kind     string         `json:"kind"`
	Display  string         `json:"display,omitempty"`
	Category string         `json:"category,omitempty"`
	Paper    string         `json:"paper,omitempty"`
	Settings any            `json:"settings"`
	Info     map[string]any `json:"info,omitempty"` // model file, training time, endpoint…
	Started  *time.Time     `json:"started,omitempty"`
	Finished *time.Time     `json:"finished,omitempty"`
}

// WriteManifest writes m atomically as indented JSON.
func WriteManifest(path string, m *Manifest) error {
	return safefile.WriteJSON(path, m)
}

// ReadManifest reads a manifest.json.
func ReadManifest(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &m, nil
}
