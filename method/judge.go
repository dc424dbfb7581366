package method

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"text/template"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/internal/jsonl"
	"github.com/occbench/occbench/internal/pool"
	"github.com/occbench/occbench/internal/progress"
	"github.com/occbench/occbench/internal/safefile"
	"github.com/occbench/occbench/llm"
	"github.com/occbench/occbench/prompt"
	"github.com/occbench/occbench/reasons"
	"github.com/occbench/occbench/rundir"
)

// DefaultJudge are the judge's defaults: greedy decoding, the paper's
// threshold of 4 on every dimension.
var DefaultJudge = ModelConfig{Config: llm.DefaultConfig}

// JudgeItem is a reason to judge, with the user it is about.
type JudgeItem struct {
	Example *bench.Example // history and true occupation
	Source  string         // "oracle", a runner's name, or a perturbation's label
	Reason  string
	// Occupation is the next occupation the utility judge is shown; ""
	// is the user's true one.
	Occupation string
}

// JudgeOptions are the settings and side effects of Judge.
type JudgeOptions struct {
	Model     ModelConfig
	Threshold int
	// RunDir holds the request cache (beside it, as for runs); "" is the
	// output's directory.
	RunDir string
	Env
}

// Judge scores every item's reason on factuality (the judge sees the
// history and the reason), coherence (the reason alone) and utility (the
// true next occupation and the reason), three separate calls, and appends
// one reasons.JudgeRecord per reason to out (JSONL) as each finishes. A reason
// already in out without a failed dimension is not judged again; the
// request cache makes repeated calls free. The records come back in item
// order.
func Judge(ctx context.Context, items []JudgeItem, out string, opts JudgeOptions) ([]reasons.JudgeRecord, *reasons.JudgeSummary, error) {
	if opts.Threshold == 0 {
		opts.Threshold = reasons.DefaultJudgeThreshold
	}
	if opts.Threshold < 1 || opts.Threshold > 5 {
		return nil, nil, fmt.Errorf("judge: threshold %d: want 1 to 5", opts.Threshold)
	}
	opts.taxonomy()
	if opts.RunDir == "" {
		opts.RunDir = filepath.Dir(out)
	}
	prompts, err := prompt.JudgeTemplates()
	if err != nil {
		return nil, nil, err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return nil, nil, fmt.Errorf("judge: %w", err)
	}
	model, err := newModel(opts.Model, opts.RunDir, opts.LLM)
	if err != nil {
		return nil, nil, fmt.Errorf("judge: %w", err)
	}
	key := func(user, source, digest string) string { return user + "\x00" + source + "\x00" + digest }
	done := map[string]reasons.JudgeRecord{}
	err = jsonl.ReadFile(out, func(rec *reasons.JudgeRecord) error {
		done[key(rec.UserID, rec.Source, rec.ReasonSHA256)] = *rec
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("judge: %w", err)
	}
	f, err := jsonl.Append(out)
	if err != nil {
		return nil, nil, fmt.Errorf("judge: %w", err)
	}
	defer f.Close()
	var mu sync.Mutex
	// The judge sees one reason under several labels: a request in flight
	// is shared, not paid for twice.
	var shared singleflight.Group
	var todo []JudgeItem
	queued := map[string]bool{}
	for _, it := range items {
		k := key(it.Example.UserID, it.Source, reasons.ReasonDigest(it.Reason))
		if rec, ok := done[k]; (!ok || rec.Failed()) && !queued[k] {
			todo = append(todo, it)
			queued[k] = true
		}
	}
	err = track(ctx, opts.Stderr, "judge", len(todo), time.Now, func(ctx context.Context, prog *progress.Display) error {
		return pool.Each(ctx, todo, opts.Model.Concurrency, func(ctx context.Context, it JudgeItem) error {
			prog.Started()
			rec, err := judgeOne(ctx, model, &shared, prompts, it, opts)
			if err != nil {
				return err
			}
			prog.Finished(rec.Failed())
			mu.Lock()
			done[key(rec.UserID, rec.Source, rec.ReasonSHA256)] = rec
			mu.Unlock()
			return f.Write(rec)
		})
	})
	if err != nil {
		return nil, nil, err
	}
	if err := f.Close(); err != nil {
		return nil, nil, fmt.Errorf("judge: %w", err)
	}
	recs := make([]reasons.JudgeRecord, len(items))
	for i, it := range items {
		recs[i] = done[key(it.Example.UserID, it.Source, reasons.ReasonDigest(it.Reason))]
	}
	sum := reasons.SummarizeJudge(recs, opts.Model.Endpoint.Model, opts.Threshold)
	if sum.Failed == sum.Reasons && sum.Reasons > 0 {
		return recs, sum, fmt.Errorf("judge: every one of the %d reasons has a dimension the judge did not score, the first with: %s", sum.Reasons, recs[0].FirstError())
	}
	return recs, sum, nil
}

// judgeOne makes the three calls for one reason. A call that fails, or a
// reply without a score, is recorded in its dimension; only fatal errors
// are returned.
func judgeOne(ctx context.Context, model *llm.Client, shared *singleflight.Group, prompts map[string]*template.Template, it JudgeItem, opts JudgeOptions) (reasons.JudgeRecord, error) {
	ex := it.Example
	rec := reasons.JudgeRecord{UserID: ex.UserID, Source: it.Source, ReasonSHA256: reasons.ReasonDigest(it.Reason)}
	occ := it.Occupation
	if occ == "" {
		occ = ex.TargetTitle
		if occ == "" {
			if o, ok := opts.Taxonomy.ByCode(ex.TargetCode); ok {
				occ = o.Title
			}
		}
	}
	hist, err := prompt.SerializeHistory(ex, prompt.HistoryFormat)
	if err != nil {
		rec.Factuality.Error = err.Error()
	}
	data := prompt.JudgeData{History: hist, Reasoning: strings.TrimSpace(it.Reason), Occupation: occ}
	dims := []*reasons.JudgeScore{&rec.Factuality, &rec.Coherence, &rec.Utility}
	for i, dim := range prompt.JudgeDimensions {
		js := dims[i]
		if js.Error != "" {
			continue
		}
		if dim == "utility" && occ == "" {
			js.Error = "no true next occupation to judge utility against"
			continue
		}
		var b strings.Builder
		if err := prompts[dim].Execute(&b, data); err != nil {
			return rec, fmt.Errorf("judge prompt %s: %w", dim, err)
		}
		call, err := model.NewCall("judge-"+dim, b.String(), ex.UserID, 1, 1)
		if err != nil {
			return rec, err
		}
		v, err, _ := shared.Do(call.Key, func() (any, error) { return send(ctx, model, call) })
		if err != nil {
			return rec, err
		}
		o := v.(outcome)
		js.CacheKey = o.key
		if o.err != "" {
			js.Error = o.err
			continue
		}
		score, just, perr := prompt.ParseJudge(o.res.Choices[0].Content, dim)
		if perr != nil {
			js.Error = perr.Error()
			continue
		}
		js.Score, js.Justification = score, just
	}
	rec.Pass = rec.Passes(opts.Threshold)
	return rec, nil
}

// JudgeItemsFromOracle are the oracle reasons of a data set.
func JudgeItemsFromOracle(exs []*bench.Example) []JudgeItem {
	var out []JudgeItem
	for _, ex := range exs {
		if strings.TrimSpace(ex.OracleReason) != "" {
			out = append(out, JudgeItem{Example: ex, Source: "oracle", Reason: ex.OracleReason})
		}
	}
	return out
}

// JudgeItemsFromPredictions are the reasons of a predictions file, with
// the history and truth of their users from exs. Predictions without a
// reason, or of users not in exs, are skipped.
func JudgeItemsFromPredictions(path string, exs []*bench.Example) ([]JudgeItem, error) {
	byID := make(map[string]*bench.Example, len(exs))
	for _, ex := range exs {
		byID[ex.UserID] = ex
	}
	preds, err := rundir.ReadPredictions(path)
	if err != nil {
		return nil, err
	}
	var out []JudgeItem
	for _, ex := range exs { // in data set order
		p, ok := preds[ex.UserID]
		if !ok || strings.TrimSpace(p.Reason) == "" {
			continue
		}
		out = append(out, JudgeItem{Example: ex, Source: p.Runner, Reason: p.Reason})
	}
	if len(out) == 0 && len(preds) > 0 {
		return nil, errors.New("judge: no prediction with a reason matches a user of the data set")
	}
	return out, nil
}

// DefaultPerturbSample is the paper's sample: 100 reasons.
const DefaultPerturbSample = 100

// PerturbOptions are the settings of PerturbationStudy.
type PerturbOptions struct {
	Judge  JudgeOptions
	RunDir string
	Sample int // reasons to perturb; 0 is DefaultPerturbSample
	Seed   uint64
}

// PerturbationStudy is the judge's robustness test (paper Table 1): a
// seeded sample of users with oracle reasons, six perturbed versions of
// each reason, every version judged on all three dimensions. Table 1's
// oracle row is the mean scores of the reasons as they are; the minor and
// major rows give each dimension's mean score over the versions that
// attack that dimension. It writes RunDir/perturbations.jsonl,
// RunDir/judge_perturbation.jsonl and RunDir/judge_perturbation.json.
func PerturbationStudy(ctx context.Context, exs []*bench.Example, opts PerturbOptions) (*reasons.PerturbationTable, error) {
	if opts.RunDir == "" {
		return nil, errors.New("perturb: no run directory")
	}
	if opts.Sample == 0 {
		opts.Sample = DefaultPerturbSample
	}
	tax := opts.Judge.taxonomy()
	var pool []*bench.Example
	for _, ex := range exs {
		if strings.TrimSpace(ex.OracleReason) != "" && ex.TargetCode != "" {
			if _, ok := tax.ByCode(ex.TargetCode); ok {
				pool = append(pool, ex)
			}
		}
	}
	if len(pool) == 0 {
		return nil, errors.New("perturb: no user has an oracle reason and a known target occupation")
	}
	if opts.Sample < len(pool) {
		pick := rand.New(rand.NewPCG(opts.Seed, 0x7065727475726221)).Perm(len(pool))[:opts.Sample]
		slices.Sort(pick)
		sample := make([]*bench.Example, len(pick))
		for i, j := range pick {
			sample[i] = pool[j]
		}
		pool = sample
	}
	var items []JudgeItem
	var perts []reasons.Perturbation
	for _, ex := range pool {
		items = append(items, JudgeItem{Example: ex, Source: "oracle", Reason: ex.OracleReason})
		for _, p := range reasons.Perturb(ex, tax, opts.Seed) {
			perts = append(perts, p)
			items = append(items, JudgeItem{Example: ex, Source: p.Source(), Reason: p.Reason, Occupation: p.Occupation})
		}
	}
	if err := jsonl.WriteFile(filepath.Join(opts.RunDir, reasons.PerturbationsFile), perts); err != nil {
		return nil, err
	}
	if opts.Judge.RunDir == "" {
		opts.Judge.RunDir = opts.RunDir
	}
	recs, _, err := Judge(ctx, items, filepath.Join(opts.RunDir, reasons.PerturbationJudgeFile), opts.Judge)
	if err != nil {
		return nil, err
	}
	table := reasons.NewPerturbationTable(recs, opts.Judge.Model.Endpoint.Model, len(pool))
	if err := safefile.WriteJSON(filepath.Join(opts.RunDir, reasons.PerturbationFile), table); err != nil {
		return nil, err
	}
	return table, nil
}
