package method

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/internal/pool"
	"github.com/occbench/occbench/internal/progress"
	"github.com/occbench/occbench/llm"
	"github.com/occbench/occbench/prompt"
)

// RerankOptions are the settings and side effects of a Reranker.
type RerankOptions struct {
	Model ModelConfig
	// Classify sets the candidates: Top of them go to the model; MinScore
	// applies where the model is not asked.
	Classify onet.ClassifyOptions
	Prompt   string // a template file replacing the embedded prompt
	// CacheDir holds the request cache, so a rerun sends no request whose
	// answer is on disk.
	CacheDir string
	Env
}

// Reranker asks a model to pick, among the classifier's candidates, the
// occupation of each text (TGRE's retrieve-and-rerank, with O*NET's own
// candidates). Texts the classifier is sure of (an exact or folded title, a
// code) and texts without candidates are not sent.
type Reranker struct {
	opts   RerankOptions
	tax    *onet.Taxonomy
	model  *llm.Client
	prompt *prompt.Template

	mu       sync.Mutex
	failures int
	first    string
}

// NewReranker checks the prompt and builds the model client.
func NewReranker(opts RerankOptions) (*Reranker, error) {
	if opts.Classify.Top == 0 {
		opts.Classify.Top = 5
	}
	tmpl, err := prompt.LoadRerank(opts.Prompt)
	if err != nil {
		return nil, err
	}
	lo := opts.LLM
	lo.CacheDir = opts.CacheDir
	model, err := llm.New(opts.Model.Config, lo)
	if err != nil {
		return nil, fmt.Errorf("rerank: %w", err)
	}
	return &Reranker{opts: opts, tax: opts.taxonomy(), model: model, prompt: tmpl}, nil
}

// Failures says how many texts kept the classifier's answer because the
// model's call failed or its reply named no candidate, and the first cause.
func (r *Reranker) Failures() (int, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failures, r.first
}

// Batch classifies texts into out, asking the model where the classifier
// is not sure; it fits onet.StreamOptions.Batch. Repeated texts are asked
// once. Only fatal errors (a cancelled context, a cache that cannot be
// written) are returned.
func (r *Reranker) Batch(ctx context.Context, texts []string, out []onet.Classification) error {
	first := map[string]int{}
	var ask []int
	for i, s := range texts {
		if j, ok := first[s]; ok {
			out[i] = out[j]
			continue
		}
		first[s] = i
		out[i] = r.tax.Classify(s, r.opts.Classify)
		if r.needsModel(out[i]) {
			ask = append(ask, i)
		}
	}
	causes := make([]string, len(texts))
	err := track(ctx, r.opts.Stderr, "rerank", len(ask), time.Now, func(ctx context.Context, prog *progress.Display) error {
		return pool.Each(ctx, ask, r.opts.Model.Concurrency, func(ctx context.Context, i int) error {
			prog.Started()
			c, cause, err := r.rerank(ctx, texts[i], out[i])
			if err != nil {
				return err
			}
			prog.Finished(cause != "")
			out[i], causes[i] = c, cause
			return nil
		})
	})
	// Failures are counted in input order, so the first named is the
	// first text's.
	r.mu.Lock()
	for i, cause := range causes {
		if cause == "" {
			continue
		}
		if r.failures == 0 {
			r.first = fmt.Sprintf("%q: %s", texts[i], cause)
		}
		r.failures++
	}
	r.mu.Unlock()
	for i, s := range texts {
		out[i] = out[first[s]]
	}
	return err
}

// needsModel: the classifier is sure of exact titles and codes.
func (r *Reranker) needsModel(c onet.Classification) bool {
	switch c.Method {
	case onet.MethodExact, onet.MethodFolded, onet.MethodCode:
		return false
	}
	return len(c.Candidates) > 0
}

// rerank asks the model about one text. A failed call or an unusable reply
// keeps the classifier's answer and says why (cause).
func (r *Reranker) rerank(ctx context.Context, text string, c onet.Classification) (_ onet.Classification, cause string, _ error) {
	data := prompt.RerankData{Text: text}
	for k, cand := range c.Candidates {
		o, _ := r.tax.ByCode(cand.Code)
		data.Candidates = append(data.Candidates, prompt.RerankCandidate{N: k + 1, Code: cand.Code, Title: cand.Title, Description: firstSentence(o.Description)})
	}
	p, err := r.prompt.RenderAny(data)
	if err != nil {
		return c, "", err
	}
	sum := sha256.Sum256([]byte(text))
	o, err := ask(ctx, r.model, "rerank", p, hex.EncodeToString(sum[:8]), 1, 1)
	if err != nil {
		return c, "", err
	}
	if o.err != "" {
		return c, o.err, nil
	}
	k, perr := prompt.ParsePick(o.res.Choices[0].Content, len(c.Candidates))
	if perr != nil {
		return c, perr.Error(), nil
	}
	if k == 0 {
		return onet.Classification{Score: c.Score, Method: onet.MethodNone, Candidates: c.Candidates}, "", nil
	}
	pick := c.Candidates[k-1]
	c.Code, c.Title, c.Score, c.Method = pick.Code, pick.Title, pick.Score, onet.MethodReranked
	return c, "", nil
}

// firstSentence shortens an O*NET description to its first sentence.
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i > 0 {
		return s[:i+1]
	}
	return s
}
