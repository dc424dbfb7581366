package main

import (
	"bufio"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/occbench/occbench/metrics"
)

func newStatsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Statistical tests for comparing runners",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	cmd.AddCommand(newStatsMcNemarCmd())
	return cmd
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
			var res [3]metrics.McNemarResult
			for i, meth := range []metrics.McNemarMethod{metrics.McNemarExact, metrics.McNemarChi2, metrics.McNemarChi2Corrected} {
				r, err := metrics.McNemar(b, c, meth, m)
				if err != nil {
					return err
				}
				res[i] = r
			}
			seen := map[string]bool{}
			for _, r := range res {
				for _, w := range r.Warnings {
					if !seen[w] {
						seen[w] = true
						fmt.Fprintf(cmd.ErrOrStderr(), "occbench stats mcnemar: warning: %s (%s)\n", w, r.Method)
					}
				}
			}
			out := bufio.NewWriter(cmd.OutOrStdout())
			if _, err := out.Write(appendMcNemarJSON(nil, b, c, m, res)); err != nil {
				return err
			}
			return out.Flush()
		},
	}
	f := cmd.Flags()
	f.IntVar(&b, "b", 0, "pairs the first runner got right and the second wrong")
	f.IntVar(&c, "c", 0, "pairs the second runner got right and the first wrong")
	f.IntVar(&m, "m", 1, "number of comparisons in the family (Bonferroni)")
	_ = cmd.MarkFlagRequired("b")
	_ = cmd.MarkFlagRequired("c")
	return cmd
}

func appendMcNemarJSON(buf []byte, b, c, m int, res [3]metrics.McNemarResult) []byte {
	buf = append(buf, `{"b":`...)
	buf = strconv.AppendInt(buf, int64(b), 10)
	buf = append(buf, `,"c":`...)
	buf = strconv.AppendInt(buf, int64(c), 10)
	buf = append(buf, `,"m":`...)
	buf = strconv.AppendInt(buf, int64(m), 10)
	for i, key := range []string{"exact", "chi2", "chi2_corrected"} {
		buf = append(buf, `,"`+key+`":{"statistic":`...)
		buf = appendJSONFloat(buf, res[i].Statistic)
		buf = append(buf, `,"p":`...)
		buf = appendJSONFloat(buf, res[i].P)
		buf = append(buf, `,"p_adjusted":`...)
		buf = appendJSONFloat(buf, res[i].PAdj)
		buf = append(buf, '}')
	}
	return append(buf, "}\n"...)
}
