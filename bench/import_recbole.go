package bench

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// parseRecBole reads a RecBole atomic .inter file: a tab-separated header of
// name:type fields (user_id:token item_id:token timestamp:float, in any
// order, others ignored) and one job per row. Item ids are O*NET-SOC codes
// or exact O*NET titles (ESCO values with TaxonomyESCO); timestamps are Unix
// seconds.
func (im *importer) parseRecBole(path string, in io.Reader) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return &InputError{File: path, Line: 1, Want: "empty file: want the header user_id:token\titem_id:token\ttimestamp:float"}
	}
	header := strings.Split(strings.TrimSuffix(strings.TrimPrefix(sc.Text(), "\ufeff"), "\r"), "\t")
	col := map[string]int{}
	names := make([]string, len(header))
	for i, h := range header {
		name, typ, ok := strings.Cut(strings.TrimSpace(h), ":")
		names[i] = name
		if !ok || name == "" {
			return &InputError{File: path, Line: 1, Field: h, Value: h, Want: "want a RecBole header field name:type, such as user_id:token"}
		}
		switch typ {
		case "token", "token_seq", "float", "float_seq":
		default:
			return &InputError{File: path, Line: 1, Field: name, Value: h, Want: "want a RecBole type token, token_seq, float or float_seq"}
		}
		if _, dup := col[name]; dup {
			return &InputError{File: path, Line: 1, Field: name, Value: h, Want: "field named twice in the header"}
		}
		col[name] = i
		switch name {
		case "user_id", "item_id", "timestamp":
		default:
			im.report.IgnoredColumns = append(im.report.IgnoredColumns, name)
		}
	}
	for _, need := range []string{"user_id", "item_id", "timestamp"} {
		if _, ok := col[need]; !ok {
			return &InputError{File: path, Line: 1, Field: need, Value: sc.Text(), Want: "header lacks " + need + ": want user_id:token\titem_id:token\ttimestamp:float"}
		}
	}
	line := 1
	for sc.Scan() {
		line++
		text := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		im.report.Rows++
		row := strings.Split(text, "\t")
		if len(row) != len(header) {
			if e := im.invalid(&InputError{File: path, Line: line, Want: fmt.Sprintf("row has %d fields, the header has %d", len(row), len(header))}); e != nil {
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
		user := strings.TrimSpace(row[col["user_id"]])
		if user == "" {
			if e := im.invalid(&InputError{File: path, Line: line, Field: "user_id", Want: "want a non-empty user id"}); e != nil {
				return e
			}
			continue
		}
		r := Record{Kind: Job}
		if ts := strings.TrimSpace(row[col["timestamp"]]); ts != "" {
			secs, err := strconv.ParseFloat(ts, 64)
			if err != nil || math.IsNaN(secs) || math.IsInf(secs, 0) || math.Abs(secs) > 1e11 {
				if e := im.invalid(&InputError{File: path, Line: line, Field: "timestamp", Value: ts, Want: "want Unix seconds"}); e != nil {
					return e
				}
				continue
			}
			r.Start = dateFromUnix(secs)
		}
		if item := strings.TrimSpace(row[col["item_id"]]); item != "" {
			if want, ok := im.setOccupation(&r, item); !ok {
				if e := im.invalid(&InputError{File: path, Line: line, Field: "item_id", Value: item, Want: want}); e != nil {
					return e
				}
				continue
			}
		}
		if err := im.add(user, r); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return &InputError{File: path, Line: line + 1, Want: "line longer than 1 MiB"}
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
