package metrics

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"syscall"
	"testing"
)

// reasonPairs builds n reason-like pairs of 25–250 words: a Zipf-distributed
// vocabulary of English-looking words with punctuation, numbers and
// hyphenated titles, the hypothesis a noisy copy of the reference.
func reasonPairs(n int, seed uint64) []Pair {
	r := rand.New(rand.NewPCG(seed, 7))
	syll := []string{"ca", "re", "er", "de", "vel", "op", "man", "age", "ment", "tion", "sci", "en", "tist",
		"nur", "se", "in", "for", "ma", "sys", "tem", "ing", "ed", "al", "ly", "pro", "ject", "lead", "ship"}
	vocab := make([]string, 4000)
	for i := range vocab {
		var sb strings.Builder
		for k := 1 + r.IntN(4); k > 0; k-- {
			sb.WriteString(syll[r.IntN(len(syll))])
		}
		vocab[i] = sb.String()
	}
	zipf := rand.NewZipf(r, 1.1, 2, uint64(len(vocab)-1))
	extras := []string{"3.5", "1,000", "Computer-Aided", "(SOC 15-1252.00)", "don't", "“Registered", "Nurses”", "e.g.", "10-12", "naïve"}
	word := func() string {
		if r.IntN(40) == 0 {
			return extras[r.IntN(len(extras))]
		}
		w := vocab[zipf.Uint64()]
		switch r.IntN(12) {
		case 0:
			return strings.ToUpper(w[:1]) + w[1:]
		case 1:
			return w + ","
		case 2:
			return w + "."
		}
		return w
	}
	pairs := make([]Pair, n)
	for i := range pairs {
		ref := make([]string, 25+r.IntN(226))
		for k := range ref {
			ref[k] = word()
		}
		var hyp []string
		for _, w := range ref {
			switch x := r.IntN(10); {
			case x == 0: // drop
			case x == 1:
				hyp = append(hyp, word())
			case x == 2:
				hyp = append(hyp, w, word())
			default:
				hyp = append(hyp, w)
			}
		}
		if len(hyp) > 250 {
			hyp = hyp[:250]
		}
		pairs[i] = Pair{ID: fmt.Sprint(i), Hypothesis: strings.Join(hyp, " "), Reference: strings.Join(ref, " ")}
	}
	return pairs
}

func TestScoreTextDeterministic(t *testing.T) {
	pairs := reasonPairs(300, 1)
	o := DefaultText
	o.ROUGE.Stem = true
	o.Workers = 1
	a, err := ScoreText(pairs, o)
	if err != nil {
		t.Fatal(err)
	}
	o.Workers = 5
	b, _ := ScoreText(pairs, o)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("1 and 5 workers disagree")
	}
}

// TestScoreTextMatchesAPI checks that the batched engine (shared tokens,
// reused tables, caches) gives what the one-pair functions give.
func TestScoreTextMatchesAPI(t *testing.T) {
	pairs := reasonPairs(60, 2)
	for _, tok := range []string{"13a", "whitespace"} {
		o := DefaultText
		o.NLTK.Tokenize = tok
		o.NLTK.Smoothing = "method7"
		o.ROUGE.Stem = true
		rep, err := ScoreText(pairs, o)
		if err != nil {
			t.Fatal(err)
		}
		var hyps, refs []string
		var nh [][]string
		var nr [][][]string
		for i, p := range pairs {
			s := o.SacreBLEU.Sentence(p.Hypothesis, p.Reference)
			if !reflect.DeepEqual(s, rep.Items[i].SacreBLEU) {
				t.Fatalf("%s: sacrebleu %v, engine %v", p.ID, s, rep.Items[i].SacreBLEU)
			}
			h, r := o.NLTK.Tokens(p.Hypothesis), o.NLTK.Tokens(p.Reference)
			n, _ := o.NLTK.Sentence([][]string{r}, h)
			if n != rep.Items[i].NLTKBLEU {
				t.Fatalf("%s: nltk %v, engine %v", p.ID, n, rep.Items[i].NLTKBLEU)
			}
			if g := o.ROUGE.Score(p.Reference, p.Hypothesis); g != rep.Items[i].ROUGE {
				t.Fatalf("%s: rouge %v, engine %v", p.ID, g, rep.Items[i].ROUGE)
			}
			hyps, refs = append(hyps, p.Hypothesis), append(refs, p.Reference)
			nh, nr = append(nh, h), append(nr, [][]string{r})
		}
		if c := o.SacreBLEU.Corpus(hyps, [][]string{refs}); !reflect.DeepEqual(c, rep.CorpusSacreBLEU) {
			t.Errorf("corpus sacrebleu %v, engine %v", c, rep.CorpusSacreBLEU)
		}
		if c, _ := o.NLTK.Corpus(nr, nh); c != rep.CorpusNLTKBLEU {
			t.Errorf("corpus nltk %v, engine %v", c, rep.CorpusNLTKBLEU)
		}
	}
}

// BenchmarkScore10k is the speed target: 10,000 reason-length pairs
// (25–250 words) with sentence BLEU of both families, corpus BLEU of both
// and ROUGE with stemming, on all cores.
func BenchmarkScore10k(b *testing.B) {
	pairs := reasonPairs(10000, 42)
	o := DefaultText
	o.ROUGE.Stem = true
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		if _, err := ScoreText(pairs, o); err != nil {
			b.Fatal(err)
		}
	}
	// CPU time per op is what the machine's other load cannot inflate.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
}

func BenchmarkParsePairs10k(b *testing.B) {
	pairs := reasonPairs(10000, 42)
	var sb strings.Builder
	for _, p := range pairs {
		fmt.Fprintf(&sb, "{\"id\": %q, \"hypothesis\": %q, \"reference\": %q}\n", p.ID, p.Hypothesis, p.Reference)
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		if _, err := ParsePairs(data, "b.jsonl"); err != nil {
			b.Fatal(err)
		}
	}
}

// cpuTime is the process's user plus system CPU time in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// FuzzScoreText checks the batch engine (per-pair ids, packed n-grams)
// against the one-pair functions (interned ids, generic n-gram table) on
// arbitrary text.
func FuzzScoreText(f *testing.F) {
	f.Add("The dog bit the man.", "The dog had bit the man.", true)
	f.Add("a a a a b", "a b a b a a", false)
	f.Add("3.5, 1,000 -\nx", "<skipped> &amp; y", true)
	f.Fuzz(func(t *testing.T, hyp, ref string, ws bool) {
		o := DefaultText
		o.NLTK.Smoothing = "method1"
		if ws {
			o.NLTK.Tokenize = "whitespace"
		}
		rep, err := ScoreText([]Pair{{ID: "x", Hypothesis: hyp, Reference: ref}}, o)
		if err != nil {
			t.Fatal(err)
		}
		it := rep.Items[0]
		if s := o.SacreBLEU.Sentence(hyp, ref); !reflect.DeepEqual(s, it.SacreBLEU) {
			t.Fatalf("sacrebleu %v, engine %v", s, it.SacreBLEU)
		}
		n, _ := o.NLTK.Sentence([][]string{o.NLTK.Tokens(ref)}, o.NLTK.Tokens(hyp))
		if n != it.NLTKBLEU {
			t.Fatalf("nltk %v, engine %v", n, it.NLTKBLEU)
		}
	})
}
