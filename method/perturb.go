package method

import (
	"context"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/internal/jsonl"
	"github.com/occbench/occbench/internal/safefile"
	"github.com/occbench/occbench/reasons"
)

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
	tax := opts.Judge.Taxonomy
	if tax == nil {
		tax = onet.Default()
		opts.Judge.Taxonomy = tax
	}
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
