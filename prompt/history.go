package prompt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/occbench/occbench/bench"
)

// HistoryFormat names the serialiser that turns a history into prompt text.
// The name is recorded in the manifest; a change of wording, field names or
// order needs a new name, since it changes every prompt and cache key.
const HistoryFormat = "v1"

// historyFormats are the serialisers a suite can name.
var historyFormats = map[string]func(*bench.Example) ([]byte, error){
	"v1": historyV1,
}

// CheckHistoryFormat reports a serialiser name that is not known.
func CheckHistoryFormat(name string) error {
	if historyFormats[name] == nil {
		return fmt.Errorf("history_format %q: want %s", name, HistoryFormat)
	}
	return nil
}

// SerializeHistory writes the history of ex as the prompt sees it.
func SerializeHistory(ex *bench.Example, format string) (string, error) {
	f, ok := historyFormats[format]
	if !ok {
		return "", fmt.Errorf("history format %q: want %s", format, HistoryFormat)
	}
	b, err := f(ex)
	return string(b), err
}

// Format v1 is a JSON array of the records, oldest first, one record per
// line. Fields follow a fixed order and missing values are left out rather
// than written as null, which costs tokens and says nothing.
//
// A past job includes its O*NET-SOC 2019 occupation title besides the title
// as written: the paper's eq. (1) lists "occupation" among a job record's
// attributes, and the prompts ask for an answer in that vocabulary. The
// code is not included; the models see titles only.
type eduV1 struct {
	Type           string `json:"type"`
	School         string `json:"school,omitempty"`
	Degree         string `json:"degree,omitempty"`
	Major          string `json:"major,omitempty"`
	GraduationYear int    `json:"graduation_year,omitempty"`
	StartDate      string `json:"start_date,omitempty"`
	EndDate        string `json:"end_date,omitempty"`
}

type jobV1 struct {
	Type       string      `json:"type"`
	Title      string      `json:"title,omitempty"`
	Occupation string      `json:"occupation,omitempty"`
	Industry   string      `json:"industry,omitempty"`
	StartDate  string      `json:"start_date,omitempty"`
	EndDate    string      `json:"end_date,omitempty"`
	Salary     json.Number `json:"salary,omitempty"`
}

func historyV1(ex *bench.Example) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("[")
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for i, r := range ex.History {
		if i > 0 {
			buf.WriteString(",")
		}
		buf.WriteString("\n  ")
		var v any
		if r.IsJob() {
			j := jobV1{Type: "job", Title: r.Title, Occupation: r.Occupation, Industry: r.Industry,
				StartDate: r.Start.String(), EndDate: r.End.String()}
			if r.Salary != 0 {
				// Shortest decimal: 85000, not 8.5e+04.
				j.Salary = json.Number(strconv.FormatFloat(r.Salary, 'f', -1, 64))
			}
			v = j
		} else {
			v = eduV1{Type: "education", School: r.School, Degree: r.Degree, Major: r.Major,
				GraduationYear: r.GradYear, StartDate: r.Start.String(), EndDate: r.End.String()}
		}
		if err := enc.Encode(v); err != nil {
			return nil, fmt.Errorf("user %s: record %d: %w", ex.UserID, i+1, err)
		}
		buf.Truncate(buf.Len() - 1) // the encoder's newline
	}
	if len(ex.History) > 0 {
		buf.WriteString("\n")
	}
	buf.WriteString("]")
	return buf.Bytes(), nil
}
