package bench

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// recordFields holds one record's fields as text, the shape every importer
// reduces its input to before validation.
type recordFields struct {
	kind, start, end, title, occupation, industry, salary string
	school, degree, major, gradYear                       string
}

// checkUTF8 is the one rule for text, in every importer and every field,
// user ids included: a value that is not UTF-8 is an error (or, with
// SkipInvalid, a dropped row), never silently replaced, so that two ids
// that differ in their bytes stay two users. names gives each value's
// field name.
func checkUTF8(path string, line int, names, values []string) *InputError {
	for i, v := range values {
		if !utf8.ValidString(v) {
			name := ""
			if i < len(names) {
				name = names[i]
			}
			return &InputError{File: path, Line: line, Field: name, Value: v, Want: "want UTF-8 text: the value has bytes that are not UTF-8"}
		}
	}
	return nil
}

// fieldError names the offending field and value and says what was wanted.
type fieldError struct{ field, value, want string }

// toRecord validates the fields and builds the record. An empty occupation
// is not an error: such jobs are unclassified and dropped later, counted.
func (im *importer) toRecord(f recordFields) (Record, *fieldError) {
	var r Record
	switch strings.TrimSpace(f.kind) {
	case "":
		// Infer the kind when the column is absent or empty.
		if f.school != "" || f.degree != "" || f.major != "" {
			r.Kind = Education
		}
	default:
		k, err := ParseKind(f.kind)
		if err != nil {
			return r, &fieldError{"kind", f.kind, "want job or education"}
		}
		r.Kind = k
	}
	var err error
	if r.Start, err = parseDateField(f.start, false); err != nil {
		return r, &fieldError{"start", f.start, wantDate}
	}
	if r.End, err = parseDateField(f.end, true); err != nil {
		return r, &fieldError{"end", f.end, wantDate}
	}
	if r.Start.Valid() && r.End.Valid() && r.End.Before(r.Start) {
		return r, &fieldError{"end", f.end, fmt.Sprintf("want a date not before start %s", r.Start)}
	}
	r.School, r.Degree, r.Major = strings.TrimSpace(f.school), strings.TrimSpace(f.degree), strings.TrimSpace(f.major)
	if s := strings.TrimSpace(f.gradYear); s != "" {
		y, err := strconv.Atoi(s)
		if err != nil || y < 1900 || y > 2200 {
			return r, &fieldError{"grad_year", f.gradYear, "want a year such as 2015"}
		}
		r.GradYear = y
	}
	r.Title, r.Industry = strings.TrimSpace(f.title), strings.TrimSpace(f.industry)
	if s := strings.TrimSpace(f.salary); s != "" {
		v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
		if err != nil || v < 0 || v != v || v > 1e12 {
			return r, &fieldError{"salary", f.salary, "want a non-negative number"}
		}
		r.Salary = v
	}
	if occ := strings.TrimSpace(f.occupation); occ != "" {
		if r.Kind == Education {
			return r, &fieldError{"occupation", f.occupation, "want no occupation on an education record"}
		}
		if want, ok := im.setOccupation(&r, occ); !ok {
			return r, &fieldError{"occupation", f.occupation, want}
		}
	}
	if r.IsJob() && r.Code == "" && r.SourceCode == "" && im.opts.Classify {
		text := r.Title
		if text == "" {
			text = strings.TrimSpace(f.occupation)
		}
		if text != "" {
			im.classify(&r, text)
		}
	}
	return r, nil
}

const wantDate = "want a date YYYY-MM-DD, YYYY-MM or YYYY, or a quarter such as Q3 1996"

// parseDateField reads a start or end date: what ParseDate reads, or a
// quarter (ParseQuarter), which starts on its first day and ends on its
// last.
func parseDateField(s string, end bool) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" || (s[0] != 'Q' && s[0] != 'q') {
		return ParseDate(s)
	}
	first, last, err := ParseQuarter(s)
	if end {
		return last, err
	}
	return first, err
}

// isNull reports whether a value is an empty cell as data tools write it:
// "", "null" (Hugging Face, JSON) or "NaN" (pandas), in any case.
func isNull(s string) bool {
	s = strings.TrimSpace(s)
	return s == "" || strings.EqualFold(s, "null") || strings.EqualFold(s, "nan")
}

// dateFromUnix converts a RecBole timestamp (seconds since the epoch) to the
// UTC calendar day.
func dateFromUnix(secs float64) Date {
	t := time.Unix(int64(secs), 0).UTC()
	return DateOf(t.Year(), t.Month(), t.Day())
}
