package reports

import (
	"fmt"
	"math"
	"strings"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/bench/onet"
)

// pdfMatrix draws the adjusted p-values of every pair as a k × k grid,
// coloured by which system of the pair is significantly better.
func (r *Report) pdfMatrix(d *pdfDoc) {
	f := d.f
	ss := r.Run.Systems
	k := len(ss)
	if k < 2 {
		d.para("A single system: nothing to compare.", 8.5, inkGrey)
		return
	}
	test := map[[2]string]Test{}
	for _, t := range r.Pairs {
		test[[2]string{t.First, t.Second}] = t
	}
	const labelW = 52.0
	cell := math.Min(14, (bodyW-labelW)/float64(k))
	size := math.Min(7, cell*0.6)
	d.ensure(cell*float64(k+1) + 20)
	d.para(fmt.Sprintf("Cell (row A, column B): the adjusted p-value of McNemar's test of A against B on exact match; green: A significantly better, red: A significantly worse, grey: no significant difference. %s over all %d pairs.",
		upperFirst(r.Opts.Significance.describe(len(r.Pairs))), len(r.Pairs)), 7.5, inkGrey)
	f.Ln(2)
	x0, y := margin, f.GetY()
	d.font("B", size)
	d.color(inkBlack)
	for j := range ss {
		f.SetXY(x0+labelW+cell*float64(j), y)
		f.CellFormat(cell, cell*0.7, fmt.Sprint(j+1), "", 0, "C", false, 0, "")
	}
	y += cell * 0.7
	alpha := r.Opts.Significance.Alpha
	f.SetLineWidth(0.1)
	f.SetDrawColor(255, 255, 255)
	for i, a := range ss {
		d.font("", size+0.5)
		d.color(inkBlack)
		f.SetXY(x0, y)
		f.CellFormat(labelW, cell, d.fit(fmt.Sprintf("%d  %s", i+1, systemLabel(a)), labelW-2), "", 0, "L", false, 0, "")
		for j, b := range ss {
			fill, txt := [3]int{90, 90, 90}, ""
			if i != j {
				t, flip := test[[2]string{a.Name, b.Name}], false
				if t.First == "" {
					t, flip = test[[2]string{b.Name, a.Name}], true
				}
				aWins, bWins := t.B > t.C, t.C > t.B
				if flip {
					aWins, bWins = bWins, aWins
				}
				switch {
				case t.Significant(alpha) && aWins:
					fill = [3]int{183, 228, 199}
				case t.Significant(alpha) && bWins:
					fill = [3]int{248, 196, 196}
				default:
					fill = [3]int{238, 238, 238}
				}
				txt = shortP(t.PAdj)
			}
			f.SetFillColor(fill[0], fill[1], fill[2])
			f.SetXY(x0+labelW+cell*float64(j), y)
			d.font("", size)
			f.CellFormat(cell, cell, txt, "1", 0, "C", true, 0, "")
		}
		y += cell
	}
	f.SetY(y + 5)
}

// shortP fits an adjusted p-value into a matrix cell.
func shortP(p float64) string {
	switch {
	case math.IsNaN(p):
		return Dash
	case p < 0.001:
		return "<.001"
	case p >= 0.995:
		return "1"
	}
	return strings.TrimPrefix(fixed(p, 3), "0")
}

