package main

// The commands of the paper's method: oracle, judge, perturb and sources.
// Each resolves its model from modelFlags and calls package method.

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/internal/safefile"
	"github.com/occbench/occbench/method"
	"github.com/occbench/occbench/metrics"
	"github.com/occbench/occbench/reasons"
)

func newOracleCmd() *cobra.Command {
	var mf modelFlags
	var train, out, runDir string
	opts := method.OracleOptions{Seed: 1}
	cmd := &cobra.Command{
		Use:   "oracle --train TRAIN.arrow -o ORACLE.arrow --endpoint URL --model M",
		Short: "Generate oracle reasons: several attempts per user, kept when the answer is right",
		Long: `For each training user, ask the model for --attempts independent (reason,
next occupation) attempts from the history alone, with the joint prompt.
An attempt is correct when its answer maps onto the user's true O*NET
occupation. Users with at least one correct attempt are kept, with the
reasoning of one of their correct attempts drawn with --seed as
oracle_reason (empty when none of them wrote any), and written to -o with
every attempt and its correctness (the attempts column).

Each user's attempts are appended to RUN/oracle_attempts.jsonl as they
finish and every response is cached, so a killed run resumes where it
stopped and a rerun is free. RUN/oracle.json holds the counts.`,
		Example: "  occbench oracle --train train.arrow -o oracle.arrow --endpoint https://api.openai.com/v1 --model gpt-4.1 --api-key-env OPENAI_API_KEY\n" +
			"  occbench oracle --config oracle.yaml --train train.arrow -o oracle.arrow --limit 100",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			mc, err := mf.resolve(cmd, method.DefaultOracle)
			if err != nil {
				return err
			}
			opts.Model, opts.Stderr = mc, cmd.ErrOrStderr()
			if mc.Attempts > 1 && mc.Temperature != nil && *mc.Temperature == 0 {
				fmt.Fprintln(cmd.ErrOrStderr(), "oracle: warning: several attempts at temperature 0 are likely to be the same answer")
			}
			opts.RunDir = runDir
			if opts.RunDir == "" {
				opts.RunDir = strings.TrimSuffix(out, filepath.Ext(out)) + "-run"
			}
			exs, _, err := bench.ReadAll(train)
			if err != nil {
				return fmt.Errorf("oracle: %w", err)
			}
			sum, err := method.Oracle(cmd.Context(), exs, out, opts)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintf(tw, "users\t%d (%d with a failed call)\n", sum.Users, sum.Failed)
			fmt.Fprintf(tw, "attempts\t%d (%d correct)\n", sum.Attempts, sum.Correct)
			fmt.Fprintf(tw, "valid reasons\t%d\n", sum.ValidReasons)
			fmt.Fprintf(tw, "kept users\t%d (%d with a wrong attempt too, %d without a reason)\n", sum.Kept, sum.Preference, sum.NoReason)
			fmt.Fprintf(tw, "wrote\t%s, %s\n", out, filepath.Join(opts.RunDir, method.OracleAttemptsFile))
			return tw.Flush()
		},
	}
	mf.add(cmd, method.DefaultOracle, true)
	f := cmd.Flags()
	f.StringVar(&train, "train", "", "training users (Arrow or Parquet) with their true next occupation")
	f.StringVarP(&out, "out", "o", "", "oracle set to write (Arrow, or Parquet by extension)")
	f.StringVar(&runDir, "run", "", "run directory: attempts log and summary (default: next to -o)")
	f.IntVar(&opts.Limit, "limit", 0, "only the first N users")
	f.Uint64Var(&opts.Seed, "seed", opts.Seed, "seed of the oracle reason draw")
	markRequired(cmd, "train", "out")
	atLeast(cmd, map[string]int{"limit": 0, "attempts": 1, "concurrency": 1, "max-retries": 0, "max-tokens": 0})
	return cmd
}

