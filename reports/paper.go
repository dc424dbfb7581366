package reports

import (
	"bytes"
	_ "embed"
	"fmt"
	"math"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed paper.yaml
var paperYAML []byte

// Paper holds a paper's published numbers (paper.yaml documents the shape
// and the units: EM, RM, BLEU, ROUGE as fractions; judge scores 1–5).
type Paper struct {
	Source  string            `yaml:"source"`
	Data    string            `yaml:"data"`
	Aliases map[string]string `yaml:"aliases"` // runner name → key
	Table1  []PaperJudge      `yaml:"table1"`
	Table2  []PaperSystem     `yaml:"table2"`
	Table3  []PaperReason     `yaml:"table3"`
	Table4  []PaperSource     `yaml:"table4"`
	Scaling []PaperScaling    `yaml:"scaling"`
}

// PaperSystem is a Table 2 row.
type PaperSystem struct {
	Key         string  `yaml:"key"`
	Name        string  `yaml:"name"`
	Category    string  `yaml:"category"`
	EM          float64 `yaml:"em"`
	RM          float64 `yaml:"rm"`
	Significant bool    `yaml:"significant"` // † in the paper
}

// PaperJudge is a Table 1 row.
type PaperJudge struct {
	Type       string  `yaml:"type"` // oracle, minor, major
	Name       string  `yaml:"name"`
	Factuality float64 `yaml:"factuality"`
	Coherence  float64 `yaml:"coherence"`
	Utility    float64 `yaml:"utility"`
}

// PaperReason is a Table 3 row; similarity is null for the oracle itself.
type PaperReason struct {
	Key        string   `yaml:"key"`
	Name       string   `yaml:"name"`
	Factuality *float64 `yaml:"factuality"`
	Coherence  *float64 `yaml:"coherence"`
	Utility    *float64 `yaml:"utility"`
	Overall    *float64 `yaml:"overall"`
	BLEU       *float64 `yaml:"bleu"`
	ROUGE1     *float64 `yaml:"rouge1"`
	ROUGE2     *float64 `yaml:"rouge2"`
	ROUGEL     *float64 `yaml:"rougeL"`
}

// PaperSource is a Table 4 row.
type PaperSource struct {
	Predictor string  `yaml:"predictor"`
	Reasons   string  `yaml:"reasons"`
	EM        float64 `yaml:"em"`
	RM        float64 `yaml:"rm"`
}

// PaperScaling is one curve of the scaling results.
type PaperScaling struct {
	Study  string       `yaml:"study"`
	Series string       `yaml:"series"`
	Points []PaperPoint `yaml:"points"`
}

// PaperPoint is a point of a scaling curve.
type PaperPoint struct {
	Label string  `yaml:"label"`
	EM    float64 `yaml:"em"`
}

// DefaultPaper returns the embedded expectations of the reproduced paper.
func DefaultPaper() *Paper {
	p, err := ParsePaper(paperYAML, "paper.yaml")
	if err != nil {
		panic(err) // the embedded file is tested
	}
	return p
}

// LoadPaper reads an expectations file (YAML or JSON, paper.yaml's shape).
func LoadPaper(path string) (*Paper, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParsePaper(b, path)
}

// ParsePaper parses expectations; unknown keys are errors, so a misspelt
// field does not silently drop a number.
func ParsePaper(b []byte, name string) (*Paper, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var p Paper
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for i, s := range p.Table2 {
		if s.Key == "" {
			return nil, fmt.Errorf("%s: table2[%d] (%s): field \"key\": missing", name, i, s.Name)
		}
	}
	return &p, nil
}

// keysOf lists the names a system may be known by in a paper, most
// specific first.
func (p *Paper) keysOf(s *System) []string {
	var ks []string
	if s.Paper != "" {
		ks = append(ks, s.Paper)
	}
	if k, ok := p.Aliases[s.Name]; ok {
		ks = append(ks, k)
	}
	return append(ks, s.Name, s.Display)
}

// System finds the Table 2 row of a system, or nil.
func (p *Paper) System(s *System) *PaperSystem {
	if p == nil {
		return nil
	}
	for _, k := range p.keysOf(s) {
		for i := range p.Table2 {
			if strings.EqualFold(p.Table2[i].Key, k) || strings.EqualFold(p.Table2[i].Name, k) {
				return &p.Table2[i]
			}
		}
	}
	return nil
}

// reason finds the Table 3 row for a key or name, or nil.
func (p *Paper) reason(keys ...string) *PaperReason {
	if p == nil {
		return nil
	}
	for _, k := range keys {
		if k == "" {
			continue
		}
		if a, ok := p.Aliases[k]; ok {
			k = a
		}
		for i := range p.Table3 {
			if strings.EqualFold(p.Table3[i].Key, k) || strings.EqualFold(p.Table3[i].Name, k) {
				return &p.Table3[i]
			}
		}
	}
	return nil
}

// orNaN is a paper value, NaN where the paper gives none.
func orNaN(v *float64) float64 {
	if v == nil {
		return math.NaN()
	}
	return *v
}
