package prompt

import (
	"fmt"

	"github.com/occbench/occbench/bench"
)

// The prompts a fine-tuned model sees, by the role it is trained for. Each
// is the prompt the llm runner renders at inference for that role, so a
// model trained on exported data is asked exactly what it learnt.
const (
	RoleJoint     = "joint"     // joint.tmpl: the joint and cot modes
	RoleDirect    = "direct"    // direct.tmpl: the direct mode
	RoleReasoner  = "reasoner"  // reasoner.tmpl: two-model, first call
	RolePredictor = "predictor" // predictor.tmpl: two-model, second call
)

var roleTemplates = map[string]string{
	RoleJoint:     "joint.tmpl",
	RoleDirect:    "direct.tmpl",
	RoleReasoner:  "reasoner.tmpl",
	RolePredictor: "predictor.tmpl",
}

// RolePrompts renders the embedded inference prompts of the roles with the
// default history serialiser.
type RolePrompts struct {
	prompts map[string]*Template
	paths   map[string]*Template // path prompts of the roles that name an occupation
}

// NewRolePrompts loads the embedded prompt of every role.
func NewRolePrompts() (*RolePrompts, error) {
	rp := &RolePrompts{prompts: map[string]*Template{}, paths: map[string]*Template{}}
	for role, name := range roleTemplates {
		p, err := Load(name, "", role == RolePredictor)
		if err != nil {
			return nil, err
		}
		rp.prompts[role] = p
		if pn, ok := PathTemplates[name]; ok {
			if rp.paths[role], err = LoadPath(pn, "", role == RolePredictor); err != nil {
				return nil, err
			}
		}
	}
	return rp, nil
}

// Template is the loaded prompt of role, for its digest.
func (rp *RolePrompts) Template(role string) *Template { return rp.prompts[role] }

// PathTemplate is the loaded path prompt of role, nil for the reasoner.
func (rp *RolePrompts) PathTemplate(role string) *Template { return rp.paths[role] }

// Render is the prompt of role for ex, exactly as the llm runner sends it
// (history format HistoryFormat). reasoning is the predictor's reasoning
// text and is ignored by the other roles.
func (rp *RolePrompts) Render(role string, ex *bench.Example, reasoning string) (string, error) {
	p, ok := rp.prompts[role]
	if !ok {
		return "", fmt.Errorf("prompt role %q: want joint, direct, reasoner or predictor", role)
	}
	hist, err := SerializeHistory(ex, HistoryFormat)
	if err != nil {
		return "", err
	}
	return p.Render(Data{History: hist, Reasoning: reasoning})
}

// RenderPath is the path prompt of role asking for the next k occupations,
// exactly as the llm runner sends it in a run with horizon k. The reasoner,
// which names no occupation, gets its single-step prompt.
func (rp *RolePrompts) RenderPath(role string, ex *bench.Example, reasoning string, k int) (string, error) {
	if role == RoleReasoner {
		return rp.Render(role, ex, reasoning)
	}
	p, ok := rp.paths[role]
	if !ok {
		return "", fmt.Errorf("prompt role %q: want joint, direct, reasoner or predictor", role)
	}
	hist, err := SerializeHistory(ex, HistoryFormat)
	if err != nil {
		return "", err
	}
	return p.Render(Data{History: hist, Reasoning: reasoning, Horizon: k})
}
