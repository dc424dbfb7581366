package reports

import (
	"bufio"
	"regexp"
	"strings"
)

const latexPreamble = `% occbench report tables. Compile with pdflatex, xelatex or lualatex;
% each table alone needs \usepackage{booktabs} (longtable for long ones,
% graphicx for wide ones).
\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage[margin=2cm,landscape]{geometry}
\usepackage{booktabs}
\usepackage{longtable}
\usepackage{graphicx}
\begin{document}
`

const latexEnd = `\end{document}
`

// longRows is the row count above which a table becomes a longtable that
// breaks across pages instead of a float that overflows one.
const longRows = 30

// wideCols is the column count above which a table is scaled to fit.
const wideCols = 8

// captionPrefix is the "Table 2: " of a title: LaTeX numbers tables itself.
var captionPrefix = regexp.MustCompile(`^Table [0-9]+: `)

// writeLaTeX writes a booktabs table: caption, \toprule, a \midrule between
// groups, \bottomrule, and the notes in small type below. Long tables are
// longtables (\usepackage{longtable}) with the header repeated on each page.
func writeLaTeX(w *bufio.Writer, t *Table) error {
	caption := "\\caption{" + texEscape(captionPrefix.ReplaceAllString(t.Title, "")) + "}\\label{tab:" + t.ID + "}"
	var spec strings.Builder
	for _, a := range t.aligns() {
		spec.WriteByte("lrc"[a])
	}
	long := len(t.Rows) > longRows
	// Wide tables are scaled to the line width (graphicx) rather than
	// running into the margin.
	wide := len(t.aligns()) > wideCols
	if long {
		w.WriteString("{\\small\n\\begin{longtable}{" + spec.String() + "}\n" + caption + "\\\\\n\\toprule\n")
		texRow(w, t.header())
		w.WriteString("\\midrule\n\\endfirsthead\n\\toprule\n")
		texRow(w, t.header())
		w.WriteString("\\midrule\n\\endhead\n\\bottomrule\n\\endfoot\n")
	} else {
		w.WriteString("\\begin{table}[htbp]\n\\centering\n\\small\n" + caption + "\n")
		if len(t.Rows) == 0 {
			w.WriteString("\\emph{No data: " + texEscape(t.Empty) + "}\n")
		} else {
			if wide {
				w.WriteString("\\resizebox{\\linewidth}{!}{%\n")
			}
			w.WriteString("\\begin{tabular}{" + spec.String() + "}\n\\toprule\n")
			texRow(w, t.header())
			w.WriteString("\\midrule\n")
		}
	}
	starts := t.groupStarts()
	for i, r := range t.body(false) {
		if starts[i] {
			w.WriteString("\\midrule\n")
		}
		texRow(w, r)
	}
	if long {
		w.WriteString("\\end{longtable}\n")
		for _, n := range t.Notes {
			w.WriteString("\\par\\smallskip\\footnotesize " + texEscape(n) + "\n")
		}
		w.WriteString("}\n")
		return nil
	}
	if len(t.Rows) > 0 {
		w.WriteString("\\bottomrule\n\\end{tabular}\n")
		if wide {
			w.WriteString("}\n")
		}
	}
	for _, n := range t.Notes {
		w.WriteString("\n\\par\\smallskip\\footnotesize " + texEscape(n) + "\n")
	}
	w.WriteString("\\end{table}\n")
	return nil
}

func texRow(w *bufio.Writer, cells []string) {
	for i, c := range cells {
		if i > 0 {
			w.WriteString(" & ")
		}
		w.WriteString(texEscape(c))
	}
	w.WriteString(" \\\\\n")
}

// texEscaper escapes LaTeX's special characters and spells the non-ASCII
// symbols the tables use in commands every engine knows.
var texEscaper = strings.NewReplacer(
	`\`, `\textbackslash{}`, "{", `\{`, "}", `\}`, "$", `\$`, "&", `\&`,
	"%", `\%`, "#", `\#`, "_", `\_`, "~", `\textasciitilde{}`, "^", `\textasciicircum{}`,
	"<", `\textless{}`, ">", `\textgreater{}`, "|", `\textbar{}`,
	"—", "---", "−", "$-$", "–", "--", "†", `\textsuperscript{\dag}`, "‡", `\textsuperscript{\ddag}`,
	"±", `$\pm$`, "×", `$\times$`, "→", `$\rightarrow$`, "≥", `$\geq$`, "≤", `$\leq$`,
	"α", `$\alpha$`, "Δ", `$\Delta$`, "χ²", `$\chi^2$`, "χ", `$\chi$`, "²", `$^2$`,
	"·", `$\cdot$`, "…", `\ldots{}`, "\n", " ",
)

func texEscape(s string) string { return texEscaper.Replace(s) }
