package method

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/internal/pool"
	"github.com/occbench/occbench/internal/progress"
	"github.com/occbench/occbench/internal/safefile"
	"github.com/occbench/occbench/llm"
	"github.com/occbench/occbench/prompt"
	"github.com/occbench/occbench/reasons"
	"github.com/occbench/occbench/rundir"
)

// ReasonSource is where a Table 4 column's reasons come from: the test
// set's oracle_reason column, or the reasons of a predictions file (a
// reasoner's run).
type ReasonSource struct {
	Name        string
	Oracle      bool
	Predictions string
}

// SourcePredictor is an occupation predictor of Table 4: a model asked with
// the two-model predictor prompt.
type SourcePredictor struct {
	Name  string
	Model ModelConfig
}

// SourcesOptions are the settings and side effects of ReasonSourcesTable.
type SourcesOptions struct {
	RunDir    string
	Limit     int // only the first Limit users with an oracle reason
	Related   int // RM's related occupations; 0 is 20
	Bootstrap int // resamples of the intervals; 0 is 1000
	Seed      uint64
	Env
}

// ReasonSourcesTable is the paper's Table 4: on the test users that have
// an oracle reason, every predictor is given every source's reason for the
// user (the predictor prompt, history and reasoning) and its answers are
// scored. Each cell's predictions go to RunDir/predictions/<runner>.jsonl
// as they finish (a rerun does only what is missing or failed); a user a
// source has no reason for is recorded with an error and counts as wrong,
// so every cell has the same users.
func ReasonSourcesTable(ctx context.Context, test []*bench.Example, preds []SourcePredictor, srcs []ReasonSource, opts SourcesOptions) (*reasons.SourcesTable, error) {
	if len(preds) == 0 || len(srcs) == 0 {
		return nil, errors.New("sources: give at least one predictor and one reason source")
	}
	if opts.RunDir == "" {
		return nil, errors.New("sources: no run directory")
	}
	if opts.Related == 0 {
		opts.Related = rundir.DefaultSuiteMetrics.Related
	}
	if opts.Bootstrap == 0 {
		opts.Bootstrap = rundir.DefaultSuiteMetrics.Bootstrap
	}
	opts.taxonomy()
	var users []*bench.Example
	for _, ex := range test {
		if strings.TrimSpace(ex.OracleReason) != "" && ex.TargetCode != "" {
			users = append(users, ex)
		}
	}
	if opts.Limit > 0 && opts.Limit < len(users) {
		users = users[:opts.Limit]
	}
	if len(users) == 0 {
		return nil, errors.New("sources: no test user has an oracle reason")
	}
	texts := make([]map[string]string, len(srcs))
	for i, s := range srcs {
		m := map[string]string{}
		if s.Oracle {
			for _, ex := range users {
				m[ex.UserID] = ex.OracleReason
			}
		} else {
			if _, err := os.Stat(s.Predictions); err != nil {
				return nil, fmt.Errorf("sources: reasons %s: %w", s.Name, err)
			}
			ps, err := rundir.ReadPredictions(s.Predictions)
			if err != nil {
				return nil, fmt.Errorf("sources: %s: %w", s.Name, err)
			}
			if len(ps) == 0 {
				return nil, fmt.Errorf("sources: %s: no predictions in %s", s.Name, s.Predictions)
			}
			for id, p := range ps {
				m[id] = p.Reason
			}
		}
		texts[i] = m
	}
	tmpl, err := prompt.Load("predictor.tmpl", "", true)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(opts.RunDir, rundir.PredDir), 0o755); err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	table := &reasons.SourcesTable{Users: len(users)}
	var names []string
	for _, pr := range preds {
		model, err := newModel(pr.Model, opts.RunDir, opts.LLM)
		if err != nil {
			return nil, fmt.Errorf("sources: predictor %s: %w", pr.Name, err)
		}
		for i, s := range srcs {
			name := "p-" + slug(pr.Name) + "--" + slug(s.Name)
			if containsString(names, name) {
				return nil, fmt.Errorf("sources: predictor %s with reasons %s: the name %s is taken", pr.Name, s.Name, name)
			}
			names = append(names, name)
			if err := predictCell(ctx, model, pr.Model.Concurrency, tmpl, name, users, texts[i], opts); err != nil {
				return nil, err
			}
			table.Rows = append(table.Rows, reasons.SourceRow{Predictor: pr.Name, Reasons: s.Name, Accuracy: reasons.Accuracy{Runner: name}})
		}
	}
	scores, err := rundir.ScoreRun(opts.RunDir, users, names, rundir.ScoreOptions{Related: opts.Related, Bootstrap: opts.Bootstrap, Seed: opts.Seed})
	if err != nil {
		return nil, err
	}
	for i := range table.Rows {
		sc := scores.Runners[table.Rows[i].Runner]
		row := &table.Rows[i]
		row.N, row.EM, row.RM, row.EMCI, row.RMCI = sc.N, sc.EM, sc.RM, sc.EMCI, sc.RMCI
	}
	if err := safefile.WriteJSON(filepath.Join(opts.RunDir, reasons.SourcesFile), table); err != nil {
		return nil, err
	}
	return table, nil
}

