// Package bench holds occbench's domain types — career records, histories
// and examples — and their Arrow and Parquet encodings, the importers that
// build them from outside data, the train/test split and data-set
// summaries. Of occbench it imports only the taxonomy (bench/onet), the
// ESCO crosswalk (bench/esco) and internal/safefile; the packages that
// handle careers build on it.
package bench

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Kind tells an education record from a job record.
type Kind uint8

const (
	Job Kind = iota
	Education
)

func (k Kind) String() string {
	if k == Education {
		return "education"
	}
	return "job"
}

// ParseKind accepts "job" and "education" (and the short forms "edu", "j",
// "e"), case-insensitively.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "job", "j", "work", "employment":
		return Job, nil
	case "education", "edu", "e", "school":
		return Education, nil
	}
	return 0, fmt.Errorf("record kind %q: want job or education", s)
}

// MarshalText writes the kind's name.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads a kind's name.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// Date is a calendar day, stored as days since 1970-01-01 (Arrow date32).
// The zero value is NoDate: a record without that date.
type Date struct {
	days  int32
	valid bool
}

// NoDate is a missing date.
var NoDate = Date{}

// DateOf returns the date y-m-d.
func DateOf(y int, m time.Month, d int) Date {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return Date{days: int32(t.Unix() / 86400), valid: true}
}

// DateFromDays returns the date that is days after 1970-01-01.
func DateFromDays(days int32) Date { return Date{days: days, valid: true} }

// Valid reports whether the date is present.
func (d Date) Valid() bool { return d.valid }

// Days returns days since 1970-01-01; meaningless when !Valid.
func (d Date) Days() int32 { return d.days }

// Time returns the date at midnight UTC, or the zero time when missing.
func (d Date) Time() time.Time {
	if !d.valid {
		return time.Time{}
	}
	return time.Unix(int64(d.days)*86400, 0).UTC()
}

// Year returns the calendar year, or 0 when missing.
func (d Date) Year() int {
	if !d.valid {
		return 0
	}
	return d.Time().Year()
}

// Before orders dates; a missing date sorts before every present one.
func (d Date) Before(e Date) bool {
	if d.valid != e.valid {
		return !d.valid
	}
	return d.days < e.days
}

// String formats the date as YYYY-MM-DD, or "" when missing.
func (d Date) String() string {
	if !d.valid {
		return ""
	}
	return d.Time().Format(time.DateOnly)
}

// ParseDate reads YYYY-MM-DD, YYYY-MM, YYYY/MM/DD, YYYY/MM or YYYY; a month
// or year alone means its first day. The empty string is NoDate.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return NoDate, nil
	}
	for _, layout := range []string{"2006-01-02", "2006-01", "2006/01/02", "2006/01", "2006"} {
		if len(s) != len(layout) {
			continue
		}
		if t, err := time.Parse(layout, s); err == nil {
			return DateOf(t.Year(), t.Month(), t.Day()), nil
		}
	}
	return NoDate, fmt.Errorf("date %q: want YYYY-MM-DD, YYYY-MM or YYYY", s)
}

// ParseQuarter reads a calendar quarter, "Q3 1996" (Q1 to Q4, either case,
// spaces around the year optional), and returns its first and last days:
// 1996-07-01 and 1996-09-30.
func ParseQuarter(s string) (first, last Date, err error) {
	t := strings.TrimSpace(s)
	if len(t) < 2 || (t[0] != 'Q' && t[0] != 'q') || t[1] < '1' || t[1] > '4' {
		return NoDate, NoDate, badQuarter(s)
	}
	q := int(t[1] - '0')
	y := strings.TrimSpace(t[2:])
	if len(y) != 4 {
		return NoDate, NoDate, badQuarter(s)
	}
	year := 0
	for i := range len(y) {
		if y[i] < '0' || y[i] > '9' {
			return NoDate, NoDate, badQuarter(s)
		}
		year = 10*year + int(y[i]-'0')
	}
	m := time.Month(3*q - 2)
	first = DateOf(year, m, 1)
	last = DateFromDays(DateOf(year, m+3, 1).Days() - 1) // month 13 is January of the next year
	return first, last, nil
}

