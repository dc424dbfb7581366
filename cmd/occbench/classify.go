package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/internal/safefile"
	"github.com/occbench/occbench/method"
)

func newClassifyCmd() *cobra.Command {
	var (
		input, out, eval, format string
		promptFile, cacheDir     string
		o                        onet.ClassifyOptions
		mf                       modelFlags
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
method.

With --endpoint and --model (or --config), a model picks among the
classifier's --top candidates (their titles and the first sentence of their
descriptions) for every text the classifier is not sure of; its picks have
method "reranked". Answers are cached (--cache), so a rerun sends nothing
twice; a failed call keeps the classifier's answer and is counted.`,
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
			so := onet.StreamOptions{ClassifyOptions: o}
			var rr *method.Reranker
			if f := cmd.Flags(); f.Changed("endpoint") || f.Changed("config") {
				mc, err := mf.resolve(cmd, method.DefaultJudge)
				if err != nil {
					return err
				}
				if cacheDir == "" {
					cacheDir = filepath.Join(filepath.Dir(cmp.Or(out, eval, "x")), ".occbench-cache")
				}
				rr, err = method.NewReranker(method.RerankOptions{Model: mc, Classify: o, Prompt: promptFile, CacheDir: cacheDir,
					Env: method.Env{Taxonomy: tax, Stderr: cmd.ErrOrStderr()}})
				if err != nil {
					return err
				}
				so.Batch = rr.Batch
			}
			var err error
			if eval != "" {
				err = classifyEval(cmd, tax, eval, format, so)
			} else {
				err = classifyInput(cmd, tax, input, out, so)
			}
			if rr != nil {
				if n, first := rr.Failures(); n > 0 {
					fmt.Fprintf(cmd.ErrOrStderr(), "occbench classify: %d texts kept the classifier's answer because the model gave none; the first: %s\n", n, first)
				}
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&input, "input", "", `texts, one per line, or JSON Lines with a "text" field ("-" for stdin)`)
	f.StringVarP(&out, "out", "o", "", "write the JSON Lines here (default stdout)")
	f.IntVar(&o.Top, "top", 5, "candidates per text")
	f.Float64Var(&o.MinScore, "min-score", onet.DefaultMinScore, "best score under which a text is unclassified")
	f.StringVar(&eval, "eval", "", "measure on a labelled file instead (text and acceptable codes)")
	f.StringVar(&format, "format", "text", "--eval output: text or json")
	f.StringVar(&promptFile, "prompt", "", "with a model: a template replacing the embedded rerank prompt")
	f.StringVar(&cacheDir, "cache", "", "with a model: the request cache (default .occbench-cache beside -o or --eval)")
	mf.add(cmd, method.DefaultJudge, false)
	atLeast(cmd, map[string]int{"concurrency": 1, "max-retries": 0, "max-tokens": 0})
	return cmd
}

// classifyInput classifies the texts of input into out (stdout when "").
func classifyInput(cmd *cobra.Command, tax *onet.Taxonomy, input, out string, so onet.StreamOptions) error {
	in, name, closeIn, err := openInput(cmd.InOrStdin(), input)
	if err != nil {
		return err
	}
	defer closeIn()
	write := func(w io.Writer) error {
		_, err := tax.ClassifyStream(cmd.Context(), in, name, w, so)
		return err
	}
	if out == "" || out == "-" {
		return write(cmd.OutOrStdout())
	}
	return safefile.Write(out, write)
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

// classifyEval measures the classifier, or the reranker of so, on a
// labelled file.
func classifyEval(cmd *cobra.Command, tax *onet.Taxonomy, path, format string, so onet.StreamOptions) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	items, err := tax.ReadLabelled(f, path)
	if err != nil {
		return err
	}
	classify := func(s string) onet.Classification { return tax.Classify(s, so.ClassifyOptions) }
	if so.Batch != nil {
		texts := make([]string, len(items))
		for i, it := range items {
			texts[i] = it.Text
		}
		got := make([]onet.Classification, len(items))
		if err := so.Batch(cmd.Context(), texts, got); err != nil {
			return err
		}
		byText := map[string]onet.Classification{}
		for i, s := range texts {
			byText[s] = got[i]
		}
		classify = func(s string) onet.Classification { return byText[s] }
	}
	e := onet.Evaluate(items, classify)
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
