package reports

import (
	"bufio"
	"strings"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

// textWidth is where notes wrap in the text format.
const textWidth = 100

// writeText writes the table for a terminal: title, the table drawn by
// tablewriter (header case kept, nothing wrapped or truncated), then the
// notes.
func writeText(w *bufio.Writer, t *Table) error {
	w.WriteString(t.Title + "\n")
	if len(t.Rows) == 0 {
		w.WriteString("  (no data: " + t.Empty + ")\n")
	} else {
		aligns := make([]tw.Align, 0, len(t.Columns)+1)
		for _, a := range t.aligns() {
			aligns = append(aligns, twAlign(a))
		}
		tbl := tablewriter.NewTable(w,
			tablewriter.WithHeaderAutoFormat(tw.Off),
			tablewriter.WithHeaderAutoWrap(tw.WrapNone),
			tablewriter.WithRowAutoWrap(tw.WrapNone),
			tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{Global: tw.AlignLeft, PerColumn: aligns}),
			tablewriter.WithRowAlignmentConfig(tw.CellAlignment{Global: tw.AlignLeft, PerColumn: aligns}),
		)
		tbl.Header(t.header())
		if err := tbl.Bulk(t.body(false)); err != nil {
			return err
		}
		if err := tbl.Render(); err != nil {
			return err
		}
	}
	for _, n := range t.Notes {
		for _, l := range wrap(n, textWidth) {
			w.WriteString(l + "\n")
		}
	}
	return nil
}

func twAlign(a Align) tw.Align {
	switch a {
	case Right:
		return tw.AlignRight
	case Center:
		return tw.AlignCenter
	}
	return tw.AlignLeft
}

// wrap breaks s into lines of at most width runes at spaces; continuation
// lines are indented by two spaces.
func wrap(s string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = word
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > width:
			lines = append(lines, line)
			line = "  " + word
		default:
			line += " " + word
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
