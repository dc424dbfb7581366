package reports

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Align is a column's alignment.
type Align int

const (
	Left Align = iota
	Right
	Center
)

// Column is a table column.
type Column struct {
	Name  string
	Align Align
}

// Row is one table row; Group is its value in the group column, if the
// table has one.
type Row struct {
	Group string
	Cells []string
}

// Table is a report table, independent of the format it is written in.
// Cells are already formatted text; a missing value is Dash.
type Table struct {
	ID      string // file names and LaTeX labels: "table2", "mcnemar"
	Title   string
	Group   string // header of the leading group column; "" for none
	Columns []Column
	Rows    []Row
	Notes   []string // the protocol first, then significance and sources
	// Empty says why the table has no rows (what input would fill it).
	Empty string
}

// Dash marks a value that does not exist.
const Dash = "—"

// header returns the column names, the group column first.
func (t *Table) header() []string {
	var h []string
	if t.Group != "" {
		h = append(h, t.Group)
	}
	for _, c := range t.Columns {
		h = append(h, c.Name)
	}
	return h
}

// aligns returns the column alignments, the group column first.
func (t *Table) aligns() []Align {
	var a []Align
	if t.Group != "" {
		a = append(a, Left)
	}
	for _, c := range t.Columns {
		a = append(a, c.Align)
	}
	return a
}

// body returns the rows as cells; with repeat false a group's name is shown
// on its first row only, as the paper's tables do.
func (t *Table) body(repeat bool) [][]string {
	out := make([][]string, len(t.Rows))
	prev := "\x00"
	for i, r := range t.Rows {
		var cells []string
		if t.Group != "" {
			g := r.Group
			if !repeat && g == prev {
				g = ""
			}
			prev = r.Group
			cells = append(cells, g)
		}
		cells = append(cells, r.Cells...)
		for len(cells) < len(t.Columns)+btoi(t.Group != "") {
			cells = append(cells, "")
		}
		out[i] = cells
	}
	return out
}

// groupStarts reports, per row, whether it starts a new group after the
// first (where LaTeX puts a \midrule).
func (t *Table) groupStarts() []bool {
	s := make([]bool, len(t.Rows))
	if t.Group == "" {
		return s
	}
	for i := 1; i < len(t.Rows); i++ {
		s[i] = t.Rows[i].Group != t.Rows[i-1].Group
	}
	return s
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Number formatting: fixed decimals so goldens and tables reproduce byte
// for byte; NaN is a dash.

// pct formats a fraction as percent with two decimals, as the paper does.
func pct(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return Dash
	}
	return strconv.FormatFloat(100*x, 'f', 2, 64)
}

// pctCI formats an interval of fractions in percent.
func pctCI(lo, hi float64) string {
	if math.IsNaN(lo) || math.IsNaN(hi) {
		return Dash
	}
	return "[" + pct(lo) + ", " + pct(hi) + "]"
}

// signedPts formats a difference of fractions in percentage points.
func signedPts(d float64) string {
	if math.IsNaN(d) || math.IsInf(d, 0) {
		return Dash
	}
	s := strconv.FormatFloat(100*d, 'f', 2, 64)
	if s == "-0.00" {
		s = "0.00"
	}
	if d > 0 && s != "0.00" {
		s = "+" + s
	}
	return s
}

// fixed formats x with d decimals.
func fixed(x float64, d int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return Dash
	}
	s := strconv.FormatFloat(x, 'f', d, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	return s
}

// signed formats a difference with d decimals and an explicit sign.
func signed(x float64, d int) string {
	s := fixed(x, d)
	if s != Dash && x > 0 && strings.Trim(s, "0.") != "" {
		s = "+" + s
	}
	return s
}

// pval formats a p-value: four decimals, scientific below 0.001.
func pval(p float64) string {
	switch {
	case math.IsNaN(p):
		return Dash
	case p >= 0.001 || p == 0:
		return strconv.FormatFloat(p, 'f', 4, 64)
	}
	return strconv.FormatFloat(p, 'e', 1, 64)
}

// count formats an integer with thousands separators.
func count(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + count(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// ms formats a latency in milliseconds.
func ms(x float64) string {
	switch {
	case math.IsNaN(x):
		return Dash
	case x >= 100:
		return fixed(x, 0)
	case x >= 1:
		return fixed(x, 1)
	case x == 0:
		return "0"
	}
	// Two significant digits: in-process baselines answer in microseconds.
	return strconv.FormatFloat(x, 'f', max(3, 1-int(math.Floor(math.Log10(x)))), 64)
}

func short(digest string) string {
	if len(digest) > 12 {
		return digest[:12]
	}
	return digest
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%s %s", count(n), many)
}

var newlines = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")