// pdfExamples shows, per system, its best and worst predictions with the
// history, the reason, the answer and the truth.
func (r *Report) pdfExamples(d *pdfDoc, exs []Example) {
	d.heading("Examples: best and worst predictions per system")
	d.para("Best: predicted exactly where the fewest other systems did. Worst: not even a related occupation where the most other systems were exact. History shows the most recent records, oldest first.", 7.5, inkGrey)
	d.f.Ln(3)
	tax := onet.Default()
	var cur *System
	for _, ex := range exs {
		if ex.System != cur {
			cur = ex.System
			d.ensure(40)
			d.font("B", 11)
			d.color(inkBlack)
			d.f.SetX(margin)
			d.f.MultiCell(bodyW, 5.5, pdfText(fmt.Sprintf("%s (%s)", systemLabel(cur), cur.Category)), "", "L", false)
			d.f.Ln(1)
		}
		kind := "Worst"
		if ex.Best {
			kind = "Best"
		}
		d.ensure(30)
		y := d.f.GetY()
		d.font("B", 8.5)
		d.color(inkBlack)
		d.f.SetX(margin + 3)
		d.f.MultiCell(bodyW-3, 4, pdfText(fmt.Sprintf("%s · user %s · %d of %d other systems exact", kind, ex.User.UserID, ex.OthersRight, ex.Others)), "", "L", false)
		hist := historyLines(ex.User, 8)
		d.exLine("History", strings.Join(hist, "\n"))
		truth := ex.User.TargetCode + " " + ex.User.TargetTitle
		var answer string
		switch {
		case !ex.Recorded:
			answer = "no prediction recorded"
		case ex.Pred.Error != "":
			answer = "error: " + ex.Pred.Error
		default:
			if ex.Pred.Code != "" {
				title := ex.Pred.Title
				if o, ok := tax.ByCode(ex.Pred.Code); ok && title == "" {
					title = o.Title
				}
				mapping := nonEmpty(ex.Pred.Mapping, "mapped")
				if ex.Pred.Answer == "" || ex.Pred.Answer == title {
					answer = fmt.Sprintf("%s %s (mapping: %s)", ex.Pred.Code, title, mapping)
				} else {
					answer = fmt.Sprintf("%q → %s %s (mapping: %s)", ex.Pred.Answer, ex.Pred.Code, title, mapping)
				}
			} else {
				answer = fmt.Sprintf("%q (did not map onto O*NET)", ex.Pred.Answer)
			}
		}
		d.exLine("Answer", answer)
		d.exLine("Truth", truth)
		if ex.Pred.Reason != "" {
			d.exLine("Reason", truncate(strings.TrimSpace(ex.Pred.Reason), 700))
		}
		col := [3]int{0, 158, 115}
		if !ex.Best {
			col = [3]int{213, 94, 0}
		}
		d.f.SetDrawColor(col[0], col[1], col[2])
		d.f.SetLineWidth(0.8)
		if d.f.GetY() > y {
			d.f.Line(margin+0.5, y, margin+0.5, d.f.GetY())
		}
		d.f.Ln(3)
	}
}

// exLine writes a labelled block of an example.
func (d *pdfDoc) exLine(label, text string) {
	d.ensure(8)
	d.font("B", 7.5)
	d.color(inkGrey)
	y := d.f.GetY()
	d.f.SetXY(margin+3, y)
	d.f.CellFormat(16, 3.6, label, "", 0, "L", false, 0, "")
	d.font("", 7.5)
	d.color(inkBlack)
	d.f.SetXY(margin+19, y)
	d.f.MultiCell(bodyW-19, 3.6, pdfText(text), "", "L", false)
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// historyLines renders the last n records of a history, oldest first.
func historyLines(ex *bench.Example, n int) []string {
	h := ex.History
	var out []string
	if len(h) > n {
		out = append(out, fmt.Sprintf("… %d earlier records", len(h)-n))
		h = h[len(h)-n:]
	}
	for _, rec := range h {
		out = append(out, recordLine(rec))
	}
	return out
}

func recordLine(r bench.Record) string {
	span := dateSpan(r)
	if !r.IsJob() {
		parts := []string{}
		for _, s := range []string{r.Degree, r.Major, r.School} {
			if s != "" {
				parts = append(parts, s)
			}
		}
		// Education often has an end date or graduation year only.
		switch {
		case !r.Start.Valid() && r.End.Valid():
			span = r.End.Time().Format("2006-01")
		case span == "" && r.GradYear > 0:
			span = fmt.Sprint(r.GradYear)
		}
		return strings.TrimSpace(span + "  education: " + strings.Join(parts, ", "))
	}
	s := span + "  " + nonEmpty(r.Title, r.Occupation)
	if r.Code != "" {
		s += " [" + r.Code
		if r.Occupation != "" && r.Occupation != r.Title {
			s += " " + r.Occupation
		}
		s += "]"
	}
	if r.Industry != "" {
		s += " · " + r.Industry
	}
	return strings.TrimSpace(s)
}

func dateSpan(r bench.Record) string {
	ym := func(d bench.Date) string {
		if !d.Valid() {
			return ""
		}
		return d.Time().Format("2006-01")
	}
	a, b := ym(r.Start), ym(r.End)
	switch {
	case a == "" && b == "":
		return ""
	case b == "":
		return a + "–"
	case a == "":
		return "–" + b
	}
	return a + "–" + b
}

// truncate cuts s to n runes, marking the cut.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
