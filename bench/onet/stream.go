package onet

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"
)

// StreamOptions control ClassifyStream.
type StreamOptions struct {
	ClassifyOptions
	// Batch classifies a batch of texts into out (len(out) == len(texts));
	// nil means the classifier on all cores. A model rerank plugs in here.
	Batch func(ctx context.Context, texts []string, out []Classification) error
}

// streamBatch is how many lines ClassifyStream reads before it classifies
// them: memory stays flat for inputs of any size.
const streamBatch = 4096

// StreamResult is one output line of ClassifyStream.
type StreamResult struct {
	Text       string      `json:"text"`
	Code       string      `json:"code"`
	Title      string      `json:"title"`
	Score      float64     `json:"score"`
	Method     Method      `json:"method"`
	Candidates []Candidate `json:"candidates"`
}

// ClassifyStream reads texts — one per line, or JSON Lines with a "text"
// field when the first line starts with "{" — and writes one JSON line per
// input line, in input order: {"text", "code", "title", "score", "method",
// "candidates"}; code is "" when the text is unclassified. Empty lines are
// texts too (unclassified), so output line k answers input line k. name is
// used in errors. It returns how many texts it classified.
func (t *Taxonomy) ClassifyStream(ctx context.Context, r io.Reader, name string, w io.Writer, o StreamOptions) (int, error) {
	if o.Batch == nil {
		o.Batch = func(_ context.Context, texts []string, out []Classification) error {
			t.classifyAll(texts, out, o.ClassifyOptions)
			return nil
		}
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	var (
		texts []string
		out   []Classification
		line  int
		total int
		jsonl bool
	)
	flush := func() error {
		if len(texts) == 0 {
			return nil
		}
		out = out[:0]
		for range texts {
			out = append(out, Classification{})
		}
		if err := o.Batch(ctx, texts, out); err != nil {
			return err
		}
		for i, c := range out {
			res := StreamResult{Text: texts[i], Code: c.Code, Title: c.Title, Score: c.Score, Method: c.Method, Candidates: c.Candidates}
			if res.Candidates == nil {
				res.Candidates = []Candidate{}
			}
			if err := enc.Encode(res); err != nil {
				return err
			}
		}
		total += len(texts)
		texts = texts[:0]
		return ctx.Err()
	}
	for sc.Scan() {
		line++
		s := strings.TrimSuffix(sc.Text(), "\r")
		if line == 1 {
			s = strings.TrimPrefix(s, "\ufeff")
			jsonl = strings.HasPrefix(strings.TrimSpace(s), "{")
		}
		if !utf8.ValidString(s) {
			return total, fmt.Errorf("%s:%d: the line is not UTF-8 text", name, line)
		}
		if jsonl {
			text, err := textField(s)
			if err != nil {
				return total, fmt.Errorf("%s:%d: %v", name, line, err)
			}
			s = text
		}
		texts = append(texts, s)
		if len(texts) == streamBatch {
			if err := flush(); err != nil {
				return total, err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return total, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	if err := flush(); err != nil {
		return total, err
	}
	return total, bw.Flush()
}

// textField reads the "text" field of a JSON line; an empty line is an
// empty text.
func textField(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", nil
	}
	var v struct {
		Text *string `json:"text"`
	}
	dec := json.NewDecoder(strings.NewReader(s))
	if err := dec.Decode(&v); err != nil {
		return "", fmt.Errorf("malformed JSON: %v: want {\"text\": …}", err)
	}
	if dec.More() {
		return "", fmt.Errorf("more than one JSON value on the line: want one {\"text\": …} per line")
	}
	if v.Text == nil {
		return "", fmt.Errorf("no \"text\" field: want {\"text\": …}")
	}
	return *v.Text, nil
}

// classifyAll classifies texts into out on all cores; a text that occurs
// several times is classified once.
func (t *Taxonomy) classifyAll(texts []string, out []Classification, o ClassifyOptions) {
	first := make(map[string]int, len(texts))
	var todo []int
	for i, s := range texts {
		if _, ok := first[s]; !ok {
			first[s] = i
			todo = append(todo, i)
		}
	}
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for k := range workers {
		wg.Go(func() {
			for j := k; j < len(todo); j += workers {
				i := todo[j]
				out[i] = t.Classify(texts[i], o)
			}
		})
	}
	wg.Wait()
	for i, s := range texts {
		out[i] = out[first[s]]
	}
}
