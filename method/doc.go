// Package method runs the steps of the paper's method that ask a model:
// the oracle (several attempts per user, kept when the answer is right),
// the LLM judge and its perturbation study (Table 1), and the crossing of
// occupation predictors with reason sources (Table 4). Each step records
// every finished item as it goes (JSONL) and caches every answer, so a
// killed step resumes where it stopped and a rerun costs nothing.
//
// It builds on llm (the client), prompt (the text) and reasons (the files
// the steps write); commands call it, and nothing that scores or reports
// imports it.
package method