func badQuarter(s string) error {
	return fmt.Errorf("quarter %q: want Q1 to Q4 and a year, such as Q3 1996", s)
}

// MarshalJSON writes "YYYY-MM-DD" or null.
func (d Date) MarshalJSON() ([]byte, error) {
	if !d.valid {
		return []byte("null"), nil
	}
	return []byte(strconv.Quote(d.String())), nil
}

// UnmarshalJSON reads what ParseDate reads, or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = NoDate
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("date %s: want a string such as \"2019-06-01\"", b)
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Record is one entry of a career history: an education record or a job.
// Fields of the other kind are left empty. Empty strings and zero numbers
// mean "not given".
type Record struct {
	Kind  Kind `json:"kind"`
	Start Date `json:"start"`
	End   Date `json:"end"`

	// Education.
	School   string `json:"school,omitempty"`
	Degree   string `json:"degree,omitempty"`
	Major    string `json:"major,omitempty"`
	GradYear int    `json:"grad_year,omitempty"`

	// Job.
	Title      string  `json:"title,omitempty"`      // the title as written on the resume
	Code       string  `json:"code,omitempty"`       // O*NET-SOC 2019 code, e.g. "15-1252.00"
	Occupation string  `json:"occupation,omitempty"` // O*NET-SOC 2019 title of Code
	Industry   string  `json:"industry,omitempty"`
	Salary     float64 `json:"salary,omitempty"` // yearly, in the data's currency

	// How Code was found, where an importer decided it: CodeMethod is one
	// of the Code* constants; CodeScore how sure, from 0 to 1 (1 for a code
	// or title given, else the classifier's score or the crosswalk's
	// confidence); SourceCode the code the input gave in another taxonomy
	// (an ESCO occupation). Empty in synthetic data and in files of schema
	// version 1.
	CodeMethod string  `json:"code_method,omitempty"`
	CodeScore  float64 `json:"code_score,omitempty"`
	SourceCode string  `json:"source_code,omitempty"`
}

// How an importer found a job's occupation (Record.CodeMethod).
const (
	CodeGiven      = "code"       // the input gave an O*NET-SOC 2019 code
	CodeTitle      = "title"      // the input gave an O*NET title
	CodeClassified = "classified" // the classifier read it from the job title
	CodeCrosswalk  = "crosswalk"  // mapped from another taxonomy's code
)

// IsJob reports whether r is a job record.
func (r Record) IsJob() bool { return r.Kind == Job }

// SortKey is the date that orders a record in a history: the start date,
// else (for education) the end date, else the graduation year.
func (r Record) SortKey() Date {
	switch {
	case r.Start.Valid():
		return r.Start
	case r.End.Valid():
		return r.End
	case r.GradYear > 0:
		return DateOf(r.GradYear, time.June, 1)
	}
	return NoDate
}

