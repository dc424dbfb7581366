package prompt

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"text/template"
)

// The prompts of the paper's modes, written after the structure of the
// prompts released with the paper: cot and joint use joint.tmpl, direct
// direct.tmpl, two-model reasoner.tmpl then predictor.tmpl; the judge has
// one per dimension. A suite replaces any mode's prompt with its own file.
//
//go:embed templates/*.tmpl
var templates embed.FS

// Data is what a prompt template sees: {{.History}}, the serialised
// history, {{.Reasoning}}, the reasoner's text (two-model predictor only),
// and in a path prompt {{.Horizon}}, the K next jobs it asks for, with
// {{.Steps}}, the numbers 1..K to range over. Single-step prompts do not
// use Horizon, so their text does not depend on it.
type Data struct {
	History   string
	Reasoning string
	Horizon   int
}

// Steps are the numbers 1..Horizon.
func (d Data) Steps() []int {
	out := make([]int, max(d.Horizon, 0))
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// PathTemplates are the embedded path prompts (a numbered list of the next
// K occupations) of the prompts that ask for an answer. The two-model
// reasoner has none: its reasoning names no occupation, so a path run
// sends the single-step reasoner prompt.
var PathTemplates = map[string]string{
	"joint.tmpl":     "joint_path.tmpl",
	"direct.tmpl":    "direct_path.tmpl",
	"predictor.tmpl": "predictor_path.tmpl",
}

// LoadPath is Load for a path prompt: the template must also use
// {{.Horizon}} (or {{.Steps}}), since a prompt that does not say how many
// occupations to name cannot ask for a path of K.
func LoadPath(name, override string, needReasoning bool) (*Template, error) {
	p, err := Load(name, override, needReasoning)
	if err != nil {
		return nil, err
	}
	two, err := p.Render(Data{History: "h", Reasoning: "r", Horizon: 2})
	if err != nil {
		return nil, err
	}
	three, err := p.Render(Data{History: "h", Reasoning: "r", Horizon: 3})
	if err != nil {
		return nil, err
	}
	if two == three {
		return nil, fmt.Errorf("prompt %s: the template does not use {{.Horizon}}: a path run's prompt must ask for the next K occupations", p.Source)
	}
	return p, nil
}

// Template is a parsed prompt template and where it came from.
type Template struct {
	Source string `json:"source"` // "embedded:joint.tmpl" or the file's path
	SHA256 string `json:"sha256"` // of the template text
	tmpl   *template.Template
}

// Load parses the embedded template name, or the file override when
// given. needReasoning says the template must use {{.Reasoning}}.
func Load(name, override string, needReasoning bool) (*Template, error) {
	p, err := loadText(name, override)
	if err != nil {
		return nil, err
	}
	src := p.Source
	// Render once now: a template that fails, or forgets the history, is a
	// setup error, not a thousand failed samples.
	const hist, reason = "\x00history\x00", "\x00reasoning\x00"
	out, err := p.Render(Data{History: hist, Reasoning: reason})
	switch {
	case err != nil:
		return nil, err
	case !strings.Contains(out, hist):
		return nil, fmt.Errorf("prompt %s: the template does not use {{.History}}", src)
	case needReasoning && !strings.Contains(out, reason):
		return nil, fmt.Errorf("prompt %s: the template does not use {{.Reasoning}}", src)
	}
	return p, nil
}

// loadText parses the embedded template name, or the file override.
func loadText(name, override string) (*Template, error) {
	var text []byte
	var err error
	src := "embedded:" + name
	if override != "" {
		src = override
		text, err = os.ReadFile(override)
	} else {
		text, err = templates.ReadFile("templates/" + name)
	}
	if err != nil {
		return nil, fmt.Errorf("prompt %s: %w", src, err)
	}
	t, err := template.New(src).Option("missingkey=error").Parse(string(text))
	if err != nil {
		return nil, fmt.Errorf("prompt %w", err)
	}
	sum := sha256.Sum256(text)
	return &Template{Source: src, SHA256: hex.EncodeToString(sum[:]), tmpl: t}, nil
}

// Render executes the template.
func (p *Template) Render(d Data) (string, error) {
	return p.RenderAny(d)
}

// RenderAny executes the template with any data (the rerank prompt's).
func (p *Template) RenderAny(d any) (string, error) {
	var b strings.Builder
	if err := p.tmpl.Execute(&b, d); err != nil {
		return "", fmt.Errorf("prompt %w", err)
	}
	return b.String(), nil
}

// JudgeDimensions are the judge's dimensions, in the order of the paper's
// tables.
var JudgeDimensions = []string{"factuality", "coherence", "utility"}

// JudgeData is what a judge prompt sees.
type JudgeData struct {
	History, Reasoning, Occupation string
}

// JudgeTemplates are the judge's prompts by dimension.
func JudgeTemplates() (map[string]*template.Template, error) {
	out := map[string]*template.Template{}
	for _, dim := range JudgeDimensions {
		name := "judge_" + dim + ".tmpl"
		text, err := templates.ReadFile("templates/" + name)
		if err != nil {
			return nil, err
		}
		t, err := template.New(name).Option("missingkey=error").Parse(string(text))
		if err != nil {
			return nil, fmt.Errorf("prompt %s: %w", name, err)
		}
		out[dim] = t
	}
	return out, nil
}
