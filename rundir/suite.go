package rundir

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
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
	// Horizon is K, the number of next jobs each runner predicts (a path
	// run when above 1); the test set needs target paths of K jobs. 0
	// means 1.
	Horizon int `yaml:"horizon" json:"horizon,omitempty"`
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

// MaxHorizon is the most next jobs a path run predicts.
const MaxHorizon = 10

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
	file string // the suite file, for errors
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

// Errorf is an error about the runner that says where it is: the suite
// file and line when the suite was loaded from a file.
func (r *RunnerSpec) Errorf(format string, args ...any) error {
	if r.file != "" {
		return fmt.Errorf("%s:%d: runner %q: %w", r.file, r.line, r.Name, fmt.Errorf(format, args...))
	}
	return fmt.Errorf("runner %q (line %d): %w", r.Name, r.line, fmt.Errorf(format, args...))
}

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
	return r.decode(&r.Settings, "", v)
}

// DecodeSetting decodes the mapping under key (such as "reasoner") into v,
// as DecodeSettings does; a missing key leaves v as it is.
func (r *RunnerSpec) DecodeSetting(key string, v any) error {
	c := r.Settings.Content
	for i := 0; i+1 < len(c); i += 2 {
		if c[i].Value == key {
			return r.decode(c[i+1], key+".", v)
		}
	}
	return nil
}

// SplitSettings decodes the given keys of the entry into v, as
// DecodeSettings does, and returns a copy of the entry without them, whose
// other settings can then be decoded strictly into another value.
func (r *RunnerSpec) SplitSettings(v any, keys ...string) (*RunnerSpec, error) {
	part := yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	rest := *r
	rest.Settings.Content = nil
	c := r.Settings.Content
	for i := 0; i+1 < len(c); i += 2 {
		if slices.Contains(keys, c[i].Value) {
			part.Content = append(part.Content, c[i], c[i+1])
		} else {
			rest.Settings.Content = append(rest.Settings.Content, c[i], c[i+1])
		}
	}
	return &rest, r.decode(&part, "", v)
}

// UnknownSetting is the error of a setting the kind does not have.
func (r *RunnerSpec) UnknownSetting(key string) error {
	if l := keyLine(&r.Settings, key); l > 0 {
		return r.Errorf("unknown setting %q on line %d", key, l)
	}
	return r.Errorf("unknown setting %q", key)
}

func (r *RunnerSpec) decode(n *yaml.Node, prefix string, v any) error {
	if len(n.Content) == 0 {
		return nil
	}
	b, err := yaml.Marshal(expandEnv(n))
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return r.settingsError(n, prefix, err)
	}
	return nil
}

var (
	yamlUnknown  = regexp.MustCompile(`field (\S+) not found in type`)
	yamlMismatch = regexp.MustCompile("cannot unmarshal !!(\\w+) (`[^`]*` )?into (\\S+)")
)

// settingsError says what yaml found wrong in the suite's words: the key as
// written and its line in the file, no Go type names.
func (r *RunnerSpec) settingsError(n *yaml.Node, prefix string, err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return r.Errorf("%s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var msgs []string
	for _, e := range te.Errors {
		if m := yamlUnknown.FindStringSubmatch(e); m != nil {
			key, line := findKey(n, m[1], prefix)
			msg := fmt.Sprintf("unknown setting %q", key)
			if line > 0 {
				msg += fmt.Sprintf(" on line %d", line)
			}
			msgs = append(msgs, msg)
		} else if m := yamlMismatch.FindStringSubmatch(e); m != nil {
			msgs = append(msgs, fmt.Sprintf("the value %s(a YAML %s) where %s is wanted", m[2], m[1], goKind(m[3])))
		} else {
			msgs = append(msgs, e)
		}
	}
	return r.Errorf("%s", strings.Join(msgs, "; "))
}

// findKey finds key in n or the mappings below it, depth first: its path
// from n (after prefix) and its line, or key and 0.
func findKey(n *yaml.Node, key, prefix string) (string, int) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return prefix + key, n.Content[i].Line
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if v := n.Content[i+1]; v.Kind == yaml.MappingNode {
			if path, line := findKey(v, key, prefix+n.Content[i].Value+"."); line > 0 {
				return path, line
			}
		}
	}
	return prefix + key, 0
}

// keyLine is the line of key in mapping n, 0 when absent.
func keyLine(n *yaml.Node, key string) int {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i].Line
		}
	}
	return 0
}

// goKind names a Go type as a suite writer knows it.
func goKind(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map["):
		return "a mapping"
	case t == "string":
		return "text"
	case t == "bool":
		return "true or false"
	case strings.HasPrefix(t, "int") || strings.HasPrefix(t, "uint"):
		return "a whole number"
	case strings.HasPrefix(t, "float"):
		return "a number"
	}
	return "a mapping of settings"
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
		s.Runners[i].Dir, s.Runners[i].file = dir, path
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
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty suite: want at least name, test and runners")
		}
		return nil, err
	}
	for k := range s.Extra {
		return nil, fmt.Errorf("unknown key %q: a suite has name, train, test, out, seed, horizon, cache, metrics and runners", k)
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
	if s.Horizon < 0 || s.Horizon > MaxHorizon {
		return nil, fmt.Errorf("horizon %d: want 1 to %d next jobs", s.Horizon, MaxHorizon)
	}
	seen := map[string]bool{}
	for i := range s.Runners {
		r := &s.Runners[i]
		switch {
		case r.Name == "":
			return nil, fmt.Errorf("runners[%d] (line %d): no name", i, r.line)
		case !runnerName.MatchString(r.Name):
			return nil, r.Errorf("a name is letters, digits, '.', '_' and '-'")
		case r.Kind == "":
			return nil, r.Errorf("no kind")
		case seen[r.Name]:
			return nil, r.Errorf("name used twice")
		}
		seen[r.Name] = true
	}
	return &s, nil
}