// predictCell asks the predictor for every user of one cell not yet
// recorded without error.
func predictCell(ctx context.Context, model *llm.Client, workers int, tmpl *prompt.Template, name string, users []*bench.Example, texts map[string]string, opts SourcesOptions) error {
	path := rundir.PredictionsPath(opts.RunDir, name)
	done, err := rundir.ReadPredictions(path)
	if err != nil {
		return err
	}
	var todo []*bench.Example
	for _, ex := range users {
		if p, ok := done[ex.UserID]; !ok || p.Error != "" {
			todo = append(todo, ex)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	w, err := rundir.AppendPredictions(path)
	if err != nil {
		return err
	}
	err = track(ctx, opts.Stderr, name, len(todo), time.Now, func(ctx context.Context, prog *progress.Display) error {
		return pool.Each(ctx, todo, workers, func(ctx context.Context, ex *bench.Example) error {
			prog.Started()
			p, err := predictUser(ctx, model, tmpl, name, ex, texts, opts)
			if err != nil {
				return err
			}
			prog.Finished(p.Error != "")
			return w.Write(&p)
		})
	})
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}

// predictUser is one cell's prediction for one user; a failed call is
// recorded in it.
func predictUser(ctx context.Context, model *llm.Client, tmpl *prompt.Template, name string, ex *bench.Example, texts map[string]string, opts SourcesOptions) (rundir.Prediction, error) {
	p := rundir.Prediction{UserID: ex.UserID, Runner: name, Attempt: 1, Mapping: "none"}
	reason := strings.TrimSpace(texts[ex.UserID])
	if reason == "" {
		p.Error = "no reason from this source for the user"
		return p, nil
	}
	p.Reason = reason
	hist, err := prompt.SerializeHistory(ex, prompt.HistoryFormat)
	if err != nil {
		p.Error = err.Error()
		return p, nil
	}
	text, err := tmpl.Render(prompt.Data{History: hist, Reasoning: reason})
	if err != nil {
		return p, err
	}
	o, err := ask(ctx, model, "predictor", text, ex.UserID, 1, 1)
	if err != nil {
		return p, err
	}
	p.CacheKey = o.key
	if o.err != "" {
		p.Error = o.err
		return p, nil
	}
	ch := o.res.Choices[0]
	pa := prompt.ParseOutput(ch.Content, ch.Truncated())
	p.Raw, p.Answer, p.Parse = ch.Content, pa.Answer, pa.How
	p.PromptTokens, p.CompletionTokens = o.res.Usage.Prompt, o.res.Usage.Completion
	if pa.Answer != "" {
		m := opts.Taxonomy.Normalize(pa.Answer)
		p.Code, p.Title, p.Mapping, p.MapScore = m.Code, m.Title, m.Method.String(), m.Score
	}
	return p, nil
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// slug is s in lower case with runs of other characters than letters and
// digits made one hyphen: a file name.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' {
			b.WriteRune(c)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimRight(b.String(), "-")
}
