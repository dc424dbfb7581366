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
			if train == "" || out == "" {
				return errors.New("oracle: --train and -o are required")
			}
			mc, err := mf.resolve(cmd, method.DefaultOracle)
			if err != nil {
				return err
			}
			opts.Model = mc
			opts.Stderr = cmd.ErrOrStderr()
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
	return cmd
}
