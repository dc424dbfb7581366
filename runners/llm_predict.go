package runners

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/llm"
	"github.com/occbench/occbench/prompt"
	"github.com/occbench/occbench/rundir"
)

// Predict asks the endpoint for one user's next occupation.
func (r *llmRunner) Predict(ctx context.Context, ex *bench.Example) (rundir.Prediction, error) {
	return r.predict(ctx, ex, nil)
}

// predict runs the mode's calls for one user and builds the record: each
// call goes to its client, or into the batch pass when there is one. Only
// fatal errors (and llm.ErrDeferred) are returned; a failed call is
// recorded in the prediction.
func (r *llmRunner) predict(ctx context.Context, ex *bench.Example, pass *llm.BatchPass) (rundir.Prediction, error) {
	p := rundir.Prediction{Attempt: r.s.Attempt}
	hist, err := prompt.SerializeHistory(ex, r.s.HistoryFormat)
	if err != nil {
		p.Error, p.Mapping = err.Error(), "none"
		return p, nil
	}
	ask := func(c *llm.Client, role string, pr *prompt.Template, data prompt.Data, n int) (*llm.Call, *llm.Result, error) {
		text, err := pr.Render(data)
		if err != nil {
			return nil, nil, err
		}
		call, err := c.NewCall(role, text, ex.UserID, r.s.Attempt, n)
		if err != nil {
			return nil, nil, err
		}
		var res *llm.Result
		if pass != nil {
			res, err = pass.Call(ctx, call)
		} else {
			res, err = c.Complete(ctx, call)
		}
		return call, res, err
	}
	data := prompt.Data{History: hist, Horizon: r.horizon}
	role := "model"
	if r.s.Mode == ModeTwoModel {
		c, res, err := ask(r.reasoner, "reasoner", r.reasonerP, data, 1)
		if c == nil {
			return r.failed(p, "reasoner", err)
		}
		if ok, err := r.record(&p, c, res, err, true); !ok {
			return p, err
		}
		data.Reasoning = reasoningOf(res.Choices[0])
		p.Reason = data.Reasoning
		role = "predictor"
	}
	c, res, err := ask(r.main, role, r.prompt, data, r.s.N)
	if c == nil {
		return r.failed(p, role, err)
	}
	if ok, err := r.record(&p, c, res, err, false); !ok {
		return p, err
	}
	if r.horizon > 1 {
		r.answerPath(&p, res)
	} else {
		r.answer(&p, res)
	}
	return p, nil
}

func (r *llmRunner) failed(p rundir.Prediction, role string, err error) (rundir.Prediction, error) {
	p.Error, p.Mapping = fmt.Sprintf("%s: %v", role, err), "none"
	return p, nil
}

// record adds a call to the prediction: its key, tokens and latency, and
// its error. ok is false when the prediction is finished (the call failed)
// or must not be written (err is fatal or errDeferred).
func (r *llmRunner) record(p *rundir.Prediction, c *llm.Call, res *llm.Result, err error, keepRaw bool) (ok bool, _ error) {
	var f *llm.Failure
	if err != nil && !errors.As(err, &f) {
		return false, err
	}
	call := rundir.Call{Role: c.Role, Model: c.Model(), CacheKey: c.Key}
	p.CacheKey = c.Key
	if f != nil {
		call.Error, call.Tries = f.Msg, f.Tries
		p.Calls = append(p.Calls, call)
		p.Error, p.Mapping = f.Msg, "none"
		return false, nil
	}
	call.Source, call.Endpoint, call.Tries = res.Source, res.Endpoint, res.Tries
	call.FinishReason = res.Choices[0].FinishReason
	call.PromptTokens, call.CompletionTokens, call.ReasoningTokens = res.Usage.Prompt, res.Usage.Completion, res.Usage.Reasoning
	call.LatencyMS = float64(res.Latency) / float64(time.Millisecond)
	if keepRaw {
		call.Raw = res.Choices[0].Content
	}
	p.Calls = append(p.Calls, call)
	p.PromptTokens += call.PromptTokens
	p.CompletionTokens += call.CompletionTokens
	p.ReasoningTokens += call.ReasoningTokens
	p.LatencyMS += call.LatencyMS
	return true, nil
}

// reasoningOf is a reasoner's reasoning: its <think> text, else the
// server's separate reasoning field.
func reasoningOf(c llm.Choice) string {
	if s := prompt.ReasoningText(c.Content); s != "" {
		return s
	}
	return c.Reasoning
}

// answer parses the choices and maps the answer onto O*NET. With n > 1
// choices the answer is the occupation most choices map to (ties to the
// earlier choice), Ranked lists the occupations by votes and Scores holds
// their vote shares; the record keeps the winning choice's text.
func (r *llmRunner) answer(p *rundir.Prediction, res *llm.Result) {
	var votes tally
	parsed := make([]prompt.Parsed, len(res.Choices))
	for i, c := range res.Choices {
		parsed[i] = prompt.ParseOutput(c.Content, c.Truncated())
		if parsed[i].Answer == "" {
			continue
		}
		if m := r.tax.Normalize(parsed[i].Answer); m.OK() {
			votes.add(m.Code, i)
		}
	}
	votes.rank()
	win := votes.winner()
	c, pa := res.Choices[win], parsed[win]
	p.Raw = c.Content
	p.Answer, p.Parse = pa.Answer, pa.How
	if p.Reason == "" { // a two-model prediction keeps its reasoner's text
		p.Reason = cmp.Or(pa.Reason, c.Reasoning)
	}
	p.Mapping = "none"
	if pa.Answer != "" {
		m := r.tax.Normalize(pa.Answer)
		p.Code, p.Title, p.Mapping, p.MapScore = m.Code, m.Title, m.Method.String(), m.Score
	}
	if len(res.Choices) > 1 {
		p.Ranked, p.Scores = votes.shares(len(res.Choices))
	}
}

// tally counts the choices' votes for occupations.
type tally []vote

type vote struct {
	code  string
	n     int
	first int // the first choice that voted for it
}

func (t *tally) add(code string, choice int) {
	for j := range *t {
		if (*t)[j].code == code {
			(*t)[j].n++
			return
		}
	}
	*t = append(*t, vote{code: code, n: 1, first: choice})
}

// rank sorts by votes, stably: the earlier first appearance wins ties.
func (t tally) rank() {
	slices.SortStableFunc(t, func(a, b vote) int { return b.n - a.n })
}

// winner is the choice whose occupation won (after rank), or choice 0
// when no choice named one.
func (t tally) winner() int {
	if len(t) == 0 {
		return 0
	}
	return t[0].first
}

// shares are the occupations by votes with their shares of n choices.
func (t tally) shares(n int) (codes []string, scores []float64) {
	for _, v := range t {
		codes = append(codes, v.code)
		scores = append(scores, float64(v.n)/float64(n))
	}
	return codes, scores
}
