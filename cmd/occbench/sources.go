package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/method"
	"github.com/occbench/occbench/reasons"
)

func newSourcesCmd() *cobra.Command {
	var test string
	var predictors, sourceSpecs []string
	opts := method.SourcesOptions{Seed: 1}
	cmd := &cobra.Command{
		Use:   "sources --test TEST.arrow --run DIR --predictor NAME=MODEL.yaml --reasons NAME=oracle|PREDICTIONS.jsonl",
		Short: "Cross occupation predictors with reason sources (paper Table 4)",
		Long: `On the test users that have an oracle reason, give every predictor
(--predictor NAME=MODEL.yaml, a model asked with the two-model predictor
prompt) the reason of every source (--reasons NAME=oracle for the test set's
oracle_reason column, or NAME=FILE.jsonl for the reasons of a reasoner's
predictions) and score the answers. Each cell's predictions go to
RUN/predictions/p-<predictor>--<source>.jsonl; the table, EM and RM with
95% bootstrap intervals per cell, to RUN/reason_sources.json, which
occbench report reads as Table 4. A user a source has no reason for counts
as wrong. Resumable: a rerun predicts only what is missing or failed.

MODEL.yaml is {endpoint: {base_url, model, api_key_env}, temperature,
max_tokens, concurrency, timeout, max_retries}.`,
		Example: "  occbench sources --test test.arrow --run runs/table4 \\\n" +
			"    --predictor Qwen3-8B-P=predictor.yaml \\\n" +
			"    --reasons 'Oracle Reason=oracle' --reasons Qwen3-8B-SFT-R=runs/paper/predictions/reasoner-sft.jsonl",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if test == "" || opts.RunDir == "" || len(predictors) == 0 || len(sourceSpecs) == 0 {
				return errors.New("sources: --test, --run, --predictor and --reasons are required")
			}
			opts.Stderr = cmd.ErrOrStderr()
			var preds []method.SourcePredictor
			for _, p := range predictors {
				name, path, ok := strings.Cut(p, "=")
				if !ok || name == "" || path == "" {
					return fmt.Errorf("sources: --predictor %q: want NAME=MODEL.yaml", p)
				}
				mf := modelFlags{config: path}
				mc, err := mf.merge(cmd, method.DefaultJudge)
				if err != nil {
					return fmt.Errorf("sources: predictor %s: %w", name, err)
				}
				preds = append(preds, method.SourcePredictor{Name: name, Model: mc})
			}
			var srcs []method.ReasonSource
			for _, r := range sourceSpecs {
				name, from, ok := strings.Cut(r, "=")
				if !ok || name == "" || from == "" {
					return fmt.Errorf("sources: --reasons %q: want NAME=oracle or NAME=PREDICTIONS.jsonl", r)
				}
				srcs = append(srcs, method.ReasonSource{Name: name, Oracle: from == "oracle", Predictions: from})
			}
			exs, _, err := bench.ReadAll(test)
			if err != nil {
				return fmt.Errorf("sources: %w", err)
			}
			table, err := method.ReasonSourcesTable(cmd.Context(), exs, preds, srcs, opts)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintf(tw, "predictor\treasons\tn\tEM\tEM 95%% CI\tRM\tRM 95%% CI\n")
			for _, r := range table.Rows {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%.4f\t[%.4f, %.4f]\t%.4f\t[%.4f, %.4f]\n", r.Predictor, r.Reasons, r.N,
					r.EM.Float(), r.EMCI[0].Float(), r.EMCI[1].Float(), r.RM.Float(), r.RMCI[0].Float(), r.RMCI[1].Float())
			}
			fmt.Fprintf(tw, "wrote\t%s\n", filepath.Join(opts.RunDir, reasons.SourcesFile))
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	f.StringVar(&test, "test", "", "test set (Arrow/Parquet) with oracle_reason")
	f.StringVar(&opts.RunDir, "run", "", "run directory")
	f.StringArrayVar(&predictors, "predictor", nil, "NAME=MODEL.yaml, repeatable")
	f.StringArrayVar(&sourceSpecs, "reasons", nil, "NAME=oracle or NAME=PREDICTIONS.jsonl, repeatable")
	f.IntVar(&opts.Limit, "limit", 0, "only the first N users with an oracle reason")
	f.IntVar(&opts.Bootstrap, "bootstrap", 1000, "bootstrap resamples of the intervals")
	f.IntVar(&opts.Related, "related", 20, "related occupations RM counts")
	f.Uint64Var(&opts.Seed, "seed", opts.Seed, "bootstrap seed")
	return cmd
}
