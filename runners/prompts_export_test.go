package runners

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/occbench/occbench/llm/llmtest"
	"github.com/occbench/occbench/prompt"
	"github.com/occbench/occbench/rundir"
)

// The prompts exported for training are, byte for byte, the prompts the
// llm runner sends at inference in each mode.
func TestRolePromptsAreTheInferencePrompts(t *testing.T) {
	dir := t.TempDir()
	test, exs := llmTestSet(t, dir, 3)
	rp, err := prompt.NewRolePrompts()
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"joint", "direct", "two-model"} {
		t.Run(mode, func(t *testing.T) {
			srv := llmtest.New(t, llmtest.NoFaults)
			out := filepath.Join(dir, mode, "run")
			s := llmSuite(t, test, out, filepath.Join(dir, mode, "cache"), fmt.Sprintf(
				"  - {name: m, kind: llm-fast, mode: %s, endpoint: {base_url: %q, model: m}}\n", mode, srv.URL()))
			if _, err := Run(context.Background(), s, Options{}); err != nil {
				t.Fatal(err)
			}
			sent := map[string]bool{}
			for _, req := range srv.Requests() {
				msgs := req["messages"].([]any)
				sent[msgs[0].(map[string]any)["content"].(string)] = true
			}
			preds := readPreds(t, rundir.PredictionsPath(out, "m"))
			for _, ex := range exs {
				var want []string
				render := func(role, reasoning string) {
					p, err := rp.Render(role, ex, reasoning)
					if err != nil {
						t.Fatal(err)
					}
					want = append(want, p)
				}
				switch mode {
				case "joint":
					render(prompt.RoleJoint, "")
				case "direct":
					render(prompt.RoleDirect, "")
				case "two-model":
					render(prompt.RoleReasoner, "")
					render(prompt.RolePredictor, preds[ex.UserID].Reason)
				}
				for _, w := range want {
					if !sent[w] {
						t.Errorf("%s: the exported prompt was never sent:\n%s", ex.UserID, w)
					}
				}
			}
		})
	}
}
