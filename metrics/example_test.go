package metrics_test

import (
	"fmt"
	"strings"

	"github.com/occbench/occbench/metrics"
)

// sacrebleu's README example.
func ExampleSacreBLEUOptions_Corpus() {
	refs := [][]string{
		{"The dog bit the man.", "It was not unexpected.", "The man bit him first."},
		{"The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."},
	}
	hyps := []string{"The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."}
	s := metrics.DefaultSacreBLEU.Corpus(hyps, refs)
	fmt.Println(s)
	fmt.Println(metrics.DefaultSacreBLEU.SignatureRefs(2, false))
	// Output:
	// 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)
	// nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0
}

func ExampleSacreBLEUOptions_Sentence() {
	s := metrics.DefaultSacreBLEU.Sentence("The cat sat on the mat.", "The cat is on the mat.")
	fmt.Printf("%.4f %v\n", s.Score, s.Counts)
	// Output: 48.8923 [6 4 2 1]
}

// The docstring example of NLTK's sentence_bleu.
func ExampleNLTKBLEUOptions_Sentence() {
	hyp := strings.Fields("It is a guide to action which ensures that the military always obeys the commands of the party")
	refs := [][]string{
		strings.Fields("It is a guide to action that ensures that the military will forever heed Party commands"),
		strings.Fields("It is the guiding principle which guarantees the military forces always being under the command of the Party"),
		strings.Fields("It is the practical guide for the army always to heed the directions of the party"),
	}
	b, _ := metrics.DefaultNLTKBLEU.Sentence(refs, hyp)
	fmt.Printf("%.4f\n", b)
	// Output: 0.5046
}

func ExampleROUGEOptions_Score() {
	o := metrics.DefaultROUGE
	o.Stem = true
	s := o.Score("The quick brown fox jumps over the lazy dog", "The quick brown dog jumps on the log.")
	fmt.Printf("rouge1 F %.4f, rouge2 F %.4f, rougeL F %.4f\n", s.Rouge1.FMeasure, s.Rouge2.FMeasure, s.RougeL.FMeasure)
	// Output: rouge1 F 0.7059, rouge2 F 0.2667, rougeL F 0.5882
}

func ExampleStem() {
	for _, w := range []string{"generalizations", "running", "skies", "happy", "enjoy"} {
		fmt.Print(metrics.Stem(w), " ")
	}
	fmt.Println()
	// Output: gener run sky happi enjoy
}

// statsmodels' test table [[23, 15], [19, 31]], one comparison among three.
func ExampleMcNemar() {
	r, _ := metrics.McNemar(15, 19, metrics.McNemarExact, 3)
	fmt.Printf("b=%d c=%d statistic=%g p=%.6f p_adj=%g m=%d\n", r.B, r.C, r.Statistic, r.P, r.PAdj, r.M)
	// Output: b=15 c=19 statistic=15 p=0.607591 p_adj=1 m=3
}

func ExampleHolm() {
	fmt.Println(metrics.Holm([]float64{0.01, 0.04, 0.03, 0.005}, 4))
	// Output: [0.03 0.06 0.06 0.02]
}

func ExampleScoreOccupations() {
	related := func(code string) []string {
		if code == "15-1252.00" { // Software Developers
			return []string{"15-1253.00", "15-1211.00"}
		}
		return nil
	}
	o := metrics.DefaultOccupation
	o.Related = related
	s := metrics.ScoreOccupations([]metrics.OccupationSample{
		{TrueCode: "15-1252.00", TrueTitle: "Software Developers", PredCode: "15-1252.00", PredTitle: "Software Developers"},
		{TrueCode: "15-1252.00", TrueTitle: "Software Developers", PredCode: "15-1211.00", PredTitle: "Computer Systems Analysts"},
		{TrueCode: "15-1252.00", TrueTitle: "Software Developers", PredCode: "", PredTitle: "coder"},
	}, o)
	fmt.Printf("EM %.3f RM %.3f unmapped %.3f\n", s.EM.Estimate, s.RM.Estimate, s.UnmappedRate)
	// Output: EM 0.333 RM 0.444 unmapped 0.333
}

func ExampleScoreText() {
	rep, _ := metrics.ScoreText([]metrics.Pair{
		{ID: "a", Hypothesis: "Registered Nurses become Nurse Practitioners.", Reference: "Registered Nurses often become Nurse Practitioners."},
	}, metrics.DefaultText)
	it := rep.Items[0]
	fmt.Printf("%s sacrebleu %.2f nltk %.4f rougeL F %.4f\n", it.ID, it.SacreBLEU.Score, it.NLTKBLEU, it.ROUGE.RougeL.FMeasure)
	// Output: a sacrebleu 51.15 nltk 0.5115 rougeL F 0.9091
}
