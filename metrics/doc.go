// Package metrics holds occbench's scores and statistics: occupation exact
// match (EM) and related-occupation match (RM), HR@k, NDCG@k and MRR; BLEU in
// two families (sacrebleu-compatible and NLTK-compatible); ROUGE compatible
// with Google's rouge-score, including NLTK's Porter stemmer; McNemar's test
// with Bonferroni and Holm adjustment; seeded bootstrap intervals; and
// LLM-judge aggregation.
//
// The text metrics reproduce the reference implementations number for
// number, including their edge cases, so that a score computed here can be
// compared with one computed by sacrebleu 2.x, NLTK 3.9, rouge-score 0.1.2 or
// statsmodels. Where a reference library has a quirk (NLTK's corpus smoothing
// looks only at the last sentence for methods 5–7, sacrebleu's add-k changes
// the reported counts) the quirk is reproduced and documented, not fixed.
//
// The package depends only on the standard library and gonum.
package metrics
