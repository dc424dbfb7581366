package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/occbench/occbench/rundir"
)

func newMergeCmd() *cobra.Command {
	var out string
	var o rundir.MergeOptions
	cmd := &cobra.Command{
		Use:   "merge SHARD_DIR... -o RUN_DIR",
		Short: "Join the run directories of the shards of a run (run --shard K/N) into one run",
		Long: `Merge checks that the shard directories are the N shards of one run (the
same suite, test and training sets by digest, seed, scoring protocol,
--limit, runners and resolved settings, each K once) and that together
they record every test user exactly once, naming the users missing or
recorded twice otherwise. It then writes RUN_DIR: manifest.json,
predictions/<runner>.jsonl in test-set order, and scores.json computed once
over all the records with the run's protocol and seed, so the scores,
bootstrap intervals included, are those of the same run made unsharded.

RUN_DIR must not exist or be empty; it appears complete or not at all.
occbench report RUN_DIR reports it like any run.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := rundir.Merge(out, args, o)
			if err != nil {
				return err
			}
			for _, w := range m.Warnings {
				fmt.Fprintln(cmd.ErrOrStderr(), "occbench merge: warning:", w)
			}
			return writeRunScores(cmd.OutOrStdout(), out, m.Scores)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "out", "o", "", "the merged run directory (must not exist or be empty)")
	f.StringVar(&o.TestPath, "test", "", "the run's test set, if it has moved since the shards ran (its digest must match)")
	markRequired(cmd, "out")
	return cmd
}
