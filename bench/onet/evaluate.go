package onet

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// Labelled is a text with the occupations a careful coder would accept for
// it, the best first.
type Labelled struct {
	Text  string   `json:"text"`
	Codes []string `json:"codes"`
}

// ReadLabelled reads a labelled file: tab-separated with a header holding
// "text" and "codes" columns (codes comma-separated; other columns are
// ignored), or JSON Lines of {"text", "codes": [...]} when the first
// non-empty line starts with "{". name is used in errors, which give the
// line and what was wrong.
func (t *Taxonomy) ReadLabelled(r io.Reader, name string) ([]Labelled, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var out []Labelled
	var textCol, codesCol = -1, -1
	jsonl := false
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(s) == "" {
			continue
		}
		if !utf8.ValidString(s) {
			return nil, fmt.Errorf("%s:%d: the line is not UTF-8 text", name, line)
		}
		if len(out) == 0 && textCol < 0 && !jsonl {
			if strings.HasPrefix(strings.TrimSpace(s), "{") {
				jsonl = true
			} else {
				for i, h := range strings.Split(s, "\t") {
					switch strings.TrimSpace(h) {
					case "text":
						textCol = i
					case "codes":
						codesCol = i
					}
				}
				if textCol < 0 || codesCol < 0 {
					return nil, fmt.Errorf("%s:%d: header %q: want tab-separated columns \"text\" and \"codes\", or JSON Lines", name, line, s)
				}
				continue
			}
		}
		var l Labelled
		if jsonl {
			if err := json.Unmarshal([]byte(s), &l); err != nil {
				return nil, fmt.Errorf("%s:%d: %v: want {\"text\": …, \"codes\": [\"15-1252.00\", …]}", name, line, err)
			}
		} else {
			f := strings.Split(s, "\t")
			if len(f) <= max(textCol, codesCol) {
				return nil, fmt.Errorf("%s:%d: %d columns, want at least %d", name, line, len(f), max(textCol, codesCol)+1)
			}
			l.Text = f[textCol]
			for _, c := range strings.Split(f[codesCol], ",") {
				if c = strings.TrimSpace(c); c != "" {
					l.Codes = append(l.Codes, c)
				}
			}
		}
		if strings.TrimSpace(l.Text) == "" {
			return nil, fmt.Errorf("%s:%d: field \"text\": empty", name, line)
		}
		if len(l.Codes) == 0 {
			return nil, fmt.Errorf("%s:%d: field \"codes\": empty: want one or more O*NET-SOC 2019 codes", name, line)
		}
		for _, c := range l.Codes {
			if _, ok := t.index[c]; !ok {
				return nil, fmt.Errorf("%s:%d: field \"codes\": value %q: not an O*NET-SOC 2019 occupation code", name, line, c)
			}
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no labelled texts", name)
	}
	return out, nil
}

// Evaluation is how a classifier did on labelled texts.
type Evaluation struct {
	N          int     `json:"n"`
	Accuracy1  float64 `json:"accuracy_at_1"` // the first candidate acceptable, classified or not
	Accuracy5  float64 `json:"accuracy_at_5"` // an acceptable code among the first five candidates
	Coverage   float64 `json:"coverage"`      // share classified (score at or above the threshold)
	Precision  float64 `json:"precision"`     // share right among the classified
	Classified float64 `json:"accuracy"`      // classified and right, over all texts
	// ByMethod breaks the classified texts down by how they were found.
	ByMethod map[string]MethodEvaluation `json:"by_method"`
	// Wrong lists the texts classified wrongly or left unclassified, in
	// input order.
	Wrong []Miss `json:"wrong,omitempty"`
}

// MethodEvaluation counts the texts one method classified and how many of
// them were right.
type MethodEvaluation struct {
	N     int `json:"n"`
	Right int `json:"right"`
}

// Miss is a text the classifier got wrong.
type Miss struct {
	Text  string   `json:"text"`
	Want  []string `json:"want"`
	Got   string   `json:"got"` // "" when unclassified
	Title string   `json:"title,omitempty"`
	Score float64  `json:"score"`
}

// Evaluate classifies each labelled text with classify and scores the
// result. classify is Classify or a wrapper (a model rerank, an answer
// parser in front).
func Evaluate(items []Labelled, classify func(string) Classification) Evaluation {
	e := Evaluation{N: len(items), ByMethod: map[string]MethodEvaluation{}}
	var top1, top5, classified, right int
	for _, it := range items {
		c := classify(it.Text)
		ok := func(code string) bool { return slices.Contains(it.Codes, code) }
		if len(c.Candidates) > 0 && ok(c.Candidates[0].Code) {
			top1++
		}
		for _, k := range c.Candidates[:min(5, len(c.Candidates))] {
			if ok(k.Code) {
				top5++
				break
			}
		}
		if c.OK() {
			classified++
			m := e.ByMethod[c.Method.String()]
			m.N++
			if ok(c.Code) {
				right++
				m.Right++
			}
			e.ByMethod[c.Method.String()] = m
		}
		if !c.OK() || !ok(c.Code) {
			e.Wrong = append(e.Wrong, Miss{Text: it.Text, Want: it.Codes, Got: c.Code, Title: c.Title, Score: c.Score})
		}
	}
	if e.N > 0 {
		n := float64(e.N)
		e.Accuracy1, e.Accuracy5 = float64(top1)/n, float64(top5)/n
		e.Coverage, e.Classified = float64(classified)/n, float64(right)/n
	}
	if classified > 0 {
		e.Precision = float64(right) / float64(classified)
	}
	return e
}
