package runners

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
// released prompts (research/paper-and-recsys.md §3): cot and joint use
// joint.tmpl, direct direct.tmpl, two-model reasoner.tmpl then
// predictor.tmpl. A suite replaces any of them with its own file.
//
//go:embed prompts/*.tmpl
var promptFS embed.FS

// PromptData is what a prompt template sees: {{.History}}, the serialised
// history, and {{.Reasoning}}, the reasoner's text (two-model predictor
// only).
type PromptData struct {
	History   string
	Reasoning string
}

// Prompt is a parsed prompt template and where it came from.
type Prompt struct {
	Source string `json:"source"` // "embedded:joint.tmpl" or the file's path
	SHA256 string `json:"sha256"` // of the template text
	tmpl   *template.Template
}

// LoadPrompt parses the embedded template name, or the file override when
// given. needReasoning says the template must use {{.Reasoning}}.
func LoadPrompt(name, override string, needReasoning bool) (*Prompt, error) {
	var text []byte
	var err error
	src := "embedded:" + name
	if override != "" {
		src = override
		text, err = os.ReadFile(override)
	} else {
		text, err = promptFS.ReadFile("prompts/" + name)
	}
	if err != nil {
		return nil, fmt.Errorf("prompt %s: %w", src, err)
	}
	t, err := template.New(src).Option("missingkey=error").Parse(string(text))
	if err != nil {
		return nil, fmt.Errorf("prompt %w", err)
	}
	sum := sha256.Sum256(text)
	p := &Prompt{Source: src, SHA256: hex.EncodeToString(sum[:]), tmpl: t}
	// Render once now: a template that fails, or forgets the history, is a
	// setup error, not a thousand failed samples.
	const hist, reason = "\x00history\x00", "\x00reasoning\x00"
	out, err := p.Render(PromptData{History: hist, Reasoning: reason})
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

// Render executes the template.
func (p *Prompt) Render(d PromptData) (string, error) {
	var b strings.Builder
	if err := p.tmpl.Execute(&b, d); err != nil {
		return "", fmt.Errorf("prompt %w", err)
	}
	return b.String(), nil
}
