package reports

import (
	"bufio"
	"encoding/csv"
)

// writeCSV writes the table as RFC 4180 CSV: comment lines starting with
// "# " for the title and the notes (pandas: comment="#"), then the header
// and the rows, the group on every row. A missing value is an empty field.
func writeCSV(w *bufio.Writer, t *Table) error {
	w.WriteString("# " + oneLine(t.Title) + "\n")
	for _, n := range t.Notes {
		w.WriteString("# " + oneLine(n) + "\n")
	}
	if len(t.Rows) == 0 {
		w.WriteString("# no data: " + oneLine(t.Empty) + "\n")
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(t.header()); err != nil {
		return err
	}
	for _, r := range t.body(true) {
		for i, c := range r {
			if c == Dash {
				r[i] = ""
			}
		}
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func oneLine(s string) string { return newlines.Replace(s) }
