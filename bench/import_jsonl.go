package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// jsonlUser is one line of the JSONL format.
type jsonlUser struct {
	UserID  *flexString   `json:"user_id"`
	Records []jsonlRecord `json:"records"`
}

type jsonlRecord struct {
	Kind       flexString `json:"kind"`
	Start      flexString `json:"start"`
	End        flexString `json:"end"`
	Title      flexString `json:"title"`
	Occupation flexString `json:"occupation"`
	Industry   flexString `json:"industry"`
	Salary     flexString `json:"salary"`
	School     flexString `json:"school"`
	Degree     flexString `json:"degree"`
	Major      flexString `json:"major"`
	GradYear   flexString `json:"grad_year"`
}

// flexString accepts a JSON string, number or null, keeping the text, so
// that "salary": 55000 and "salary": "55000" both read.
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		*s = ""
	case len(b) > 0 && b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
	case len(b) > 0 && (b[0] == '-' || (b[0] >= '0' && b[0] <= '9')):
		*s = flexString(b)
	default:
		return fmt.Errorf("want a string or a number, got %s", b)
	}
	return nil
}

// maxJSONLine bounds one JSONL line (one user).
const maxJSONLine = 16 << 20

// parseJSONL reads one user per line: {"user_id": ..., "records": [...]}.
func (im *importer) parseJSONL(path string, in io.Reader) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), maxJSONLine)
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		im.report.Rows++
		if !utf8.Valid(text) {
			if e := im.invalid(badUTF8Field(path, line, text)); e != nil {
				return e
			}
			continue
		}
		var u jsonlUser
		dec := json.NewDecoder(bytes.NewReader(text))
		err := dec.Decode(&u)
		if err == nil && dec.More() {
			err = errors.New("more than one JSON value on the line: want one user per line")
		}
		if err != nil {
			if e := im.invalid(&InputError{File: path, Line: line, Field: jsonField(err), Want: "malformed JSON: " + err.Error()}); e != nil {
				return e
			}
			continue
		}
		if u.UserID == nil || strings.TrimSpace(string(*u.UserID)) == "" {
			if e := im.invalid(&InputError{File: path, Line: line, Field: "user_id", Want: "want a non-empty user id"}); e != nil {
				return e
			}
			continue
		}
		user := strings.TrimSpace(string(*u.UserID))
		im.ignoredKeys(text)
		if err := im.groups.line(user, len(u.Records) == 0); err != nil {
			return err
		}
		if len(u.Records) == 0 {
			continue
		}
		var recs []Record
		var bad *InputError
		for i, jr := range u.Records {
			r, ferr := im.toRecord(recordFields{
				kind: string(jr.Kind), start: string(jr.Start), end: string(jr.End), title: string(jr.Title),
				occupation: string(jr.Occupation), industry: string(jr.Industry), salary: string(jr.Salary),
				school: string(jr.School), degree: string(jr.Degree), major: string(jr.Major), gradYear: string(jr.GradYear),
			})
			if ferr != nil {
				bad = &InputError{File: path, Line: line, Field: "records[" + strconv.Itoa(i) + "]." + ferr.field, Value: ferr.value, Want: ferr.want}
				break
			}
			recs = append(recs, r)
		}
		if bad != nil {
			// The line is one user: skipping it skips the user.
			if e := im.invalid(bad); e != nil {
				return e
			}
			continue
		}
		for _, r := range recs {
			if err := im.add(user, r); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return &InputError{File: path, Line: line + 1, Want: fmt.Sprintf("line longer than %d bytes", maxJSONLine)}
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// jsonField extracts the field name of a JSON type error, if any.
func jsonField(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field
	}
	return ""
}

// jsonKey is a JSON object key and what follows it up to its value.
var jsonKey = regexp.MustCompile(`"([^"\\]*)"\s*:\s*$`)

// badUTF8Field is the error of a line with bytes that are not UTF-8, naming
// the key whose value holds the first of them where it can tell.
func badUTF8Field(path string, line int, text []byte) *InputError {
	i := 0
	for i < len(text) {
		r, n := utf8.DecodeRune(text[i:])
		if r == utf8.RuneError && n == 1 {
			break
		}
		i += n
	}
	start := bytes.LastIndexByte(text[:i], '"') // the opening quote of the value
	field := ""
	if start > 0 {
		if m := jsonKey.FindSubmatch(text[:start]); m != nil {
			field = string(m[1])
		}
	}
	end := bytes.IndexByte(text[i:], '"')
	if end < 0 {
		end = len(text) - i
	}
	return &InputError{File: path, Line: line, Field: field, Value: string(text[start+1 : i+end]), Want: "want UTF-8 text: the value has bytes that are not UTF-8"}
}

// jsonlKeys are the keys the JSONL format reads.
var jsonlKeys = map[string]bool{"user_id": true, "records": true}

// ignoredKeys adds the keys of a user line, and of its records, that the
// format does not read to the report, as CSV does with columns.
func (im *importer) ignoredKeys(line []byte) {
	var raw struct {
		Records []map[string]json.RawMessage `json:"records"`
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(line, &top) != nil || json.Unmarshal(line, &raw) != nil {
		return
	}
	note := func(k string) {
		if !slices.Contains(im.report.IgnoredColumns, k) {
			im.report.IgnoredColumns = append(im.report.IgnoredColumns, k)
		}
	}
	for k := range top {
		if !jsonlKeys[k] {
			note(k)
		}
	}
	for _, r := range raw.Records {
		for k := range r {
			if !slices.Contains(CSVColumns, k) || k == "user_id" {
				note("records[]." + k)
			}
		}
	}
	slices.Sort(im.report.IgnoredColumns)
}
