package rundir

import (
	"errors"

	"github.com/occbench/occbench/internal/jsonl"
)

// Prediction is one runner's answer for one user: a line of
// predictions/<runner>.jsonl in a run directory. A failed sample is a
// Prediction too, with Error set.
type Prediction struct {
	UserID string `json:"user_id"`
	Runner string `json:"runner"`
	// Code and Title are the predicted occupation after mapping onto O*NET;
	// empty when the answer did not map (Mapping "none") or the call failed.
	Code    string `json:"code"`
	Title   string `json:"title"`
	Mapping string `json:"mapping"` // exact, normalised, code, alias, classified, none
	// MapScore is how sure the mapping is, 0–1 (the classifier's score);
	// absent for in-process runners, which give codes.
	MapScore float64 `json:"map_score,omitempty"`
	// Answer is the answer text as the system gave it, before mapping; the
	// paper's strict EM compares it with the true title.
	Answer string `json:"answer,omitempty"`
	// Parse says how Answer was found in a model's raw output: tag,
	// open_tag, answer_line, last_line, given (a replayed answer), or why
	// there is none: truncated, unclosed_think, empty.
	Parse string `json:"parse,omitempty"`
	// Ranked holds codes best first, for runners that rank all occupations,
	// with their scores.
	Ranked []string  `json:"ranked,omitempty"`
	Scores []float64 `json:"scores,omitempty"`
	// Reason is the reasoning text, kept apart from Raw, the whole output.
	Reason           string  `json:"reason,omitempty"`
	Raw              string  `json:"raw,omitempty"`
	PromptTokens     int     `json:"prompt_tokens,omitempty"`
	CompletionTokens int     `json:"completion_tokens,omitempty"`
	ReasoningTokens  int     `json:"reasoning_tokens,omitempty"`
	LatencyMS        float64 `json:"latency_ms"`
	Attempt          int     `json:"attempt,omitempty"`
	Error            string  `json:"error"`
	CacheKey         string  `json:"cache_key,omitempty"`
	// Calls are the model calls behind the prediction, in order (the
	// reasoner then the predictor for a two-model runner); the token counts
	// and latency above are their sums and CacheKey is the last call's.
	Calls []Call `json:"calls,omitempty"`
	// Path is a path run's prediction at each horizon h = 1..K, free
	// running: each step sees the system's own earlier steps. Path[0] is
	// the answer above. Teacher is the same with the true earlier jobs
	// given instead (teacher forcing), where the runner makes it.
	Path    []Step `json:"path,omitempty"`
	Teacher []Step `json:"teacher,omitempty"`
	// Warning notes what was odd about an answer that still counts (the
	// sample did not fail): a path answer with fewer occupations than the
	// horizon ("path: 2 of 3 occupations given"; the missing steps are
	// empty and score wrong) or with more ("path: 5 occupations given, the
	// first 3 kept").
	Warning string `json:"warning,omitempty"`
}

// Step is one horizon's predicted occupation, with the ranked list where
// the runner ranks.
type Step struct {
	Code   string    `json:"code"`
	Title  string    `json:"title,omitempty"`
	Ranked []string  `json:"ranked,omitempty"`
	Scores []float64 `json:"scores,omitempty"`
	// Answer, Mapping and MapScore are, for a runner that answers in text
	// (llm, replay), the step's item as written and how it was mapped onto
	// O*NET, as for the prediction's own Answer; Mapping is empty for a
	// step the answer left out.
	Answer   string  `json:"answer,omitempty"`
	Mapping  string  `json:"mapping,omitempty"`
	MapScore float64 `json:"map_score,omitempty"`
}

// Call is one model request of a prediction.
type Call struct {
	Role             string  `json:"role"` // model, reasoner, predictor
	Model            string  `json:"model"`
	CacheKey         string  `json:"cache_key"`
	Source           string  `json:"source"`             // http, cache, batch
	Endpoint         string  `json:"endpoint,omitempty"` // the base URL of the server that answered (source http), without credentials
	Tries            int     `json:"tries,omitempty"`
	FinishReason     string  `json:"finish_reason,omitempty"`
	PromptTokens     int     `json:"prompt_tokens,omitempty"`
	CompletionTokens int     `json:"completion_tokens,omitempty"`
	ReasoningTokens  int     `json:"reasoning_tokens,omitempty"`
	LatencyMS        float64 `json:"latency_ms"`
	// Raw is the call's output where it is not the prediction's Raw (the
	// reasoner's of a two-model runner).
	Raw   string `json:"raw,omitempty"`
	Error string `json:"error,omitempty"`
}

// PredictionWriter appends predictions to a JSONL file, one line each,
// written through at once so that a run killed at any moment keeps every
// finished sample. It is safe for concurrent use.
type PredictionWriter struct{ a *jsonl.Appender }

// AppendPredictions opens path for appending, creating it if needed. A
// partial last line, left by a run killed mid-write, is cut off first.
func AppendPredictions(path string) (*PredictionWriter, error) {
	a, err := jsonl.Append(path)
	if err != nil {
		return nil, err
	}
	return &PredictionWriter{a}, nil
}

// Write appends one prediction as a single write call.
func (w *PredictionWriter) Write(p *Prediction) error { return w.a.Write(p) }

// Close syncs and closes the file.
func (w *PredictionWriter) Close() error { return w.a.Close() }

// EachPrediction calls fn on every record of a predictions file, in
// order; a missing file has none, and a last line cut short by a kill is
// skipped (package jsonl).
func EachPrediction(path string, fn func(*Prediction) error) error {
	return jsonl.ReadFile(path, func(p *Prediction) error {
		if p.UserID == "" {
			return errors.New(`field "user_id": missing`)
		}
		return fn(p)
	})
}

// ReadPredictions reads a whole predictions file; for a user recorded more
// than once (a resumed run that retried an error) the last record wins. A
// missing file reads as empty.
func ReadPredictions(path string) (map[string]Prediction, error) {
	out := map[string]Prediction{}
	err := EachPrediction(path, func(p *Prediction) error {
		out[p.UserID] = *p
		return nil
	})
	return out, err
}

// RewritePredictions replaces a predictions file atomically.
func RewritePredictions(path string, preds []Prediction) error {
	return jsonl.WriteFile(path, preds)
}
