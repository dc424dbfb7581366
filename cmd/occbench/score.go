package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/occbench/occbench/metrics"
)

func newScoreCmd() *cobra.Command {
	var (
		input, smooth, nltkSmooth, nltkTok, format string
		stem, lowercase                            bool
	)
	cmd := &cobra.Command{
		Use:   "score --input PAIRS.jsonl",
		Short: "Score generated texts against references: BLEU (sacrebleu and NLTK) and ROUGE",
		Long: `Score reads JSON Lines of {"id", "hypothesis", "reference"} and prints, as
JSON, sentence BLEU of both families and ROUGE per item, and corpus BLEU and
mean ROUGE over all items, with the settings' signatures. The numbers match
sacrebleu 2.x, NLTK's bleu_score and Google's rouge-score.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts := metrics.DefaultText
			opts.SacreBLEU.Smooth = smooth
			opts.SacreBLEU.Lowercase = lowercase
			opts.NLTK.Smoothing = nltkSmooth
			opts.NLTK.Tokenize = nltkTok
			opts.NLTK.Lowercase = lowercase
			opts.ROUGE.Stem = stem
			if err := opts.SacreBLEU.Validate(); err != nil {
				return err
			}
			if err := opts.NLTK.Validate(); err != nil {
				return err
			}
			if format != "json" && format != "table" {
				return fmt.Errorf("--format %q: want json or table", format)
			}
			pairs, err := readPairsFile(cmd.InOrStdin(), input)
			if err != nil {
				return err
			}
			if len(pairs) == 0 {
				return fmt.Errorf("%s: no pairs: want JSON Lines of {\"id\", \"hypothesis\", \"reference\"}", input)
			}
			rep, err := metrics.ScoreText(pairs, opts)
			if err != nil {
				return err
			}
			for _, w := range rep.Warnings {
				fmt.Fprintln(cmd.ErrOrStderr(), "occbench score: warning:", w)
			}
			out := bufio.NewWriterSize(cmd.OutOrStdout(), 1<<16)
			if format == "table" {
				err = writeScoreTable(out, rep)
			} else {
				err = rep.WriteJSON(out)
			}
			if err != nil {
				return err
			}
			return out.Flush()
		},
	}
	f := cmd.Flags()
	f.StringVar(&input, "input", "", `JSON Lines file of {"id", "hypothesis", "reference"} ("-" for stdin)`)
	f.BoolVar(&stem, "stem", false, "ROUGE: Porter-stem tokens longer than 3 characters (rouge-score use_stemmer)")
	f.StringVar(&smooth, "smooth", "exp", "sacrebleu smoothing: exp, floor (0.1), add-k (1) or none")
	f.StringVar(&nltkSmooth, "nltk-smoothing", "method0", "NLTK SmoothingFunction method: method0 … method7")
	f.StringVar(&nltkTok, "nltk-tokenize", "13a", "tokens for NLTK BLEU: 13a (as sacrebleu) or whitespace (str.split)")
	f.BoolVar(&lowercase, "lowercase", false, "lowercase before BLEU (both families); ROUGE always lowercases")
	f.StringVar(&format, "format", "json", "output format: json or table")
	markRequired(cmd, "input")
	return cmd
}

func readPairsFile(stdin io.Reader, name string) ([]metrics.Pair, error) {
	if name == "-" {
		return metrics.ReadPairs(stdin, "stdin")
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return metrics.ParsePairs(data, name)
}

func writeScoreTable(w io.Writer, r *metrics.TextReport) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	g := func(f float64) string {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return "-"
		}
		return strconv.FormatFloat(f, 'f', 4, 64)
	}
	fmt.Fprintf(tw, "sacrebleu\t%s\n", r.Signatures.SacreBLEU)
	fmt.Fprintf(tw, "nltk\t%s\n", r.Signatures.NLTK)
	fmt.Fprintf(tw, "rouge\t%s\n\n", r.Signatures.ROUGE)
	fmt.Fprintf(tw, "corpus (%d items)\tscore\n", len(r.Items))
	fmt.Fprintf(tw, "sacrebleu\t%s\n", r.CorpusSacreBLEU)
	fmt.Fprintf(tw, "nltk_bleu\t%s\n", g(r.CorpusNLTKBLEU))
	c := r.CorpusROUGE
	for _, kv := range []struct {
		k string
		v metrics.PRF
	}{{"rouge1", c.Rouge1}, {"rouge2", c.Rouge2}, {"rougeL", c.RougeL}, {"rougeLsum", c.RougeLsum}} {
		fmt.Fprintf(tw, "%s (mean P/R/F)\t%s / %s / %s\n", kv.k, g(kv.v.Precision), g(kv.v.Recall), g(kv.v.FMeasure))
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "id\tsacrebleu\tnltk_bleu\trouge1 F\trouge2 F\trougeL F\trougeLsum F")
	for _, it := range r.Items {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", it.ID, g(it.SacreBLEU.Score), g(it.NLTKBLEU),
			g(it.ROUGE.Rouge1.FMeasure), g(it.ROUGE.Rouge2.FMeasure), g(it.ROUGE.RougeL.FMeasure), g(it.ROUGE.RougeLsum.FMeasure))
	}
	return tw.Flush()
}
