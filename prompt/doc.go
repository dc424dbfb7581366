// Package prompt holds the text shared by inference and training export:
// the embedded prompt templates of the paper's modes and of the judge, the
// roles a fine-tuned model is trained for, the serialiser that writes a
// career history into a prompt, and the parsers that read an answer (and
// its reasoning) or a judge's verdict back out of a model's output.
//
// It imports bench (the careers it serialises) and nothing that calls a
// model, so training export renders exactly what the runners send.
package prompt
