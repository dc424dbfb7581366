package metrics

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"sync"
)

// ReadPairs reads JSON Lines of {"id": ..., "hypothesis": ..., "reference": ...}
// from r; name is used in errors, which say file and line, e.g.
// `pairs.jsonl:7: field "reference": missing`. Blank lines are skipped; other
// fields are ignored; an id may be a string or a number. Lines are decoded in
// parallel; the error reported is the one on the earliest line.
func ReadPairs(r io.Reader, name string) ([]Pair, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return ParsePairs(data, name)
}

// ParsePairs is ReadPairs on data already in memory.
func ParsePairs(data []byte, name string) ([]Pair, error) {
	type line struct {
		no   int
		text []byte
	}
	var lines []line
	for no := 1; len(data) > 0; no++ {
		i := bytes.IndexByte(data, '\n')
		var l []byte
		if i < 0 {
			l, data = data, nil
		} else {
			l, data = data[:i], data[i+1:]
		}
		if len(bytes.TrimSpace(l)) > 0 {
			lines = append(lines, line{no, l})
		}
	}
	pairs := make([]Pair, len(lines))
	errs := make([]error, len(lines))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(lines)/256))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(lines); i += workers {
				pairs[i], errs[i] = parsePair(lines[i].text)
				if errs[i] != nil {
					errs[i] = fmt.Errorf("%s:%d: %w", name, lines[i].no, errs[i])
				}
			}
		}()
	}
	wg.Wait()
	for _, e := range errs {
		if e != nil {
			return nil, e
		}
	}
	return pairs, nil
}

// pairID accepts a JSON string or number.
type pairID struct {
	s   string
	set bool
}

func (p *pairID) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		p.set = true
		return json.Unmarshal(b, &p.s)
	}
	if string(b) == "null" {
		return nil
	}
	if _, err := strconv.ParseFloat(string(b), 64); err != nil {
		return errors.New(`field "id": want a string or a number`)
	}
	p.s, p.set = string(b), true
	return nil
}

type rawPair struct {
	ID         pairID  `json:"id"`
	Hypothesis *string `json:"hypothesis"`
	Reference  *string `json:"reference"`
}

func parsePair(b []byte) (Pair, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return Pair{}, errors.New("want a JSON object")
	}
	var rp rawPair
	if err := json.Unmarshal(b, &rp); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return Pair{}, fmt.Errorf("field %q: want a string, got %s", te.Field, te.Value)
		}
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return Pair{}, fmt.Errorf("invalid JSON: %v", err)
		}
		return Pair{}, err
	}
	switch {
	case !rp.ID.set:
		return Pair{}, errors.New(`field "id": missing`)
	case rp.Hypothesis == nil:
		return Pair{}, errors.New(`field "hypothesis": missing`)
	case rp.Reference == nil:
		return Pair{}, errors.New(`field "reference": missing`)
	}
	return Pair{ID: rp.ID.s, Hypothesis: *rp.Hypothesis, Reference: *rp.Reference}, nil
}
