package reports

import (
	"bufio"
	"strings"
)

// writeMarkdown writes a GitHub-flavoured Markdown table: a bold title, the
// table, and the notes as a paragraph each. Cells are escaped, so a `|` in
// a runner name cannot break the table.
func writeMarkdown(w *bufio.Writer, t *Table) error {
	w.WriteString("**" + mdEscape(t.Title) + "**\n\n")
	if len(t.Rows) == 0 {
		w.WriteString("_No data: " + mdEscape(t.Empty) + "_\n")
	} else {
		mdRow(w, t.header())
		w.WriteString("|")
		for _, a := range t.aligns() {
			switch a {
			case Right:
				w.WriteString(" ---: |")
			case Center:
				w.WriteString(" :---: |")
			default:
				w.WriteString(" --- |")
			}
		}
		w.WriteString("\n")
		for _, r := range t.body(false) {
			mdRow(w, r)
		}
	}
	for _, n := range t.Notes {
		w.WriteString("\n" + mdEscape(n) + "\n")
	}
	return nil
}

func mdRow(w *bufio.Writer, cells []string) {
	w.WriteString("|")
	for _, c := range cells {
		w.WriteString(" " + mdEscape(c) + " |")
	}
	w.WriteString("\n")
}

// mdEscaper escapes what would end a cell or start markup. Newlines become
// spaces: a cell is one line.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`",
	"<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`,
	"\r\n", " ", "\n", " ", "\r", " ",
)

func mdEscape(s string) string { return mdEscaper.Replace(s) }
