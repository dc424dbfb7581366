// Package reasons holds the paper's reasons as data: the judge's verdicts
// (one JSONL record per judged reason) and their summary, the deterministic
// perturbations of Table 1, and the result files a report reads as Tables
// 1, 3 and 4 — each one type that is written and read as it is.
//
// Nothing here calls a model, so reports and training export, which read
// these files, never link the model client; the steps that ask a model
// (oracle, judge, perturbation study, reason sources) are in package
// method.
package reasons
