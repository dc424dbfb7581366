package reports

import (
	"fmt"
	"math"
)

// horizonChart draws EM@h against h, one line per system with its 95%
// intervals as whiskers and the marks of the test against the reference at
// each h; the bayes runner's line, the ceiling, is dashed. Systems sit
// side by side around each h so their whiskers do not hide each other.
// Nil for a single-step run.
func (r *Report) horizonChart() *Chart {
	k := r.Run.Horizon()
	if k < 2 {
		return nil
	}
	ss := r.Run.Systems
	bayes := r.bayes()
	hi := 0.0
	for _, s := range ss {
		for _, hs := range s.Scores.Horizon {
			hi = math.Max(hi, math.Max(nz(hs.EM.Float()), nz(hs.EMCI[1].Float())))
		}
	}
	ay := niceAxis(100*hi, 5)
	var legend []legendItem
	colors := make([]int, len(ss))
	n := 0
	for i, s := range ss {
		if s == bayes {
			legend = append(legend, legendItem{label: systemLabel(s) + " (ceiling)", color: grey, dashed: true})
			continue
		}
		colors[i] = n
		legend = append(legend, legendItem{label: systemLabel(s), color: seriesColors[n%len(seriesColors)], marker: true})
		n++
	}
	const top, panelH = 84.0, 360.0
	x0, x1 := chartMargin+50, chartWidth-chartMargin-20
	y1 := top + panelH
	legendH := (&canvas{}).legend(legend, chartMargin, 0, chartWidth-2*chartMargin, true)
	sigNote := fmt.Sprintf("Marks: %s better than every other system at that h, %s worse than the reference, %s better (%s, m = %d per horizon vs %s).",
		MarkBeatsAll, MarkWorse, MarkBetter, shortMethod(r.Opts.Significance), len(ss)-1, systemLabel(r.Reference))
	total := y1 + 58 + legendH + lineHeight(tsSmall) + chartMargin
	slot := (x1 - x0) / float64(k)
	dodge := math.Min(14, 0.6*slot/float64(max(1, len(ss))))
	xOf := func(h, i int) float64 {
		return x0 + slot*(float64(h-1)+0.5) + dodge*(float64(i)-float64(len(ss)-1)/2)
	}
	yOf := func(v float64) float64 { return y1 - (y1-top)*v/ay.max }
	draw := func(c *canvas) {
		c.text("Exact match by horizon: EM@h per system", chartMargin, 34, tsTitle, alignLeft)
		c.text(r.shortProtocol()+"; free running; whiskers are 95% bootstrap intervals.", chartMargin, 58, tsSmall, alignLeft)
		c.vtext("EM@h (%)", chartMargin+6, (top+y1)/2, tsLabel)
		for _, t := range ay.ticks() {
			y := yOf(t)
			c.line(gridGrey, 1, nil, x0, y, x1, y)
			c.text(ay.label(t), x0-8, y+4, tsLabel, alignRight)
		}
		c.line(axisGrey, 1, nil, x0, top, x0, y1, x1, y1)
		for h := 1; h <= k; h++ {
			c.text(fmt.Sprintf("h = %d", h), x0+slot*(float64(h-1)+0.5), y1+20, tsLabel, alignCenter)
		}
		c.text("jobs ahead (horizon h)", (x0+x1)/2, y1+42, tsLabel, alignCenter)
		for i, s := range ss {
			col := seriesColors[colors[i]%len(seriesColors)]
			if s == bayes {
				col = grey
			}
			var line []float64
			for h := 1; h <= k; h++ {
				hs, ok := horizonScores(s, h)
				if !ok || math.IsNaN(hs.EM.Float()) {
					continue
				}
				x := xOf(h, i)
				line = append(line, x, yOf(100*hs.EM.Float()))
				top := yOf(100 * hs.EM.Float())
				if lo, hi := hs.EMCI[0].Float(), hs.EMCI[1].Float(); !math.IsNaN(lo) && !math.IsNaN(hi) {
					c.line(col, 1.5, nil, x, yOf(100*lo), x, yOf(100*hi))
					c.line(col, 1.5, nil, x-4, yOf(100*lo), x+4, yOf(100*lo))
					c.line(col, 1.5, nil, x-4, yOf(100*hi), x+4, yOf(100*hi))
					top = yOf(100 * hi)
				}
				if m := markOf(ss, r.Reference, r.HorizonVsRef[h-1], i, r.Opts.Significance.Alpha); m != "" {
					c.text(m, x, top-5, tsMark, alignCenter)
				}
			}
			if len(line) >= 4 {
				if s == bayes {
					c.line(col, 2, []float64{6, 4}, line...)
				} else {
					c.line(col, 2.5, nil, line...)
				}
			}
			for j := 0; j+1 < len(line); j += 2 {
				if s == bayes {
					c.marker(line[j], line[j+1], 4, white, col)
				} else {
					c.marker(line[j], line[j+1], 5.5, col, white)
				}
			}
		}
		lh := c.legend(legend, chartMargin, y1+54, chartWidth-2*chartMargin, false)
		c.text(sigNote, chartMargin, y1+54+lh+lineHeight(tsSmall)-4, tsSmall, alignLeft)
	}
	return &Chart{Name: "horizon", Title: "EM against the horizon per system with 95% intervals", Width: chartWidth, Height: math.Ceil(total), draw: draw}
}
