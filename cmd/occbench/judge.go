package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/internal/safefile"
	"github.com/occbench/occbench/metrics"
	"github.com/occbench/occbench/reports"
	"github.com/occbench/occbench/runners"
)

func newJudgeCmd() *cobra.Command {
	var mf modelFlags
	var reasons, data, out, summary, keptOut, table3, system string
	opts := runners.JudgeOptions{Threshold: runners.DefaultJudgeThreshold}
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
			if reasons == "" || out == "" {
				return errors.New("judge: --reasons and -o are required")
			}
			mc, err := mf.resolve(cmd, runners.DefaultJudge)
			if err != nil {
				return fmt.Errorf("judge: %w", err)
			}
			opts.Model = mc
			opts.Stderr = cmd.ErrOrStderr()
			var items []runners.JudgeItem
			var oracle []*bench.Example
			if strings.HasSuffix(reasons, ".jsonl") {
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
				if items, err = runners.JudgeItemsFromPredictions(reasons, exs); err != nil {
					return err
				}
			} else {
				exs, _, err := bench.ReadAll(reasons)
				if err != nil {
					return fmt.Errorf("judge: %w", err)
				}
				oracle = exs
				items = runners.JudgeItemsFromOracle(exs)
			}
			if len(items) == 0 {
				return fmt.Errorf("judge: %s has no reason to judge", reasons)
			}
			recs, sum, err := runners.Judge(cmd.Context(), items, out, opts)
			if err != nil {
				return err
			}
			if keptOut != "" {
				if err := writeKept(keptOut, oracle, recs, opts.Threshold); err != nil {
					return err
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
						system = strings.TrimSuffix(filepath.Base(reasons), filepath.Ext(reasons))
					}
				}
				if err := upsertReasonQuality(table3, system, sum); err != nil {
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
	mf.add(cmd, runners.DefaultJudge, false)
	f := cmd.Flags()
	f.StringVar(&reasons, "reasons", "", "oracle set (Arrow/Parquet) or predictions file (JSONL) whose reasons to judge")
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

// writeKept writes the oracle users whose reason passed the judge, in
// their order, with their columns.
func writeKept(path string, oracle []*bench.Example, recs []runners.JudgeRecord, threshold int) error {
	pass := map[string]bool{}
	for _, r := range recs {
		if r.Source == "oracle" && r.Passes(threshold) {
			pass[r.UserID+"\x00"+r.ReasonSHA256] = true
		}
	}
	var kept []*bench.Example
	for _, ex := range oracle {
		if ex.OracleReason != "" && pass[ex.UserID+"\x00"+runners.ReasonDigest(ex.OracleReason)] {
			kept = append(kept, ex)
		}
	}
	if err := bench.WriteExamples(path, kept, map[string]string{"occbench.judge.threshold": fmt.Sprint(threshold)}); err != nil {
		return fmt.Errorf("judge: %w", err)
	}
	return nil
}

// upsertReasonQuality adds or replaces the system's row of Table 3's input
// in runDir, keeping the rows of other systems.
func upsertReasonQuality(runDir, system string, sum *runners.JudgeSummary) error {
	path := filepath.Join(runDir, reports.ReasonsFile)
	var in reports.ReasonsInput
	if b, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(b, &in); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	row := reports.ReasonRow{
		Runner:     system,
		N:          sum.Reasons,
		Factuality: metrics.Num(sum.Means["factuality"]),
		Coherence:  metrics.Num(sum.Means["coherence"]),
		Utility:    metrics.Num(sum.Means["utility"]),
		Overall:    metrics.Num(sum.Overall),
	}
	if sum.Reasons > 0 {
		row.PassRate = metrics.Num(float64(sum.Kept) / float64(sum.Reasons))
	}
	in.Judge = sum.Judge
	replaced := false
	for i := range in.Systems {
		if in.Systems[i].Runner == system {
			// Keep what other steps filled in (BLEU, ROUGE, labels).
			old := in.Systems[i]
			row.Label, row.Paper, row.BLEU, row.ROUGE1, row.ROUGE2, row.ROUGEL = old.Label, old.Paper, old.BLEU, old.ROUGE1, old.ROUGE2, old.ROUGEL
			in.Systems[i], replaced = row, true
		}
	}
	if !replaced {
		in.Systems = append(in.Systems, row)
	}
	return safefile.WriteJSON(path, in)
}
