package prompt

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/occbench/occbench/bench/onet"
)

// TestDevSetAnswers measures the answer parser and the normaliser together
// on the hand-written model outputs of testdata/classify (see its README):
// the share whose answer lands on an acceptable occupation, as an LLM run
// would score them. It guards against a drop.
func TestDevSetAnswers(t *testing.T) {
	f, err := os.Open("../testdata/classify/answers_dev.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tax := onet.Default()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n, right := 0, 0
	for sc.Scan() {
		var it struct {
			Output string   `json:"output"`
			Codes  []string `json:"codes"`
			Shape  string   `json:"shape"`
		}
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			t.Fatal(err)
		}
		n++
		p := ParseOutput(it.Output, false)
		m := tax.Normalize(p.Answer)
		if slices.Contains(it.Codes, m.Code) {
			right++
		} else if testing.Verbose() {
			t.Logf("%s: answer %q (%s) → %s %s, want %v", it.Shape, p.Answer, p.How, m.Code, m.Title, it.Codes)
		}
	}
	share := float64(right) / float64(n)
	t.Logf("%d of %d outputs (%.1f%%) land on an acceptable occupation", right, n, 100*share)
	if share < 0.95 {
		t.Errorf("%.3f of the outputs land on an acceptable occupation, want at least 0.95", share)
	}
}