// Example is one user: the history before the next job, and that job's
// occupation, the target. Target fields are empty for inference-only sets.
//
// A data set with a horizon of K jobs (MetaHorizon) also gives each user
// the K jobs that follow the history, the target path, whose first job is
// the target; Path and BayesCodes read both kinds of set alike.
type Example struct {
	UserID      string   `json:"user_id"`
	History     []Record `json:"history"`
	TargetCode  string   `json:"target_code,omitempty"`
	TargetTitle string   `json:"target_title,omitempty"`
	// TargetPath are the K jobs after the history, oldest first, as full
	// job records (titles and dates, for a teacher-forced history and a
	// time split): TargetPath[0] has Code TargetCode and Occupation
	// TargetTitle. Nil in a single-step set.
	TargetPath []Record `json:"target_path,omitempty"`

	// Optional columns.
	OracleReason string `json:"oracle_reason,omitempty"`
	// BayesCode and BayesTitle are the Bayes-optimal prediction, known only
	// for synthetic data.
	BayesCode  string `json:"bayes_code,omitempty"`
	BayesTitle string `json:"bayes_title,omitempty"`
	// BayesPath is the Bayes-optimal occupation at each horizon h = 1..K,
	// the most probable occupation h jobs on given the history (each step's
	// own marginal, not the likeliest path): synthetic test users only.
	// BayesPath[0] is BayesCode.
	BayesPath []Occupation `json:"bayes_path,omitempty"`
	// Attempts are an oracle model's (reason, answer) attempts for the user,
	// each marked correct when its answer maps to the target occupation.
	Attempts []Attempt `json:"attempts,omitempty"`
}

// Occupation is an O*NET-SOC 2019 occupation: its code and title.
type Occupation struct {
	Code  string `json:"code"`
	Title string `json:"title"`
}

// Horizon is K, the number of target jobs: the length of the target path,
// 1 for a single-step example with a target, 0 without one.
func (e *Example) Horizon() int {
	switch {
	case len(e.TargetPath) > 0:
		return len(e.TargetPath)
	case e.TargetCode != "":
		return 1
	}
	return 0
}

// Path returns the codes of the K target jobs, oldest first: the target
// path's, or the target alone in a single-step set; nil without a target.
func (e *Example) Path() []string {
	if len(e.TargetPath) == 0 {
		if e.TargetCode == "" {
			return nil
		}
		return []string{e.TargetCode}
	}
	codes := make([]string, len(e.TargetPath))
	for i, r := range e.TargetPath {
		codes[i] = r.Code
	}
	return codes
}

// BayesCodes returns the Bayes-optimal code at each horizon h = 1..K: the
// Bayes path's, or BayesCode alone; nil where the set has none.
func (e *Example) BayesCodes() []string {
	if len(e.BayesPath) == 0 {
		if e.BayesCode == "" {
			return nil
		}
		return []string{e.BayesCode}
	}
	codes := make([]string, len(e.BayesPath))
	for i, o := range e.BayesPath {
		codes[i] = o.Code
	}
	return codes
}

// HistoryAt returns the history a teacher-forced prediction of the job at
// horizon h (1..Horizon) sees: the history followed by the first h−1 jobs
// of the target path. It shares no storage with the example.
func (e *Example) HistoryAt(h int) []Record {
	h = min(max(h, 1), max(len(e.TargetPath), 1))
	out := make([]Record, 0, len(e.History)+h-1)
	out = append(out, e.History...)
	if len(e.TargetPath) > 0 {
		out = append(out, e.TargetPath[:h-1]...)
	}
	return out
}

// Attempt is one (reason, answer) an oracle model generated for a user.
type Attempt struct {
	Reason  string `json:"reason"`
	Answer  string `json:"answer"` // the answer text as written
	Code    string `json:"code"`   // the answer mapped onto O*NET; "" when unmapped
	Correct bool   `json:"correct"`
}

// Jobs returns the job records of the history, oldest first.
func (e *Example) Jobs() []Record {
	jobs := make([]Record, 0, len(e.History))
	for _, r := range e.History {
		if r.IsJob() {
			jobs = append(jobs, r)
		}
	}
	return jobs
}

// Codes returns the O*NET codes of the history's jobs, oldest first.
func (e *Example) Codes() []string {
	codes := make([]string, 0, len(e.History))
	for _, r := range e.History {
		if r.IsJob() {
			codes = append(codes, r.Code)
		}
	}
	return codes
}

// LastCode is the occupation of the most recent job in the history, or "".
func (e *Example) LastCode() string {
	for i := len(e.History) - 1; i >= 0; i-- {
		if e.History[i].IsJob() {
			return e.History[i].Code
		}
	}
	return ""
}
