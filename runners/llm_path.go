package runners

import (
	"cmp"
	"fmt"

	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/llm"
	"github.com/occbench/occbench/prompt"
	"github.com/occbench/occbench/rundir"
)

// mapStep maps one item of a path answer onto O*NET as an answer is
// mapped (the normaliser, with the classifier behind it). An empty item
// is a step the answer left out: an empty Step, which scores wrong.
func mapStep(tax *onet.Taxonomy, item string) rundir.Step {
	if item == "" {
		return rundir.Step{}
	}
	m := tax.Normalize(item)
	return rundir.Step{Code: m.Code, Title: m.Title, Answer: item, Mapping: m.Method.String(), MapScore: m.Score}
}

// pathSteps maps the first k items of a path answer; items beyond the
// answer's are empty steps.
func pathSteps(tax *onet.Taxonomy, items []string, k int) []rundir.Step {
	steps := make([]rundir.Step, k)
	for h := range min(k, len(items)) {
		steps[h] = mapStep(tax, items[h])
	}
	return steps
}

// pathWarning is Prediction.Warning for a path answer of n items.
func pathWarning(n, k int) string {
	switch {
	case n < k:
		return fmt.Sprintf("path: %d of %d occupations given", n, k)
	case n > k:
		return fmt.Sprintf("path: %d occupations given, the first %d kept", n, k)
	}
	return ""
}

// setAnswer makes the prediction's answer that of its path's first step,
// so that Path[0] is the answer.
func setAnswer(p *rundir.Prediction) {
	p.Mapping = "none"
	if len(p.Path) == 0 || p.Path[0].Answer == "" {
		return
	}
	s := p.Path[0]
	p.Code, p.Title, p.Answer, p.Mapping, p.MapScore = s.Code, s.Title, s.Answer, s.Mapping, s.MapScore
	p.Ranked, p.Scores = s.Ranked, s.Scores
}

// answerPath parses the choices of a path run as numbered lists of K
// occupations and maps each item. With n > 1 choices each step is voted on
// apart (the occupation most choices name at that step, ties to the earlier
// choice, with the vote shares as the step's Ranked and Scores): the
// per-step marginal, as the in-process runners aggregate sampled rollouts.
// The record keeps the text of the choice that won the first step.
func (r *llmRunner) answerPath(p *rundir.Prediction, res *llm.Result) {
	K := r.horizon
	parsed := make([]prompt.PathParsed, len(res.Choices))
	steps := make([][]rundir.Step, len(res.Choices))
	for i, c := range res.Choices {
		parsed[i] = prompt.ParsePath(c.Content, c.Truncated())
		steps[i] = pathSteps(r.tax, parsed[i].Items, K)
	}
	p.Path = make([]rundir.Step, K)
	win := 0
	for h := range K {
		var votes tally
		for i := range steps {
			if code := steps[i][h].Code; code != "" {
				votes.add(code, i)
			}
		}
		votes.rank()
		from := votes.winner()
		p.Path[h] = steps[from][h]
		if len(res.Choices) > 1 {
			p.Path[h].Ranked, p.Path[h].Scores = votes.shares(len(res.Choices))
		}
		if h == 0 {
			win = from
		}
	}
	c, pa := res.Choices[win], parsed[win]
	p.Raw, p.Parse = c.Content, pa.How
	if p.Reason == "" { // a two-model prediction keeps its reasoner's text
		p.Reason = cmp.Or(pa.Reason, c.Reasoning)
	}
	if len(pa.Items) > 0 { // no items at all: Parse says why
		p.Warning = pathWarning(len(pa.Items), K)
	}
	setAnswer(p)
}
