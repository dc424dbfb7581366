package bench

import (
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

// parseCSV reads long-form CSV with a header row.
func (im *importer) parseCSV(path string, in io.Reader) error {
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1 // checked below, with a clearer message
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return &InputError{File: path, Line: 1, Want: "empty file: want a header row naming the columns " + strings.Join(CSVColumns, ",")}
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
		if !slices.Contains(CSVColumns, name) {
			if !slices.Contains(im.report.IgnoredColumns, name) {
				im.report.IgnoredColumns = append(im.report.IgnoredColumns, name)
			}
			continue
		}
		col[name] = i
	}
	if _, ok := col["user_id"]; !ok {
		return &InputError{File: path, Line: 1, Want: fmt.Sprintf("header %q has no user_id column: want columns among %s", strings.Join(header, ","), strings.Join(CSVColumns, ","))}
	}
	width := len(header)
	get := func(row []string, name string) string {
		if i, ok := col[name]; ok {
			return row[i]
		}
		return ""
	}
	for {
		row, err := cr.Read()
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
		user := strings.TrimSpace(get(row, "user_id"))
		if user == "" {
			if e := im.invalid(&InputError{File: path, Line: line, Field: "user_id", Want: "want a non-empty user id"}); e != nil {
				return e
			}
			continue
		}
		r, ferr := im.toRecord(recordFields{
			kind: get(row, "kind"), start: get(row, "start"), end: get(row, "end"),
			title: get(row, "title"), occupation: get(row, "occupation"), industry: get(row, "industry"),
			salary: get(row, "salary"), school: get(row, "school"), degree: get(row, "degree"),
			major: get(row, "major"), gradYear: get(row, "grad_year"),
		})
		if ferr != nil {
			if e := im.invalid(&InputError{File: path, Line: line, Field: ferr.field, Value: ferr.value, Want: ferr.want}); e != nil {
				return e
			}
			continue
		}
		im.add(user, r)
	}
}

func csvError(path string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &InputError{File: path, Line: pe.Line, Want: "malformed CSV: " + pe.Err.Error()}
	}
	return fmt.Errorf("%s: %w", path, err)
}
