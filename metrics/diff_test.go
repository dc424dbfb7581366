package metrics

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The differential corpus: testdata/diff_pairs.jsonl.gz holds 253 pairs built
// to be hard (see testdata/refgen/gen_pairs.py), and each
// testdata/diff_expected_<config>.json.gz holds the scores the reference
// libraries give them (sacrebleu 2.6.0, nltk.translate.bleu_score, Google's
// rouge-score; testdata/refgen/expected.py), in `occbench score`'s JSON
// shape. Tolerances are the issue's: sacrebleu 1e-9 on its 0–100 scale,
// NLTK BLEU and ROUGE 1e-12.

type expBLEU struct {
	Score      *float64  `json:"score"`
	Counts     []float64 `json:"counts"`
	Totals     []float64 `json:"totals"`
	Precisions []float64 `json:"precisions"`
	BP         float64   `json:"bp"`
	SysLen     int       `json:"sys_len"`
	RefLen     int       `json:"ref_len"`
}

type expPRF struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	FMeasure  float64 `json:"fmeasure"`
}

type expItem struct {
	ID        string            `json:"id"`
	SacreBLEU expBLEU           `json:"sacrebleu"`
	NLTKBLEU  *float64          `json:"nltk_bleu"`
	ROUGE     map[string]expPRF `json:"rouge"`
}

type expFile struct {
	Signature map[string]string `json:"signature"`
	Corpus    expItem           `json:"corpus"`
	Items     []expItem         `json:"items"`
	Config    struct {
		Smooth        string `json:"smooth"`
		NLTKSmoothing string `json:"nltk_smoothing"`
		NLTKTokenize  string `json:"nltk_tokenize"`
		Lowercase     bool   `json:"lowercase"`
		Stem          bool   `json:"stem"`
	} `json:"config"`
}

func readExpected(t *testing.T, path string) expFile {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	var e expFile
	if err := json.NewDecoder(r).Decode(&e); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return e
}

type differ struct {
	t         *testing.T
	name      string
	bad, seen int
	exact     int
	maxDiff   float64
}

func (d *differ) num(where string, got, want, tol float64) {
	d.seen++
	if math.IsNaN(got) && math.IsNaN(want) {
		return
	}
	if got == want {
		d.exact++
	}
	d.maxDiff = math.Max(d.maxDiff, math.Abs(got-want))
	if math.Abs(got-want) <= tol {
		return
	}
	d.bad++
	if d.bad <= 15 {
		d.t.Errorf("%s %s: got %.17g, want %.17g (diff %.3g)", d.name, where, got, want, got-want)
	}
}

func nanIfNil(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

func (d *differ) bleu(where string, got BLEUScore, want expBLEU) {
	d.num(where+".score", got.Score, nanIfNil(want.Score), 1e-9)
	d.num(where+".bp", got.BP, want.BP, 1e-12)
	d.num(where+".sys_len", float64(got.SysLen), float64(want.SysLen), 0)
	d.num(where+".ref_len", float64(got.RefLen), float64(want.RefLen), 0)
	for i := range want.Counts {
		d.num(fmt.Sprintf("%s.counts[%d]", where, i), got.Counts[i], want.Counts[i], 0)
		d.num(fmt.Sprintf("%s.totals[%d]", where, i), got.Totals[i], want.Totals[i], 0)
		d.num(fmt.Sprintf("%s.precisions[%d]", where, i), got.Precisions[i], want.Precisions[i], 1e-9)
	}
}

func (d *differ) rouge(where string, got ROUGEScore, want map[string]expPRF) {
	for name, g := range map[string]PRF{"rouge1": got.Rouge1, "rouge2": got.Rouge2, "rougeL": got.RougeL, "rougeLsum": got.RougeLsum} {
		w := want[name]
		d.num(where+"."+name+".precision", g.Precision, w.Precision, 1e-12)
		d.num(where+"."+name+".recall", g.Recall, w.Recall, 1e-12)
		d.num(where+"."+name+".fmeasure", g.FMeasure, w.FMeasure, 1e-12)
	}
}

func TestDifferentialReference(t *testing.T) {
	f, err := os.Open("testdata/diff_pairs.jsonl.gz")
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	pairs, err := ReadPairs(zr, "diff_pairs.jsonl.gz")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/diff_expected_*.json*")
	if len(files) == 0 {
		t.Fatal("no expected files")
	}
	for _, path := range files {
		name := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(filepath.Base(path), "diff_expected_"), ".gz"), ".json")
		t.Run(name, func(t *testing.T) {
			e := readExpected(t, path)
			o := DefaultText
			o.SacreBLEU.Smooth = e.Config.Smooth
			o.SacreBLEU.Lowercase = e.Config.Lowercase
			o.NLTK.Smoothing = e.Config.NLTKSmoothing
			o.NLTK.Tokenize = e.Config.NLTKTokenize
			o.NLTK.Lowercase = e.Config.Lowercase
			o.ROUGE.Stem = e.Config.Stem
			rep, err := ScoreText(pairs, o)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Items) != len(e.Items) {
				t.Fatalf("%d items, want %d", len(rep.Items), len(e.Items))
			}
			d := &differ{t: t, name: name}
			if got, want := rep.Signatures.SacreBLEU, e.Signature["sacrebleu"]; got != want {
				t.Errorf("sacrebleu signature %q, want %q", got, want)
			}
			for i, w := range e.Items {
				g := rep.Items[i]
				if g.ID != w.ID {
					t.Fatalf("item %d: id %q, want %q", i, g.ID, w.ID)
				}
				d.bleu(w.ID+" sacrebleu", g.SacreBLEU, w.SacreBLEU)
				d.num(w.ID+" nltk_bleu", g.NLTKBLEU, nanIfNil(w.NLTKBLEU), 1e-12)
				d.rouge(w.ID+" rouge", g.ROUGE, w.ROUGE)
			}
			d.bleu("corpus sacrebleu", rep.CorpusSacreBLEU, e.Corpus.SacreBLEU)
			d.num("corpus nltk_bleu", rep.CorpusNLTKBLEU, nanIfNil(e.Corpus.NLTKBLEU), 1e-12)
			d.rouge("corpus rouge", rep.CorpusROUGE, e.Corpus.ROUGE)
			if d.bad > 0 {
				t.Errorf("%s: %d of %d values differ", name, d.bad, d.seen)
			}
			t.Logf("%s: %d values compared, %d bit-identical, largest difference %.3g", name, d.seen, d.exact, d.maxDiff)
		})
	}
}
