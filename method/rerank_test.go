package method

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/internal/fixture"
	"github.com/occbench/occbench/llm"
	"github.com/occbench/occbench/llm/llmtest"
)

// rerankScript plays a coder: it picks the candidate whose line holds the
// word the text's "want:" hint names, answers 0 for "want:none", and talks
// nonsense for "want:junk".
func rerankScript(prompt string, _ int) (string, int) {
	text := regexp.MustCompile(`Text to code: "(.*)"`).FindStringSubmatch(prompt)
	if text == nil {
		return "no text", 0
	}
	want := regexp.MustCompile(`want:(\w+)`).FindStringSubmatch(text[1])
	switch {
	case want == nil:
		return "<answer>1</answer>", 0
	case want[1] == "none":
		return "None of these fit.\n<answer>0</answer>", 0
	case want[1] == "junk":
		return "I would rather not say.", 0
	}
	for _, m := range regexp.MustCompile(`(?m)^(\d+)\. (.*)$`).FindAllStringSubmatch(prompt, -1) {
		if strings.Contains(m[2], want[1]) {
			return fmt.Sprintf("<think>weighing</think><answer>%s</answer>", m[1]), 0
		}
	}
	return "<answer>9</answer>", 0
}

func TestReranker(t *testing.T) {
	srv := llmtest.NewScripted(t, `Text to code: ".*"`, rerankScript)
	mc := DefaultJudge
	mc.Endpoint = llm.Endpoint{BaseURL: llm.URLs{srv.URL()}, Model: "m"}
	mc.MaxRetries = 0
	cache := filepath.Join(t.TempDir(), "cache")
	newRR := func() *Reranker {
		rr, err := NewReranker(RerankOptions{Model: mc, CacheDir: cache, Env: noWaits})
		if err != nil {
			t.Fatal(err)
		}
		return rr
	}
	texts := []string{
		"Registered Nurses",                 // exact: not sent
		"Staff Nurse - Med/Surg want:Acute", // the model picks Acute Care Nurses
		"Staff Nurse - Med/Surg want:Acute", // a repeat: asked once
		"Line Cook want:none",               // the model says none fits
		"Teacher want:junk",                 // no usable reply: the classifier's answer stays
		"Cashier want:Nonexistent",          // a number out of range: the same
	}
	rr := newRR()
	out := make([]onet.Classification, len(texts))
	if err := rr.Batch(context.Background(), texts, out); err != nil {
		t.Fatal(err)
	}
	if out[0].Method != onet.MethodExact || out[0].Code != "29-1141.00" {
		t.Errorf("exact title: %+v", out[0])
	}
	if out[1].Method != onet.MethodReranked || out[1].Code != "29-1141.01" || out[2].Code != out[1].Code {
		t.Errorf("reranked: %+v, repeat %+v", out[1], out[2])
	}
	if out[3].OK() || out[3].Method != onet.MethodNone || len(out[3].Candidates) == 0 {
		t.Errorf("none fits: %+v", out[3])
	}
	if out[4].Method == onet.MethodReranked || !out[4].OK() || out[5].Method == onet.MethodReranked {
		t.Errorf("unusable replies must keep the classifier's answer: %+v, %+v", out[4], out[5])
	}
	if n, first := rr.Failures(); n != 2 || !strings.Contains(first, "Teacher want:junk") {
		t.Errorf("failures %d, first %q", n, first)
	}
	if got := srv.Requests(); got != 4 {
		t.Errorf("%d requests, want 4 (exact titles and repeats are not sent)", got)
	}
	// A rerun answers from the cache.
	again := make([]onet.Classification, len(texts))
	if err := newRR().Batch(context.Background(), texts, again); err != nil {
		t.Fatal(err)
	}
	if srv.Requests() != 4 || again[1].Code != out[1].Code {
		t.Errorf("rerun: %d requests, %+v", srv.Requests(), again[1])
	}
}

func TestRerankerPrompt(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "p.tmpl")
	for _, tc := range []struct{ text, want string }{
		{"Code {{.Text}}", "does not list {{.Candidates}}"},
		{"{{range .Candidates}}{{.Title}}{{end}}", "does not use {{.Text}}"},
		{"{{.Nope}}", "can't evaluate field Nope"},
	} {
		fixture.Write(t, bad, tc.text)
		if _, err := NewReranker(RerankOptions{Prompt: bad}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %q", tc.text, err, tc.want)
		}
	}
}
