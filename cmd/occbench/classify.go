package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/internal/safefile"
)

func newClassifyCmd() *cobra.Command {
	var (
		input, out, eval, format string
		o                        onet.ClassifyOptions
	)
	cmd := &cobra.Command{
		Use:   "classify --input FILE|- | --eval LABELLED",
		Short: "Map job titles or answers in free text onto O*NET-SOC 2019 occupations",
		Long: `Classify reads one text per line (or JSON Lines with a "text" field) and
writes one JSON line per input line, in order:
{"text", "code", "title", "score", "method", "candidates": [{"code", "title", "score"}]}.
code is "" when the best score is under --min-score (unclassified). method
is exact, normalised, code, alias or classified.

With --eval, it reads a labelled file (tab-separated with "text" and
"codes" columns, codes comma-separated, or JSON Lines of {"text", "codes"})
and prints accuracy@1, accuracy@5, coverage, precision and a breakdown by
method.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (input == "") == (eval == "") {
				return fmt.Errorf("give --input FILE (or - for stdin) to classify, or --eval FILE to measure")
			}
			if o.Top < 1 {
				return fmt.Errorf("--top %d: want 1 or more", o.Top)
			}
			if o.MinScore < 0 || o.MinScore > 1 {
				return fmt.Errorf("--min-score %v: want 0 to 1", o.MinScore)
			}
			if format != "text" && format != "json" {
				return fmt.Errorf("--format %q: want text or json", format)
			}
			tax := onet.Default()
			if eval != "" {
				return classifyEval(cmd, tax, eval, format, o)
			}
			in, name, closeIn, err := openInput(cmd.InOrStdin(), input)
			if err != nil {
				return err
			}
			defer closeIn()
			write := func(w io.Writer) error {
				_, err := tax.ClassifyStream(cmd.Context(), in, name, w, onet.StreamOptions{ClassifyOptions: o})
				return err
			}
			if out == "" || out == "-" {
				return write(cmd.OutOrStdout())
			}
			return safefile.Write(out, write)
		},
	}
	f := cmd.Flags()
	f.StringVar(&input, "input", "", `texts, one per line, or JSON Lines with a "text" field ("-" for stdin)`)
	f.StringVarP(&out, "out", "o", "", "write the JSON Lines here (default stdout)")
	f.IntVar(&o.Top, "top", 5, "candidates per text")
	f.Float64Var(&o.MinScore, "min-score", onet.DefaultMinScore, "best score under which a text is unclassified")
	f.StringVar(&eval, "eval", "", "measure on a labelled file instead (text and acceptable codes)")
	f.StringVar(&format, "format", "text", "--eval output: text or json")
	return cmd
}

// openInput opens a file, or stdin for "-".
func openInput(stdin io.Reader, path string) (io.Reader, string, func(), error) {
	if path == "-" {
		return stdin, "stdin", func() {}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", nil, err
	}
	return f, path, func() { f.Close() }, nil
}

// classifyEval measures the classifier on a labelled file.
func classifyEval(cmd *cobra.Command, tax *onet.Taxonomy, path, format string, o onet.ClassifyOptions) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	items, err := tax.ReadLabelled(f, path)
	if err != nil {
		return err
	}
	e := onet.Evaluate(items, func(s string) onet.Classification { return tax.Classify(s, o) })
	w := cmd.OutOrStdout()
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(e)
	}
	return writeEvaluation(w, path, e)
}

// writeEvaluation prints an evaluation for people: the headline numbers,
// the methods, and the first misses.
func writeEvaluation(w io.Writer, path string, e onet.Evaluation) error {
	fmt.Fprintf(w, "%s: %d texts\n", path, e.N)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "accuracy@1\t%.3f\tthe first candidate acceptable\n", e.Accuracy1)
	fmt.Fprintf(tw, "accuracy@5\t%.3f\tan acceptable code among the first five\n", e.Accuracy5)
	fmt.Fprintf(tw, "coverage\t%.3f\tclassified (score at or above --min-score)\n", e.Coverage)
	fmt.Fprintf(tw, "precision\t%.3f\tright among the classified\n", e.Precision)
	fmt.Fprintf(tw, "accuracy\t%.3f\tclassified and right, over all texts\n", e.Classified)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nmethod      texts  right")
	methods := make([]string, 0, len(e.ByMethod))
	for m := range e.ByMethod {
		methods = append(methods, m)
	}
	slices.Sort(methods)
	for _, m := range methods {
		x := e.ByMethod[m]
		fmt.Fprintf(w, "%-10s %6d %6d\n", m, x.N, x.Right)
	}
	if len(e.Wrong) > 0 {
		const show = 10
		fmt.Fprintf(w, "\n%d wrong or unclassified; the first %d:\n", len(e.Wrong), min(show, len(e.Wrong)))
		for _, m := range e.Wrong[:min(show, len(e.Wrong))] {
			got := "unclassified"
			if m.Got != "" {
				got = m.Got + " " + m.Title
			}
			fmt.Fprintf(w, "  %q: got %s (%.2f), want %s\n", m.Text, got, m.Score, strings.Join(m.Want, " or "))
		}
	}
	return nil
}
