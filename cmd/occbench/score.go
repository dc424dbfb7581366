package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strconv"
	"sync"
	"text/tabwriter"
	"unicode/utf8"

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
				err = writeScoreJSON(out, rep)
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
	_ = cmd.MarkFlagRequired("input")
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

// writeScoreJSON writes the report in the documented shape and key order,
// one item per line. Items are formatted in parallel chunks, which matters
// at 10,000 items.
func writeScoreJSON(w io.Writer, r *metrics.TextReport) error {
	const chunk = 512
	parts := make([][]byte, (len(r.Items)+chunk-1)/chunk)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for p := range parts {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			lo, hi := p*chunk, min((p+1)*chunk, len(r.Items))
			b := make([]byte, 0, (hi-lo)*800)
			for i := lo; i < hi; i++ {
				b = appendItemJSON(b, i == 0, r.Items[i])
			}
			parts[p] = b
			<-sem
		}()
	}
	wg.Wait()
	if _, err := w.Write(appendScoreHead(nil, r)); err != nil {
		return err
	}
	for _, b := range parts {
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	tail := "]}\n"
	if len(r.Items) > 0 {
		tail = "\n]}\n"
	}
	_, err := io.WriteString(w, tail)
	return err
}

// appendScoreJSON is writeScoreJSON into a byte slice.
func appendScoreJSON(b []byte, r *metrics.TextReport) []byte {
	b = appendScoreHead(b, r)
	for i, it := range r.Items {
		b = appendItemJSON(b, i == 0, it)
	}
	if len(r.Items) > 0 {
		b = append(b, '\n')
	}
	return append(b, "]}\n"...)
}

func appendScoreHead(b []byte, r *metrics.TextReport) []byte {
	b = append(b, `{"signature":{"sacrebleu":`...)
	b = appendJSONString(b, r.Signatures.SacreBLEU)
	b = append(b, `,"nltk":`...)
	b = appendJSONString(b, r.Signatures.NLTK)
	b = append(b, `,"rouge":`...)
	b = appendJSONString(b, r.Signatures.ROUGE)
	b = append(b, `},"corpus":{"sacrebleu":`...)
	b = appendBLEUJSON(b, r.CorpusSacreBLEU)
	b = append(b, `,"nltk_bleu":`...)
	b = appendJSONFloat(b, r.CorpusNLTKBLEU)
	b = append(b, `,"rouge":`...)
	b = appendROUGEJSON(b, r.CorpusROUGE)
	return append(b, `},"items":[`...)
}

func appendItemJSON(b []byte, first bool, it metrics.TextItem) []byte {
	if !first {
		b = append(b, ',')
	}
	b = append(b, "\n"+`{"id":`...)
	b = appendJSONString(b, it.ID)
	b = append(b, `,"sacrebleu":`...)
	b = appendBLEUJSON(b, it.SacreBLEU)
	b = append(b, `,"nltk_bleu":`...)
	b = appendJSONFloat(b, it.NLTKBLEU)
	b = append(b, `,"rouge":`...)
	b = appendROUGEJSON(b, it.ROUGE)
	return append(b, '}')
}

func appendBLEUJSON(b []byte, s metrics.BLEUScore) []byte {
	b = append(b, `{"score":`...)
	b = appendJSONFloat(b, s.Score)
	b = append(b, `,"counts":`...)
	b = appendJSONFloats(b, s.Counts)
	b = append(b, `,"totals":`...)
	b = appendJSONFloats(b, s.Totals)
	b = append(b, `,"precisions":`...)
	b = appendJSONFloats(b, s.Precisions)
	b = append(b, `,"bp":`...)
	b = appendJSONFloat(b, s.BP)
	b = append(b, `,"sys_len":`...)
	b = strconv.AppendInt(b, int64(s.SysLen), 10)
	b = append(b, `,"ref_len":`...)
	b = strconv.AppendInt(b, int64(s.RefLen), 10)
	return append(b, '}')
}

func appendROUGEJSON(b []byte, s metrics.ROUGEScore) []byte {
	for i, kv := range []struct {
		k string
		v metrics.PRF
	}{{"rouge1", s.Rouge1}, {"rouge2", s.Rouge2}, {"rougeL", s.RougeL}, {"rougeLsum", s.RougeLsum}} {
		if i == 0 {
			b = append(b, '{')
		} else {
			b = append(b, ',')
		}
		b = appendJSONString(b, kv.k)
		b = append(b, `:{"precision":`...)
		b = appendJSONFloat(b, kv.v.Precision)
		b = append(b, `,"recall":`...)
		b = appendJSONFloat(b, kv.v.Recall)
		b = append(b, `,"fmeasure":`...)
		b = appendJSONFloat(b, kv.v.FMeasure)
		b = append(b, '}')
	}
	return append(b, '}')
}

func appendJSONFloats(b []byte, xs []float64) []byte {
	b = append(b, '[')
	for i, x := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONFloat(b, x)
	}
	return append(b, ']')
}

// appendJSONFloat formats f as encoding/json does (shortest representation
// that round-trips), and non-finite values as null.
func appendJSONFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	fmt := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		fmt = 'e'
	}
	b = strconv.AppendFloat(b, f, fmt, -1, 64)
	if fmt == 'e' {
		// e-07 → e-7, as encoding/json writes it.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendJSONString quotes s as a JSON string, leaving non-ASCII text as
// UTF-8 and replacing invalid bytes with U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20 || c == 0x7f:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && w == 1:
			b = append(b, `\ufffd`...)
		case r == 0x2028 || r == 0x2029:
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			b = append(b, s[i:i+w]...)
		}
		i += w
	}
	return append(b, '"')
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
