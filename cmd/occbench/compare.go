package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/occbench/occbench/reports"
)

func newCompareCmd() *cobra.Command {
	var (
		format, correction, method, testPath string
		alpha, maxDrop                       float64
		only                                 []string
	)
	cmd := &cobra.Command{
		Use:   "compare BASE_RUN NEW_RUN",
		Short: "Compare two runs runner by runner; exit 1 on a significant regression (a CI gate)",
		Long: `Compare scores the runners present in both runs over the same test set and
reports, per runner, the change in EM and RM, the users that flipped each
way (b: right in BASE_RUN and wrong in NEW_RUN; c: the reverse), McNemar's
p-value (exact by default) adjusted over the m runners compared (Bonferroni
or Holm), and a verdict: regression, improvement, no significant change, or
a tolerated drop (significant but at most --max-drop EM points). Path runs
(suite key horizon: K, the same K in both) are also tested on EM@h at every
horizon h, a family of the m runners per h; a significant drop at any h is a
regression, named with its h.

Exit status: 0 when no runner regressed significantly, 1 when one did, 2
when the runs cannot be compared (different test sets, missing samples, no
runner in common, bad flags). --format json writes the result for CI.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if err := cobra.ExactArgs(2)(cmd, args); err != nil {
				return &exitError{2, err}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "markdown" && format != "json" {
				return &exitError{2, fmt.Errorf("--format %q: want text, markdown or json", format)}
			}
			sig, err := significanceFlags(method, correction, alpha)
			if err != nil {
				return &exitError{2, err}
			}
			if maxDrop < 0 {
				return &exitError{2, fmt.Errorf("--max-drop %g: want EM points, 0 or more", maxDrop)}
			}
			cmp, err := reports.Compare(args[0], args[1], reports.CompareOptions{Significance: sig, MaxDrop: maxDrop, Only: only, TestPath: testPath})
			if err != nil {
				if errors.Is(err, reports.ErrUnusable) {
					err = fmt.Errorf("cannot compare: %w", err)
				}
				if format == "json" {
					// A CI step that reads the JSON learns why too.
					b, _ := json.Marshal(map[string]string{"verdict": "unusable", "error": err.Error()})
					fmt.Fprintf(cmd.OutOrStdout(), "%s\n", b)
				}
				return &exitError{2, err}
			}
			out := cmd.OutOrStdout()
			switch format {
			case "json":
				err = cmp.WriteJSON(out)
			case "markdown":
				err = reports.WriteTables(out, reports.Markdown, cmp.Tables())
			default:
				err = reports.WriteTables(out, reports.Text, cmp.Tables())
			}
			if err != nil {
				return &exitError{2, err}
			}
			if cmp.Verdict == reports.VerdictRegression {
				return &exitError{1, errors.New(cmp.Summary())}
			}
			return nil
		},
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &exitError{2, err} })
	fl := cmd.Flags()
	fl.StringVar(&format, "format", "text", "output: text, markdown or json")
	fl.StringVar(&method, "method", "exact", "McNemar's test: exact, chi2 or chi2-corrected")
	fl.StringVar(&correction, "correction", "bonferroni", "correction over the runners compared: bonferroni or holm")
	fl.Float64Var(&alpha, "alpha", 0.05, "significance level")
	fl.Float64Var(&maxDrop, "max-drop", 0, "tolerate significant EM drops of at most this many percentage points")
	fl.StringSliceVar(&only, "only", nil, "compare only these runners (repeat or comma-separate)")
	fl.StringVar(&testPath, "test", "", "the runs' test set, if it has moved since the runs (its digest must match)")
	return cmd
}
