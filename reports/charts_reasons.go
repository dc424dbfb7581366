package reports

import (
	"math"

	"github.com/wcharczuk/go-chart/v2/drawing"
)

// reasonsChart draws Table 3 per reason source: the judge's three scores
// (0–5) in one panel, similarity to the oracle reasons (0–1) in the other.
func (r *Report) reasonsChart() *Chart {
	rows := r.reasonRows()
	if len(rows) == 0 {
		return nil
	}
	type metric struct {
		name  string
		color drawing.Color
		get   func(x reasonRow) float64
	}
	judge := []metric{
		{"Factuality", drawing.ColorFromHex("0072b2"), func(x reasonRow) float64 { return x.fact }},
		{"Coherence", drawing.ColorFromHex("e69f00"), func(x reasonRow) float64 { return x.cohr }},
		{"Utility", drawing.ColorFromHex("009e73"), func(x reasonRow) float64 { return x.util }},
	}
	sim := []metric{
		{"BLEU", drawing.ColorFromHex("cc79a7"), func(x reasonRow) float64 { return x.bleu }},
		{"ROUGE-1", drawing.ColorFromHex("56b4e9"), func(x reasonRow) float64 { return x.r1 }},
		{"ROUGE-2", drawing.ColorFromHex("d55e00"), func(x reasonRow) float64 { return x.r2 }},
		{"ROUGE-L", drawing.ColorFromHex("8c8c8c"), func(x reasonRow) float64 { return x.rl }},
	}
	// A panel or a legend entry without a single measured value is left
	// out rather than drawn empty.
	measured := func(ms []metric) []metric {
		var out []metric
		for _, m := range ms {
			for _, x := range rows {
				if !math.IsNaN(m.get(x)) {
					out = append(out, m)
					break
				}
			}
		}
		return out
	}
	judge, sim = measured(judge), measured(sim)
	if len(judge) == 0 && len(sim) == 0 {
		return nil
	}
	labelW := 0.0
	for _, x := range rows {
		labelW = math.Max(labelW, measure(x.label, tsLabel))
	}
	labelW = math.Min(labelW, 260)
	var legend []legendItem
	for _, m := range append(append([]metric{}, judge...), sim...) {
		legend = append(legend, legendItem{label: m.name, color: m.color})
	}
	const top, barH = 96.0, 7.0
	rowH := barH*4 + 14
	y1 := top + rowH*float64(len(rows))
	legendH := (&canvas{}).legend(legend, chartMargin, 0, chartWidth-2*chartMargin, true)
	total := y1 + 56 + legendH + lineHeight(tsSmall) + chartMargin
	x0 := chartMargin + labelW + 12
	type panel struct {
		title   string
		metrics []metric
		ax      axis
		x0, x1  float64
	}
	var panels []panel
	if len(judge) > 0 {
		panels = append(panels, panel{"LLM judge (1–5)", judge, axis{max: 5, step: 1}, 0, 0})
	}
	if len(sim) > 0 {
		panels = append(panels, panel{"Similarity to the oracle reason (0–1)", sim, axis{max: 1, step: 0.2, decimals: 1}, 0, 0})
	}
	const gap = 36.0
	panelW := (chartWidth - chartMargin - x0 - gap*float64(len(panels)-1)) / float64(len(panels))
	for i := range panels {
		panels[i].x0 = x0 + float64(i)*(panelW+gap)
		panels[i].x1 = panels[i].x0 + panelW
	}
	draw := func(c *canvas) {
		c.text("Reason quality per reason source", chartMargin, 34, tsTitle, alignLeft)
		c.text(r.shortProtocol()+"; a missing bar is a score not measured.", chartMargin, 58, tsSmall, alignLeft)
		for _, pn := range panels {
			xOf := func(v float64) float64 { return pn.x0 + (pn.x1-pn.x0)*v/pn.ax.max }
			c.text(pn.title, (pn.x0+pn.x1)/2, top-12, textStyle{12, true, black}, alignCenter)
			for _, t := range pn.ax.ticks() {
				c.line(gridGrey, 1, nil, xOf(t), top-4, xOf(t), y1)
				c.text(pn.ax.label(t), xOf(t), y1+20, tsLabel, alignCenter)
			}
			c.line(axisGrey, 1, nil, pn.x0, top-4, pn.x0, y1, pn.x1, y1)
			for i, x := range rows {
				yb := top + rowH*float64(i) + 7
				for k, m := range pn.metrics {
					v := m.get(x)
					if math.IsNaN(v) {
						continue
					}
					y := yb + barH*float64(k)
					c.rect(pn.x0, y, xOf(math.Min(v, pn.ax.max)), y+barH-1, m.color, noColor)
				}
			}
		}
		for i, x := range rows {
			yc := top + rowH*float64(i) + rowH/2
			c.text(fitText(x.label, tsLabel, labelW), x0-10, yc+5, tsLabel, alignRight)
		}
		h := c.legend(legend, chartMargin, y1+40, chartWidth-2*chartMargin, false)
		bleu, _ := r.similaritySignatures()
		if bleu != "" {
			c.text(fitText("BLEU: "+bleu, tsSmall, chartWidth-2*chartMargin), chartMargin, y1+40+h+lineHeight(tsSmall)-4, tsSmall, alignLeft)
		}
	}
	return &Chart{Name: "reasons", Title: "Reason quality per reason source", Width: chartWidth, Height: math.Ceil(total), draw: draw}
}
