package bench

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// CSVColumns are the columns of the long-form CSV format, one row per
// record. user_id is required; every other column may be left out.
var CSVColumns = []string{"user_id", "kind", "start", "end", "title", "occupation", "industry", "salary", "school", "degree", "major", "grad_year"}

// JobHopColumns are the columns of JobHop's CSV (Johary et al. 2025, on
// Hugging Face as aida-ugent/JobHop), one job per row: the resume, its ESCO
// occupation code (or "unknown"), the start and end quarters ("Q3 1996"),
// and the resume's university level. All but university_level are
// required.
var JobHopColumns = []string{"resume_id", "matched_code", "start_date", "end_date", "university_level"}

// csvLayout is a CSV dialect: its columns and how a row becomes records.
type csvLayout struct {
	columns  []string
	required []string // user column first
	// record turns a row, read through get, into a record's fields.
	record func(get func(string) string) recordFields
	// extra, when set, adds what else a valid row holds for its user.
	extra func(im *importer, user string, get func(string) string) error
	// column names the column of a record field, where the two differ, for
	// error messages.
	column map[string]string
}

var csvLong = &csvLayout{
	columns:  CSVColumns,
	required: []string{"user_id"},
	record: func(get func(string) string) recordFields {
		return recordFields{
			kind: get("kind"), start: get("start"), end: get("end"),
			title: get("title"), occupation: get("occupation"), industry: get("industry"),
			salary: get("salary"), school: get("school"), degree: get("degree"),
			major: get("major"), gradYear: get("grad_year"),
		}
	},
}

// csvJobHop reads JobHop's rows. Dates may be null ("", "null" or "NaN"); a
// university level becomes one undated education record per user and level
// ("unknown" and null give none).
var csvJobHop = &csvLayout{
	columns:  JobHopColumns,
	required: []string{"resume_id", "matched_code", "start_date", "end_date"},
	record: func(get func(string) string) recordFields {
		f := recordFields{kind: "job", start: get("start_date"), end: get("end_date"), occupation: get("matched_code")}
		for _, v := range []*string{&f.start, &f.end, &f.occupation} {
			if isNull(*v) {
				*v = ""
			}
		}
		return f
	},
	extra: func(im *importer, user string, get func(string) string) error {
		return im.addLevel(user, get("university_level"))
	},
	column: map[string]string{"start": "start_date", "end": "end_date", "occupation": "matched_code"},
}

// parseCSV reads CSV with a header row in the given layout.
func (im *importer) parseCSV(path string, in io.Reader, layout *csvLayout) error {
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1 // checked below, with a clearer message
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return &InputError{File: path, Line: 1, Want: "empty file: want a header row naming the columns " + strings.Join(layout.columns, ",")}
	}
	if err != nil {
		return csvError(path, err)
	}
	col := map[string]int{}
	names := make([]string, len(header)) // the header's slice is reused for the rows
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		names[i] = name
		if _, dup := col[name]; dup {
			return &InputError{File: path, Line: 1, Field: name, Value: h, Want: "column named twice in the header"}
		}
		col[name] = i
	}
	for _, need := range layout.required {
		if _, ok := col[need]; ok {
			continue
		}
		hint := ""
		if _, ok := col["matched_code"]; ok && layout == csvLong {
			hint = " (resume_id and matched_code are JobHop's columns: --format jobhop reads them)"
		}
		return &InputError{File: path, Line: 1, Want: fmt.Sprintf("header %q has no %s column: want columns among %s%s", strings.Join(header, ","), need, strings.Join(layout.columns, ","), hint)}
	}
	for name := range col {
		if !slices.Contains(layout.columns, name) {
			delete(col, name)
			if !slices.Contains(im.report.IgnoredColumns, name) {
				im.report.IgnoredColumns = append(im.report.IgnoredColumns, name)
			}
		}
	}
	slices.Sort(im.report.IgnoredColumns)
	width := len(header)
	var row []string
	get := func(name string) string {
		if i, ok := col[name]; ok {
			return row[i]
		}
		return ""
	}
	userCol := layout.required[0]
	for {
		row, err = cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				if e := im.invalid(&InputError{File: path, Line: pe.Line, Want: "malformed CSV: " + pe.Err.Error()}); e != nil {
					return e
				}
				continue
			}
			return csvError(path, err)
		}
		line, _ := cr.FieldPos(0)
		im.report.Rows++
		if len(row) != width {
			if e := im.invalid(&InputError{File: path, Line: line, Want: fmt.Sprintf("row has %d fields, the header has %d", len(row), width)}); e != nil {
				return e
			}
			continue
		}
		if ie := checkUTF8(path, line, names, row); ie != nil {
			if e := im.invalid(ie); e != nil {
				return e
			}
			continue
		}
		user := strings.TrimSpace(get(userCol))
		if user == "" {
			if e := im.invalid(&InputError{File: path, Line: line, Field: userCol, Want: "want a non-empty user id"}); e != nil {
				return e
			}
			continue
		}
		r, ferr := im.toRecord(layout.record(get))
		if ferr != nil {
			if e := im.invalid(&InputError{File: path, Line: line, Field: cmp.Or(layout.column[ferr.field], ferr.field), Value: ferr.value, Want: ferr.want}); e != nil {
				return e
			}
			continue
		}
		if layout.extra != nil {
			if err := layout.extra(im, user, get); err != nil {
				return err
			}
		}
		if err := im.add(user, r); err != nil {
			return err
		}
	}
}

func csvError(path string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &InputError{File: path, Line: pe.Line, Want: "malformed CSV: " + pe.Err.Error()}
	}
	return fmt.Errorf("%s: %w", path, err)
}
