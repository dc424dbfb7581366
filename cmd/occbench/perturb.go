package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/method"
	"github.com/occbench/occbench/metrics"
	"github.com/occbench/occbench/reasons"
)

func newPerturbCmd() *cobra.Command {
	var mf modelFlags
	var reasonsPath string
	opts := method.PerturbOptions{Sample: method.DefaultPerturbSample, Seed: 1}
	cmd := &cobra.Command{
		Use:   "perturb --reasons ORACLE.arrow --run DIR --endpoint URL --model M",
		Short: "Test the judge with perturbed oracle reasons (paper Table 1)",
		Long: `Draw --sample users with oracle reasons (seeded), make six deterministic
perturbations of each reason — factuality: 1 (minor) or 2–3 (major) facts
of the history changed (a year, a school, a title), or made-up claims when
the reason states too few; coherence: 20% or 50% of the sentences moved;
utility: the true next occupation replaced by its first related occupation
in O*NET (minor) or by one of another major group (major) — and judge every
version on all three dimensions. Writes RUN/perturbations.jsonl (what each
version changed), RUN/judge_perturbation.jsonl (every verdict) and
RUN/judge_perturbation.json (Table 1: for the oracle reasons, the mean of
each dimension; for minor and major, each dimension's mean over the
versions that perturb it). Resumable: a rerun judges only what is missing.`,
		Example: "  occbench perturb --reasons oracle.arrow --run runs/paper --endpoint https://api.openai.com/v1 --model gpt-4.1 --api-key-env OPENAI_API_KEY",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if reasonsPath == "" || opts.RunDir == "" {
				return errors.New("perturb: --reasons and --run are required")
			}
			mc, err := mf.resolve(cmd, method.DefaultJudge)
			if err != nil {
				return err
			}
			opts.Judge.Model = mc
			opts.Judge.Stderr = cmd.ErrOrStderr()
			exs, _, err := bench.ReadAll(reasonsPath)
			if err != nil {
				return fmt.Errorf("perturb: %w", err)
			}
			table, err := method.PerturbationStudy(cmd.Context(), exs, opts)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintf(tw, "reason type (%d users, judge %s)\tfactuality\tcoherence\tutility\n", table.Users, table.Judge)
			f := func(v metrics.Number) string {
				if !v.Valid() {
					return "—"
				}
				return fmt.Sprintf("%.2f", v.Float())
			}
			for _, r := range table.Rows {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Label, f(r.Factuality), f(r.Coherence), f(r.Utility))
			}
			fmt.Fprintf(tw, "wrote\t%s\n", filepath.Join(opts.RunDir, reasons.PerturbationFile))
			return tw.Flush()
		},
	}
	mf.add(cmd, method.DefaultJudge, false)
	f := cmd.Flags()
	f.StringVar(&reasonsPath, "reasons", "", "oracle set (Arrow/Parquet) with oracle_reason")
	f.StringVar(&opts.RunDir, "run", "", "run directory for the outputs")
	f.IntVar(&opts.Sample, "sample", opts.Sample, "reasons to perturb (seeded sample)")
	f.Uint64Var(&opts.Seed, "seed", opts.Seed, "seed of the sample and the perturbations")
	return cmd
}
