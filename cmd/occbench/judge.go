package main

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
	"github.com/occbench/occbench/reasons"
)

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
			if reasonsPath == "" || out == "" {
				return errors.New("judge: --reasons and -o are required")
			}
			mc, err := mf.resolve(cmd, method.DefaultJudge)
			if err != nil {
				return err
			}
			opts.Model = mc
			opts.Stderr = cmd.ErrOrStderr()
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
	return cmd
}
