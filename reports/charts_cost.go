package reports

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// costPoint is one system on an accuracy-against-cost chart.
type costPoint struct {
	s          *System
	cost       float64
	em, lo, hi float64
}

// costChart plots EM against mean latency per user (log scale: baselines
// answer in microseconds, LLMs in seconds) or, with tokens, against tokens
// per user (linear from zero; systems that use none are left out).
func (r *Report) costChart(tokens bool) *Chart {
	var pts []costPoint
	var left []string
	for _, s := range r.Run.Systems {
		cost := s.Scores.LatencyMS.Float()
		if tokens {
			cost = nz(s.Scores.PromptTok.Float()) + nz(s.Scores.CompleteTok.Float())
		}
		if !(cost > 0) || math.IsInf(cost, 0) {
			left = append(left, systemLabel(s))
			continue
		}
		em, lo, hi := headlineEMCI(r.Run, s)
		pts = append(pts, costPoint{s, cost, em, lo, hi})
	}
	if len(pts) == 0 || (tokens && len(pts) < 1) {
		return nil
	}
	p := newPalette(r.categories())
	const top, left0, height = 84.0, 80.0, 620.0
	x0, x1 := left0, chartWidth-chartMargin-150
	y0, y1 := top, height-150
	hi := 0.0
	lo, maxCost := math.Inf(1), 0.0
	for _, pt := range pts {
		hi = math.Max(hi, math.Max(nz(pt.hi), nz(pt.em)))
		lo, maxCost = math.Min(lo, pt.cost), math.Max(maxCost, pt.cost)
	}
	ay := niceAxis(100*hi, 5)
	yOf := func(v float64) float64 { return y1 - (y1-y0)*v/ay.max }
	// The x axis: decades for latency, a linear axis from zero for tokens.
	var xOf func(v float64) float64
	var xticks []float64
	var xlabel func(v float64) string
	var xtitle, title, name string
	if tokens {
		ax := niceAxis(maxCost*1.05, 5)
		xOf = func(v float64) float64 { return x0 + (x1-x0)*v/ax.max }
		xticks, xlabel = ax.ticks(), func(v float64) string { return count(int(math.Round(v))) }
		xtitle, title, name = "tokens per user (prompt + completion)", "Accuracy against tokens per user", "cost_tokens"
	} else {
		// A quarter decade of room at each end keeps every point off the
		// axis and the frame.
		d0, d1 := math.Floor(math.Log10(lo)-0.25), math.Ceil(math.Log10(maxCost)+0.25)
		if d1 <= d0 {
			d1 = d0 + 1
		}
		xOf = func(v float64) float64 { return x0 + (x1-x0)*(math.Log10(v)-d0)/(d1-d0) }
		for d := d0; d <= d1; d++ {
			xticks = append(xticks, math.Pow(10, d))
		}
		xlabel = decadeLabel
		xtitle, title, name = "mean latency per user (ms, log scale)", "Accuracy against latency per user", "cost_latency"
	}
	// The legend names the categories shown.
	var legend []legendItem
	for _, it := range r.categoryLegend(p) {
		for _, pt := range pts {
			if pt.s.Category == it.label {
				legend = append(legend, it)
				break
			}
		}
	}
	legendH := (&canvas{}).legend(legend, chartMargin, 0, chartWidth-2*chartMargin, true)
	total := y1 + 56 + legendH + lineHeight(tsSmall) + chartMargin
	note := "Points are systems, whiskers 95% intervals of EM."
	if len(left) > 0 {
		what := "no latency recorded"
		if tokens {
			what = "no tokens"
		}
		note += fmt.Sprintf(" Not shown (%s): %s.", what, joinMax(left, 6))
	}
	draw := func(c *canvas) {
		c.text(title, chartMargin, 34, tsTitle, alignLeft)
		c.text(r.shortProtocol()+".", chartMargin, 58, tsSmall, alignLeft)
		for _, t := range ay.ticks() {
			y := yOf(t)
			c.line(gridGrey, 1, nil, x0, y, x1, y)
			c.text(ay.label(t), x0-8, y+4, tsLabel, alignRight)
		}
		for _, t := range xticks {
			x := xOf(t)
			c.line(gridGrey, 1, nil, x, y0, x, y1)
			c.text(xlabel(t), x, y1+20, tsLabel, alignCenter)
		}
		c.line(axisGrey, 1, nil, x0, y0, x0, y1, x1, y1)
		c.text(xtitle, (x0+x1)/2, y1+42, tsLabel, alignCenter)
		c.vtext("EM (%)", chartMargin+6, (y0+y1)/2, tsLabel)
		// Labels go right of their point, nudged down or up when they would
		// cover an earlier one.
		sort.SliceStable(pts, func(i, j int) bool { return pts[i].em > pts[j].em })
		// Markers and whiskers are obstacles for the labels too.
		var placed [][4]float64
		for _, pt := range pts {
			x, y := xOf(pt.cost), yOf(100*nz(pt.em))
			ylo, yhi := y+6, y-6
			if !math.IsNaN(pt.lo) && !math.IsNaN(pt.hi) {
				ylo, yhi = math.Max(ylo, yOf(100*pt.lo)), math.Min(yhi, yOf(100*pt.hi))
			}
			placed = append(placed, [4]float64{x - 6, yhi, x + 6, ylo})
		}
		lh := lineHeight(tsSmall)
		for _, pt := range pts {
			x, y := xOf(pt.cost), yOf(100*nz(pt.em))
			col := p[pt.s.Category]
			if !math.IsNaN(pt.lo) && !math.IsNaN(pt.hi) {
				ylo, yhi := yOf(100*pt.lo), yOf(100*pt.hi)
				c.line(col, 1.5, nil, x, ylo, x, yhi)
				c.line(col, 1.5, nil, x-4, ylo, x+4, ylo)
				c.line(col, 1.5, nil, x-4, yhi, x+4, yhi)
			}
			c.marker(x, y, 6, col, white)
			label := fitText(systemLabel(pt.s), tsSmall, math.Min(170, chartWidth-x-16))
			w := measure(label, tsSmall)
			// Right of the point, then left of it; never dropped.
			var cands [][4]float64
			for _, dy := range []float64{0, lh, -lh, 2 * lh, -2 * lh} {
				cands = append(cands, [4]float64{x + 10, y + 4 + dy - lh + 3, x + 10 + w, y + 4 + dy})
			}
			for _, dy := range []float64{0, lh, -lh} {
				cands = append(cands, [4]float64{x - 10 - w, y + 4 + dy - lh + 3, x - 10, y + 4 + dy})
			}
			box := cands[0]
			for _, cb := range cands {
				if !overlaps(cb, placed) && cb[0] >= x0 {
					box = cb
					break
				}
			}
			placed = append(placed, box)
			c.text(label, box[0], box[3], tsSmall, alignLeft)
		}
		h := c.legend(legend, chartMargin, y1+54, chartWidth-2*chartMargin, false)
		c.text(note, chartMargin, y1+54+h+lineHeight(tsSmall)-4, tsSmall, alignLeft)
	}
	return &Chart{Name: name, Title: title, Width: chartWidth, Height: math.Ceil(total), draw: draw}
}

func overlaps(b [4]float64, boxes [][4]float64) bool {
	for _, o := range boxes {
		if b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3] {
			return true
		}
	}
	return false
}

// decadeLabel writes 10^k plainly: 0.01, 0.1, 1, 10, 1,000.
func decadeLabel(v float64) string {
	if v >= 1 {
		return count(int(math.Round(v)))
	}
	d := int(math.Round(-math.Log10(v)))
	return fixed(v, d)
}

func joinMax(xs []string, n int) string {
	if len(xs) <= n {
		return strings.Join(xs, ", ")
	}
	return strings.Join(xs[:n], ", ") + fmt.Sprintf(" and %d more", len(xs)-n)
}
