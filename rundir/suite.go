package rundir

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Suite is a benchmark definition: which data, which runners, how scored,
// and where the run goes.
type Suite struct {
	Name  string `yaml:"name" json:"name"`
	Train string `yaml:"train" json:"train"`
	Test  string `yaml:"test" json:"test"`
	Out   string `yaml:"out" json:"out"`
	Seed  uint64 `yaml:"seed" json:"seed"`
	// Cache is the directory of the LLM request cache; empty means
	// .occbench-cache beside the run directory (DefaultCacheDir).
	Cache   string         `yaml:"cache" json:"cache,omitempty"`
	Metrics SuiteMetrics   `yaml:"metrics" json:"metrics"`
	Runners []RunnerSpec   `yaml:"runners" json:"runners"`
	Extra   map[string]any `yaml:",inline" json:"-"`
}

// SuiteMetrics are the scoring settings of a suite.
type SuiteMetrics struct {
	// Related is the number of O*NET related occupations RM counts (1–20).
	Related int `yaml:"related" json:"related"`
	// Bootstrap is the number of resamples for the 95% intervals.
	Bootstrap int `yaml:"bootstrap" json:"bootstrap"`
}

// DefaultSuiteMetrics are the paper's settings.
var DefaultSuiteMetrics = SuiteMetrics{Related: 20, Bootstrap: 1000}

// RunnerSpec is one entry of a suite's runners. Settings holds every other
// key of the entry, decoded by the runner kind.
type RunnerSpec struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	// Keys every kind accepts, for reports: the name shown in tables, the
	// category a table groups it under, and the paper row it reproduces.
	Display  string `json:"display,omitempty"`
	Category string `json:"category,omitempty"`
	Paper    string `json:"paper,omitempty"`
	// RequiresEnv names environment variables the runner needs (an
	// endpoint's address, an API key); when one is unset the run skips the
	// runner and says why, instead of failing.
	RequiresEnv []string  `json:"requires_env,omitempty"`
	Settings    yaml.Node `json:"-"`
	// Dir is the suite file's directory: relative paths in the settings
	// (prompt templates, replay files) are taken from it. Empty for a suite
	// parsed from bytes, meaning the working directory.
	Dir  string `json:"-"`
	line int
}

// Path resolves a path given in the runner's settings against the suite
// file's directory.
func (r *RunnerSpec) Path(p string) string {
	if p == "" || filepath.IsAbs(p) || r.Dir == "" {
		return p
	}
	return filepath.Join(r.Dir, p)
}

// Line is the suite file line the entry starts on.
func (r *RunnerSpec) Line() int { return r.line }

// UnmarshalYAML keeps the whole mapping so the kind can decode its own
// settings strictly.
func (r *RunnerSpec) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: a runner is a mapping with name and kind", n.Line)
	}
	r.line = n.Line
	r.Settings = yaml.Node{Kind: yaml.MappingNode, Tag: n.Tag, Line: n.Line, Column: n.Column}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "name":
			r.Name = v.Value
		case "kind":
			r.Kind = v.Value
		case "display":
			r.Display = v.Value
		case "category":
			r.Category = v.Value
		case "paper":
			r.Paper = v.Value
		case "requires_env":
			if err := v.Decode(&r.RequiresEnv); err != nil {
				return fmt.Errorf("line %d: requires_env: want a list of variable names", v.Line)
			}
		default:
			r.Settings.Content = append(r.Settings.Content, k, v)
		}
	}
	return nil
}

// MissingEnv returns the first variable of RequiresEnv that is unset or
// empty, or "".
func (r *RunnerSpec) MissingEnv() string {
	for _, name := range r.RequiresEnv {
		if os.Getenv(name) == "" {
			return name
		}
	}
	return ""
}

// DecodeSettings decodes the runner's settings into v, rejecting keys v does
// not have, so a misspelt setting is an error instead of a silent default.
// ${VAR} in a string setting is replaced by the environment variable VAR.
func (r *RunnerSpec) DecodeSettings(v any) error {
	if len(r.Settings.Content) == 0 {
		return nil
	}
	settings := expandEnv(&r.Settings)
	b, err := yaml.Marshal(settings)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("runner %q (line %d): %w", r.Name, r.line, err)
	}
	return nil
}

// expandEnv returns a copy of n with ${VAR} replaced in every scalar.
func expandEnv(n *yaml.Node) *yaml.Node {
	c := *n
	if n.Kind == yaml.ScalarNode && strings.Contains(n.Value, "${") {
		// Re-resolve the type: "${WORKERS}" may stand for a number.
		c.Value, c.Tag, c.Style = os.Expand(n.Value, os.Getenv), "", 0
	}
	if len(n.Content) > 0 {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, k := range n.Content {
			c.Content[i] = expandEnv(k)
		}
	}
	return &c
}

var runnerName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// LoadSuite reads and checks a suite file. Relative data and output paths
// are taken relative to the suite file's directory.
func LoadSuite(path string) (*Suite, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := ParseSuite(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	dir := filepath.Dir(path)
	for _, p := range []*string{&s.Train, &s.Test, &s.Out, &s.Cache} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	for i := range s.Runners {
		s.Runners[i].Dir = dir
	}
	return s, nil
}

// DefaultCacheDir is the request cache of a run in dir when the suite names
// none: .occbench-cache in dir's parent, so that the runs of one project
// share it and a fresh run directory does not lose it.
func DefaultCacheDir(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return filepath.Join(filepath.Dir(dir), ".occbench-cache")
}

// ParseSuite parses a suite and fills in defaults.
func ParseSuite(b []byte) (*Suite, error) {
	var s Suite
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&s); err != nil {
		return nil, err
	}
	for k := range s.Extra {
		return nil, fmt.Errorf("unknown key %q: a suite has name, train, test, out, seed, cache, metrics and runners", k)
	}
	switch {
	case s.Name == "":
		return nil, fmt.Errorf("key \"name\": missing")
	case s.Test == "":
		return nil, fmt.Errorf("key \"test\": missing (the test set, an .arrow or .parquet file)")
	case len(s.Runners) == 0:
		return nil, fmt.Errorf("key \"runners\": no runners")
	}
	if s.Metrics.Related == 0 {
		s.Metrics.Related = DefaultSuiteMetrics.Related
	}
	if s.Metrics.Bootstrap == 0 {
		s.Metrics.Bootstrap = DefaultSuiteMetrics.Bootstrap
	}
	if s.Metrics.Related < 1 || s.Metrics.Related > 20 {
		return nil, fmt.Errorf("metrics.related %d: want 1 to 20", s.Metrics.Related)
	}
	if s.Metrics.Bootstrap < 1 {
		return nil, fmt.Errorf("metrics.bootstrap %d: want at least 1", s.Metrics.Bootstrap)
	}
	if s.Seed == 0 {
		s.Seed = 1
	}
	seen := map[string]bool{}
	for i := range s.Runners {
		r := &s.Runners[i]
		switch {
		case r.Name == "":
			return nil, fmt.Errorf("runners[%d] (line %d): no name", i, r.line)
		case !runnerName.MatchString(r.Name):
			return nil, fmt.Errorf("runner %q (line %d): a name is letters, digits, '.', '_' and '-'", r.Name, r.line)
		case r.Kind == "":
			return nil, fmt.Errorf("runner %q (line %d): no kind", r.Name, r.line)
		case seen[r.Name]:
			return nil, fmt.Errorf("runner %q (line %d): name used twice", r.Name, r.line)
		}
		seen[r.Name] = true
	}
	return &s, nil
}
