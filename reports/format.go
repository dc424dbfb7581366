package reports

import (
	"bufio"
	"fmt"
	"io"
)

// Format is a table output format.
type Format string

const (
	Text     Format = "text"
	Markdown Format = "markdown"
	CSV      Format = "csv"
	LaTeX    Format = "latex"
)

// Formats lists the table formats, with the file extension of each.
var Formats = []struct {
	Format Format
	Ext    string
}{{Text, "txt"}, {Markdown, "md"}, {CSV, "csv"}, {LaTeX, "tex"}}

// ParseFormat reads a --format value.
func ParseFormat(s string) (Format, error) {
	switch s {
	case "text", "txt":
		return Text, nil
	case "markdown", "md":
		return Markdown, nil
	case "csv":
		return CSV, nil
	case "latex", "tex":
		return LaTeX, nil
	}
	return "", fmt.Errorf("format %q: want text, markdown, csv or latex", s)
}

// WriteTable writes one table in format f.
func WriteTable(w io.Writer, f Format, t *Table) error {
	bw := bufio.NewWriter(w)
	var err error
	switch f {
	case Text:
		err = writeText(bw, t)
	case Markdown:
		err = writeMarkdown(bw, t)
	case CSV:
		err = writeCSV(bw, t)
	case LaTeX:
		err = writeLaTeX(bw, t)
	default:
		err = fmt.Errorf("format %q: want text, markdown, csv or latex", f)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// WriteTables writes several tables in format f, separated by a blank
// line. LaTeX output is a whole document (preamble with booktabs) that
// compiles as it is; per-table fragments come from WriteTable.
func WriteTables(w io.Writer, f Format, ts []*Table) error {
	bw := bufio.NewWriter(w)
	if f == LaTeX {
		bw.WriteString(latexPreamble)
	}
	for i, t := range ts {
		if i > 0 {
			bw.WriteString("\n")
		}
		if err := WriteTable(bw, f, t); err != nil {
			return err
		}
	}
	if f == LaTeX {
		bw.WriteString(latexEnd)
	}
	return bw.Flush()
}