func newJudgeCmd() *cobra.Command {
	var mf modelFlags
	var reasonsPath, data, out, summary, keptOut, table3, system string
	opts := method.JudgeOptions{Threshold: reasons.DefaultJudgeThreshold}
	cmd := &cobra.Command{
		Use:   "judge --reasons ORACLE.arrow -o JUDGE.jsonl --endpoint URL --model M",
		Short: "Score reasons with the LLM judge: factuality, coherence and utility, 1–5 each",
		Long: `Score each reason with three separate judge calls: factuality (the judge
sees the history and the reason), coherence (the reason alone) and utility
(the true next occupation and the reason). Each returns a 1–5 score and a
justification as JSON. One line per reason goes to -o as it is judged:
{"user_id", "source", "reason_sha256", "factuality": {"score",
"justification", "error", "cache_key"}, "coherence": {…}, "utility": {…},
"pass"}. A reason passes when every score is at least --threshold (the
paper: 4). A rerun judges only what is missing or failed.

--reasons is an oracle set (Arrow/Parquet, its oracle_reason column) or a
predictions file (JSONL, its reason field; give the data set with --data).
The summary (counts, means, the users kept) is printed and written to
--summary (default: beside -o, .summary.json). With --kept, the oracle
users whose reason passed are also written as a data set.`,
		Example: "  occbench judge --reasons oracle.arrow -o judge.jsonl --endpoint https://api.openai.com/v1 --model gpt-4.1 --api-key-env OPENAI_API_KEY\n" +
			"  occbench judge --reasons run/predictions/qwen-joint.jsonl --data test.arrow -o judge-qwen.jsonl --config judge.yaml",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			mc, err := mf.resolve(cmd, method.DefaultJudge)
			if err != nil {
				return err
			}
			opts.Model, opts.Stderr = mc, cmd.ErrOrStderr()
			var items []method.JudgeItem
			var oracle []*bench.Example
			if strings.HasSuffix(reasonsPath, ".jsonl") {
				if keptOut != "" {
					return errors.New("judge: --kept needs an oracle set as --reasons")
				}
				if data == "" {
					return errors.New("judge: a predictions file needs --data, the data set with the users' histories")
				}
				exs, _, err := bench.ReadAll(data)
				if err != nil {
					return fmt.Errorf("judge: %w", err)
				}
				if items, err = method.JudgeItemsFromPredictions(reasonsPath, exs); err != nil {
					return err
				}
			} else {
				exs, _, err := bench.ReadAll(reasonsPath)
				if err != nil {
					return fmt.Errorf("judge: %w", err)
				}
				oracle = exs
				items = method.JudgeItemsFromOracle(exs)
			}
			if len(items) == 0 {
				return fmt.Errorf("judge: %s has no reason to judge", reasonsPath)
			}
			recs, sum, err := method.Judge(cmd.Context(), items, out, opts)
			if err != nil {
				return err
			}
			if keptOut != "" {
				kept := reasons.Passed(oracle, recs, opts.Threshold)
				if err := bench.WriteExamples(keptOut, kept, map[string]string{"occbench.judge.threshold": fmt.Sprint(opts.Threshold)}); err != nil {
					return fmt.Errorf("judge: %w", err)
				}
			}
			if summary == "" {
				summary = strings.TrimSuffix(out, filepath.Ext(out)) + ".summary.json"
			}
			if err := safefile.WriteJSON(summary, sum); err != nil {
				return err
			}
			if table3 != "" {
				if system == "" {
					system = "oracle"
					if oracle == nil {
						system = strings.TrimSuffix(filepath.Base(reasonsPath), filepath.Ext(reasonsPath))
					}
				}
				if err := reasons.UpsertQuality(table3, system, sum); err != nil {
					return err
				}
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintf(tw, "reasons\t%d (%d with an unscored dimension)\n", sum.Reasons, sum.Failed)
			fmt.Fprintf(tw, "kept\t%d (every score ≥ %d)\n", sum.Kept, sum.Threshold)
			fmt.Fprintf(tw, "mean\tfactuality %.2f, coherence %.2f, utility %.2f, overall %.2f\n",
				sum.Means["factuality"], sum.Means["coherence"], sum.Means["utility"], sum.Overall)
			fmt.Fprintf(tw, "wrote\t%s, %s\n", out, summary)
			if keptOut != "" {
				fmt.Fprintf(tw, "kept set\t%s\n", keptOut)
			}
			return tw.Flush()
		},
	}
	mf.add(cmd, method.DefaultJudge, false)
	f := cmd.Flags()
	f.StringVar(&reasonsPath, "reasons", "", "oracle set (Arrow/Parquet) or predictions file (JSONL) whose reasons to judge")
	f.StringVar(&data, "data", "", "with a predictions file: the data set with histories and true occupations")
	f.StringVarP(&out, "out", "o", "", "judge records to write (JSONL, appended)")
	f.StringVar(&summary, "summary", "", "summary JSON (default: beside -o)")
	f.StringVar(&keptOut, "kept", "", "also write the oracle users whose reason passed (Arrow/Parquet), the SFT set")
	f.IntVar(&opts.Threshold, "threshold", opts.Threshold, "a reason is kept when every score is at least this")
	f.StringVar(&table3, "table3", "", "also record the means as a row of RUN_DIR/reason_quality.json, which occbench report shows as Table 3")
	f.StringVar(&system, "system", "", "with --table3: the row's runner name (default: oracle for an oracle set, else the predictions file's name)")
	f.StringVar(&opts.RunDir, "run", "", "directory the request cache goes beside (default: the directory of -o)")
	markRequired(cmd, "reasons", "out")
	atLeast(cmd, map[string]int{"threshold": 1, "concurrency": 1, "max-retries": 0, "max-tokens": 0})
	return cmd
}

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
			mc, err := mf.resolve(cmd, method.DefaultJudge)
			if err != nil {
				return err
			}
			opts.Judge.Model, opts.Judge.Stderr = mc, cmd.ErrOrStderr()
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
	markRequired(cmd, "reasons", "run")
	atLeast(cmd, map[string]int{"sample": 0, "concurrency": 1, "max-retries": 0, "max-tokens": 0})
	return cmd
}

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
	markRequired(cmd, "test", "run", "predictor", "reasons")
	atLeast(cmd, map[string]int{"limit": 0, "bootstrap": 1, "related": 1})
	return cmd
}
