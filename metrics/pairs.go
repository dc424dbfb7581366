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
	"unicode/utf8"
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
	if p, ok := parsePairFast(b); ok {
		return p, nil
	}
	return parsePairJSON(b)
}

// parsePairJSON decodes a line with encoding/json and words its errors.
func parsePairJSON(b []byte) (Pair, error) {
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

// parsePairFast decodes the common line, an object whose id, hypothesis and
// reference are plain strings (the id may be a number), several times
// faster than encoding/json. Anything else (a missing field, null, nested
// values, invalid UTF-8, surrogate escapes, a key that only matches
// case-insensitively, bad syntax) returns ok=false, and encoding/json decides
// the result or the error.
func parsePairFast(b []byte) (p Pair, ok bool) {
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return p, false
	}
	i++
	var have [3]bool
	for first := true; ; first = false {
		i = skipWS(b, i)
		if i >= len(b) {
			return p, false
		}
		if b[i] == '}' && first {
			return p, false // {} lacks the fields
		}
		if b[i] != '"' {
			return p, false
		}
		j := i + 1
		for j < len(b) && b[j] != '"' && b[j] != '\\' && b[j] >= 0x20 && b[j] < utf8.RuneSelf {
			j++
		}
		if j >= len(b) || b[j] != '"' {
			return p, false
		}
		key := b[i+1 : j]
		i = skipWS(b, j+1)
		if i >= len(b) || b[i] != ':' {
			return p, false
		}
		i = skipWS(b, i+1)
		if i >= len(b) {
			return p, false
		}
		field := -1
		switch string(key) {
		case "id":
			field = 0
		case "hypothesis":
			field = 1
		case "reference":
			field = 2
		default:
			if bytes.EqualFold(key, []byte("id")) || bytes.EqualFold(key, []byte("hypothesis")) || bytes.EqualFold(key, []byte("reference")) {
				return p, false
			}
		}
		var val string
		switch c := b[i]; {
		case c == '"':
			var ok bool
			val, i, ok = fastString(b, i)
			if !ok {
				return p, false
			}
		case field <= 0 && (c == '-' || isDigit(c)):
			j := scanNumber(b, i)
			if j < 0 {
				return p, false
			}
			val, i = string(b[i:j]), j
		case field < 0 && (bytes.HasPrefix(b[i:], []byte("true")) || bytes.HasPrefix(b[i:], []byte("null"))):
			i += 4
		case field < 0 && bytes.HasPrefix(b[i:], []byte("false")):
			i += 5
		default:
			return p, false
		}
		switch field {
		case 0:
			p.ID = val
		case 1:
			p.Hypothesis = val
		case 2:
			p.Reference = val
		}
		if field >= 0 {
			have[field] = true
		}
		i = skipWS(b, i)
		if i >= len(b) {
			return p, false
		}
		if b[i] == ',' {
			i++
			continue
		}
		if b[i] != '}' {
			return p, false
		}
		if skipWS(b, i+1) != len(b) {
			return p, false
		}
		return p, have[0] && have[1] && have[2]
	}
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// scanNumber returns the end of the JSON number at b[i:], or -1.
func scanNumber(b []byte, i int) int {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	default:
		return -1
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || !isDigit(b[i]) {
			return -1
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigit(b[i]) {
			return -1
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	return i
}

// fastString decodes the JSON string starting at b[i] == '"' and returns
// the index after it; ok is false for anything it leaves to encoding/json.
func fastString(b []byte, i int) (string, int, bool) {
	i++
	start := i
	ascii := true
	for i < len(b) {
		c := b[i]
		if c == '"' {
			seg := b[start:i]
			if !ascii && !utf8.Valid(seg) {
				return "", 0, false
			}
			return string(seg), i + 1, true
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", 0, false
		}
		if c >= utf8.RuneSelf {
			ascii = false
		}
		i++
	}
	if i >= len(b) {
		return "", 0, false
	}
	// Escapes: build the string.
	out := make([]byte, 0, i-start+16)
	out = append(out, b[start:i]...)
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			if !ascii && !utf8.Valid(out) {
				return "", 0, false
			}
			return string(out), i + 1, true
		case c < 0x20:
			return "", 0, false
		case c != '\\':
			if c >= utf8.RuneSelf {
				ascii = false
			}
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(b) {
			return "", 0, false
		}
		switch e := b[i+1]; e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			if i+6 > len(b) {
				return "", 0, false
			}
			v, err := strconv.ParseUint(string(b[i+2:i+6]), 16, 32)
			if err != nil || (v >= 0xd800 && v < 0xe000) {
				return "", 0, false // surrogates: encoding/json's rules
			}
			out = utf8.AppendRune(out, rune(v))
			i += 6
			continue
		default:
			return "", 0, false
		}
		i += 2
	}
	return "", 0, false
}
