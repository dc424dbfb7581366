package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/occbench/occbench/metrics"
)

func newStatsCmd() *cobra.Command {
	return group("stats", "Statistical tests for comparing runners", newStatsMcNemarCmd())
}

func newStatsMcNemarCmd() *cobra.Command {
	var b, c, m int
	cmd := &cobra.Command{
		Use:   "mcnemar --b B --c C [--m M]",
		Short: "McNemar's test on discordant pair counts, exact and chi-square, with Bonferroni",
		Long: `McNemar prints McNemar's test for b (pairs only the first runner got right)
and c (only the second got right): the exact two-sided binomial test and the
chi-square test without and with continuity correction, as statsmodels'
mcnemar computes them, each with its p-value Bonferroni-adjusted for a family
of m comparisons. Non-finite values (b = c = 0) are written as null.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if b < 0 || c < 0 {
				return fmt.Errorf("--b %d --c %d: counts must be non-negative", b, c)
			}
			if m < 1 {
				return fmt.Errorf("--m %d: the family size must be at least 1", m)
			}
			tests, err := metrics.McNemarAll(b, c, m)
			if err != nil {
				return err
			}
			for _, w := range tests.Warnings() {
				fmt.Fprintln(cmd.ErrOrStderr(), "occbench stats mcnemar: warning:", w)
			}
			out, err := json.Marshal(tests)
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(append(out, '\n'))
			return err
		},
	}
	f := cmd.Flags()
	f.IntVar(&b, "b", 0, "pairs the first runner got right and the second wrong")
	f.IntVar(&c, "c", 0, "pairs the second runner got right and the first wrong")
	f.IntVar(&m, "m", 1, "number of comparisons in the family (Bonferroni)")
	markRequired(cmd, "b", "c")
	return cmd
}
