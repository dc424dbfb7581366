package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/occbench/occbench/internal/safefile"
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
	Mapping string `json:"mapping"` // exact, normalised, code, alias, none
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
}

// Call is one model request of a prediction.
type Call struct {
	Role             string  `json:"role"` // model, reasoner, predictor
	Model            string  `json:"model"`
	CacheKey         string  `json:"cache_key"`
	Source           string  `json:"source"` // http, cache, batch
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
type PredictionWriter struct {
	mu   sync.Mutex
	f    *os.File
	path string
	buf  bytes.Buffer
}

// AppendPredictions opens path for appending, creating it if needed. A
// partial last line, left by a run killed mid-write, is cut off first.
func AppendPredictions(path string) (*PredictionWriter, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := cutPartialLine(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &PredictionWriter{f: f, path: path}, nil
}

// cutPartialLine truncates f after its last newline and seeks to the end.
func cutPartialLine(f *os.File) error {
	end, err := f.Seek(0, io.SeekEnd)
	if err != nil || end == 0 {
		return err
	}
	const chunk = 64 << 10
	buf := make([]byte, chunk)
	for pos := end; pos > 0; {
		n := int64(chunk)
		if pos < n {
			n = pos
		}
		pos -= n
		if _, err := f.ReadAt(buf[:n], pos); err != nil {
			return err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			keep := pos + int64(i) + 1
			if keep == end {
				_, err = f.Seek(0, io.SeekEnd)
				return err
			}
			if err := f.Truncate(keep); err != nil {
				return err
			}
			_, err = f.Seek(keep, io.SeekStart)
			return err
		}
	}
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err = f.Seek(0, io.SeekStart)
	return err
}

// Write appends one prediction as a single write call.
func (w *PredictionWriter) Write(p *Prediction) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Reset()
	enc := json.NewEncoder(&w.buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		return fmt.Errorf("%s: %w", w.path, err)
	}
	if _, err := w.f.Write(w.buf.Bytes()); err != nil {
		return fmt.Errorf("%s: %w", w.path, err)
	}
	return nil
}

// Close syncs and closes the file.
func (w *PredictionWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.f.Sync(); err != nil {
		w.f.Close()
		return err
	}
	return w.f.Close()
}

// PredictionReader reads a predictions file line by line.
type PredictionReader struct {
	sc   *bufio.Scanner
	path string
	line int
	p    Prediction
	err  error
}

// NewPredictionReader reads predictions from r; path is used in errors.
func NewPredictionReader(r io.Reader, path string) *PredictionReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	return &PredictionReader{sc: sc, path: path}
}

// Scan reads the next prediction. A final line without its newline is the
// mark of a run killed mid-write and is skipped.
func (r *PredictionReader) Scan() bool {
	for r.err == nil && r.sc.Scan() {
		r.line++
		b := bytes.TrimSpace(r.sc.Bytes())
		if len(b) == 0 {
			continue
		}
		r.p = Prediction{}
		if err := json.Unmarshal(b, &r.p); err != nil {
			if r.atPartialEnd() {
				return false
			}
			r.err = fmt.Errorf("%s:%d: %w", r.path, r.line, err)
			return false
		}
		if r.p.UserID == "" {
			r.err = fmt.Errorf("%s:%d: field \"user_id\": missing", r.path, r.line)
			return false
		}
		return true
	}
	if r.err == nil {
		if err := r.sc.Err(); err != nil {
			r.err = fmt.Errorf("%s: %w", r.path, err)
		}
	}
	return false
}

// atPartialEnd reports whether the line just read was the last one.
func (r *PredictionReader) atPartialEnd() bool { return !r.sc.Scan() }

// Prediction returns the current prediction.
func (r *PredictionReader) Prediction() Prediction { return r.p }

// Err returns the first error.
func (r *PredictionReader) Err() error { return r.err }

// ReadPredictions reads a whole predictions file; for a user recorded more
// than once (a resumed run that retried an error) the last record wins. A
// missing file reads as empty.
func ReadPredictions(path string) (map[string]Prediction, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]Prediction{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]Prediction{}
	r := NewPredictionReader(f, path)
	for r.Scan() {
		p := r.Prediction()
		out[p.UserID] = p
	}
	return out, r.Err()
}

// RewritePredictions replaces a predictions file atomically.
func RewritePredictions(path string, preds []Prediction) error {
	return safefile.Write(path, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		for i := range preds {
			if err := enc.Encode(&preds[i]); err != nil {
				return err
			}
		}
		return bw.Flush()
	})
}
