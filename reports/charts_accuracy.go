package reports

import (
	"fmt"
	"math"

	"github.com/wcharczuk/go-chart/v2/drawing"
)

// Charts lists the report's charts; charts without data are left out.
func (r *Report) Charts() []*Chart {
	cs := []*Chart{r.accuracyChart()}
	if c := r.horizonChart(); c != nil {
		cs = append(cs, c)
	}
	if c := r.costChart(false); c != nil {
		cs = append(cs, c)
	}
	if c := r.costChart(true); c != nil {
		cs = append(cs, c)
	}
	if c := r.scalingChart(); c != nil {
		cs = append(cs, c)
	}
	if c := r.reasonsChart(); c != nil {
		cs = append(cs, c)
	}
	return cs
}

const (
	chartWidth  = 1000.0
	chartMargin = 24.0
)

// categories lists the run's categories in display order.
func (r *Report) categories() []string {
	var out []string
	for _, s := range r.Run.Systems {
		if len(out) == 0 || out[len(out)-1] != s.Category {
			out = append(out, s.Category)
		}
	}
	return out
}

func (r *Report) categoryLegend(p palette) []legendItem {
	var items []legendItem
	for _, c := range r.categories() {
		items = append(items, legendItem{label: c, color: p[c]})
	}
	return items
}

// accuracyChart draws EM and RM per system as horizontal bars with their
// 95% intervals and Table 2's significance marks, coloured by category.
func (r *Report) accuracyChart() *Chart {
	ss := r.Run.Systems
	p := newPalette(r.categories())
	labelW := 0.0
	for _, s := range ss {
		labelW = math.Max(labelW, measure(systemLabel(s), tsLabel))
	}
	labelW = math.Min(labelW, 300)
	const rowH, top = 40.0, 88.0
	x0 := chartMargin + labelW + 12
	x1 := chartWidth - chartMargin - 70
	y1 := top + rowH*float64(len(ss))
	hi := 0.0
	for _, s := range ss {
		_, _, emHi := headlineEMCI(r.Run, s)
		hi = math.Max(hi, math.Max(nz(emHi), math.Max(headlineEM(r.Run, s), nz(s.Scores.RMCI[1].Float()))))
		hi = math.Max(hi, s.Scores.RM.Float())
	}
	ax := niceAxis(100*hi, 5)
	xOf := func(v float64) float64 { return x0 + (x1-x0)*v/ax.max }
	legend := append(r.categoryLegend(p), legendItem{label: "EM (solid)", color: grey}, legendItem{label: "RM (light)", color: lighten(grey, 0.55)})
	sigNote := fmt.Sprintf("Marks on EM: %s better than every other system, %s worse than the reference, %s better (%s, m = %d vs %s).",
		MarkBeatsAll, MarkWorse, MarkBetter, shortMethod(r.Opts.Significance), len(ss)-1, systemLabel(r.Reference))
	dry := &canvas{}
	legendH := dry.legend(legend, chartMargin, 0, chartWidth-2*chartMargin, true)
	height := y1 + 58 + legendH + lineHeight(tsSmall) + chartMargin
	draw := func(c *canvas) {
		c.text("Exact match (EM) and related-occupation match (RM) per system", chartMargin, 34, tsTitle, alignLeft)
		c.text(fmt.Sprintf("%s; bars are the estimates, whiskers 95%% bootstrap intervals.", r.shortProtocol()), chartMargin, 58, tsSmall, alignLeft)
		for _, t := range ax.ticks() {
			x := xOf(t)
			c.line(gridGrey, 1, nil, x, top-6, x, y1)
			c.text(ax.label(t), x, y1+20, tsLabel, alignCenter)
		}
		c.line(axisGrey, 1, nil, x0, top-6, x0, y1)
		c.line(axisGrey, 1, nil, x0, y1, x1, y1)
		c.text("accuracy (%)", (x0+x1)/2, y1+42, tsLabel, alignCenter)
		for i, s := range ss {
			yc := top + rowH*float64(i) + rowH/2
			if i > 0 && s.Category != ss[i-1].Category {
				c.line(axisGrey, 1, []float64{3, 3}, chartMargin, yc-rowH/2, x1, yc-rowH/2)
			}
			c.text(fitText(systemLabel(s), tsLabel, labelW), x0-10, yc+5, tsLabel, alignRight)
			col := p[s.Category]
			em, emLo, emHi := headlineEMCI(r.Run, s)
			rm := s.Scores.RM.Float()
			bars := []struct {
				v, lo, hi float64
				col       drawing.Color
				y0, y1    float64
				mark      string
			}{
				{em, emLo, emHi, col, yc - 15, yc - 1, r.mark(i)},
				{rm, s.Scores.RMCI[0].Float(), s.Scores.RMCI[1].Float(), lighten(col, 0.55), yc + 1, yc + 15, ""},
			}
			for _, b := range bars {
				if !math.IsNaN(b.v) {
					c.rect(x0, b.y0, xOf(100*b.v), b.y1, b.col, noColor)
				}
				end := xOf(100 * nz(b.v))
				if !math.IsNaN(b.lo) && !math.IsNaN(b.hi) {
					ym := (b.y0 + b.y1) / 2
					c.line(black, 1.5, nil, xOf(100*b.lo), ym, xOf(100*b.hi), ym)
					c.line(black, 1.5, nil, xOf(100*b.lo), ym-4, xOf(100*b.lo), ym+4)
					c.line(black, 1.5, nil, xOf(100*b.hi), ym-4, xOf(100*b.hi), ym+4)
					end = math.Max(end, xOf(100*b.hi))
				}
				label := pct1(b.v)
				c.text(label, end+6, b.y1-2, tsSmall, alignLeft)
				if b.mark != "" {
					c.text(b.mark, end+10+measure(label, tsSmall), b.y1-1, tsMark, alignLeft)
				}
			}
		}
		lh := c.legend(legend, chartMargin, y1+54, chartWidth-2*chartMargin, false)
		c.text(sigNote, chartMargin, y1+54+lh+lineHeight(tsSmall)-4, tsSmall, alignLeft)
	}
	return &Chart{Name: "accuracy", Title: "EM and RM per system with 95% intervals", Width: chartWidth, Height: math.Ceil(height), draw: draw}
}

// nz maps NaN to 0, for layout.
func nz(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return x
}

// pct1 is a percentage with one decimal, for labels on charts.
func pct1(x float64) string {
	if math.IsNaN(x) {
		return Dash
	}
	return fixed(100*x, 1)
}

func shortMethod(s Significance) string {
	m := "McNemar exact"
	switch s.Method.String() {
	case "chi2":
		m = "McNemar χ²"
	case "chi2_corrected":
		m = "McNemar χ², corrected"
	}
	corr := "Bonferroni"
	if s.Correction == Holm {
		corr = "Holm"
	}
	return fmt.Sprintf("%s, %s, α = %g", m, corr, s.Alpha)
}

// shortProtocol is the protocol in a few words, for chart subtitles.
func (r *Report) shortProtocol() string {
	em := "EM on codes"
	if strictEM(r.Run) {
		em = "EM on titles"
	}
	return fmt.Sprintf("Test set %s, %s, %s, RM over %d related", short(r.Run.TestDigest()), r.usersScored("user", "users"), em, r.Run.Manifest.Protocol.Related)
}
