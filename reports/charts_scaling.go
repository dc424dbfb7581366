package reports

import (
	"math"
	"strings"

	"github.com/wcharczuk/go-chart/v2/drawing"
)

// seriesColors tell the curves of one panel apart.
var seriesColors = []drawing.Color{
	drawing.ColorFromHex("009e73"), drawing.ColorFromHex("0072b2"), drawing.ColorFromHex("d55e00"),
	drawing.ColorFromHex("cc79a7"), drawing.ColorFromHex("e69f00"), drawing.ColorFromHex("56b4e9"),
}

// scalingChart draws EM against training-set or backbone size, one panel
// per study on a shared axis from zero, with the paper's curves dashed.
func (r *Report) scalingChart() *Chart {
	in := r.Opts.Inputs.Scaling
	if in == nil || len(in.Studies) == 0 {
		return nil
	}
	pts := r.scalingPoints()
	hi := 0.0
	for _, p := range pts {
		hi = math.Max(hi, math.Max(nz(p.EM.Estimate), nz(p.EM.Hi)))
	}
	paperEM := func(study, series, label string) float64 {
		if r.Opts.Paper == nil {
			return math.NaN()
		}
		for _, sc := range r.Opts.Paper.Scaling {
			if strings.EqualFold(sc.Study, study) && strings.EqualFold(sc.Series, series) {
				for _, pp := range sc.Points {
					if strings.EqualFold(pp.Label, label) {
						return pp.EM
					}
				}
			}
		}
		return math.NaN()
	}
	anyPaper := false
	for _, p := range pts {
		if v := paperEM(p.study, p.series, p.label); !math.IsNaN(v) {
			anyPaper = true
			hi = math.Max(hi, v)
		}
	}
	ay := niceAxis(100*hi, 5)
	// One colour per series name, across panels.
	colorOf := map[string]drawing.Color{}
	var legend []legendItem
	for _, st := range in.Studies {
		for _, se := range st.Series {
			if _, ok := colorOf[se.Name]; !ok {
				colorOf[se.Name] = seriesColors[len(colorOf)%len(seriesColors)]
				legend = append(legend, legendItem{label: se.Name, color: colorOf[se.Name], marker: true})
			}
		}
	}
	if anyPaper {
		legend = append(legend, legendItem{label: "paper (dashed)", color: grey, dashed: true})
	}
	const top, panelH = 84.0, 360.0
	n := len(in.Studies)
	gap := 40.0
	panelW := (chartWidth - 2*chartMargin - 50 - gap*float64(n-1)) / float64(n)
	legendH := (&canvas{}).legend(legend, chartMargin, 0, chartWidth-2*chartMargin, true)
	y1 := top + panelH
	total := y1 + 60 + legendH + chartMargin
	draw := func(c *canvas) {
		c.text("Scaling: exact match by training-set size and backbone size", chartMargin, 34, tsTitle, alignLeft)
		c.text(r.shortProtocol()+"; whiskers are 95% intervals where known.", chartMargin, 58, tsSmall, alignLeft)
		c.vtext("EM (%)", chartMargin+6, (top+y1)/2, tsLabel)
		yOf := func(v float64) float64 { return y1 - (y1-top-24)*v/ay.max }
		for k, st := range in.Studies {
			x0 := chartMargin + 50 + float64(k)*(panelW+gap)
			x1 := x0 + panelW
			c.text(fitText(st.Name, tsLabel, panelW), (x0+x1)/2, top+8, textStyle{12, true, black}, alignCenter)
			for _, t := range ay.ticks() {
				y := yOf(t)
				c.line(gridGrey, 1, nil, x0, y, x1, y)
				if k == 0 {
					c.text(ay.label(t), x0-8, y+4, tsLabel, alignRight)
				}
			}
			c.line(axisGrey, 1, nil, x0, top+24, x0, y1, x1, y1)
			// Points sit evenly spaced, in the order of the longest series.
			var labels []string
			for _, se := range st.Series {
				if len(se.Points) > len(labels) {
					labels = labels[:0]
					for _, p := range se.Points {
						labels = append(labels, p.Label)
					}
				}
			}
			xOf := func(i int) float64 { return x0 + (x1-x0)*(float64(i)+0.5)/float64(max(1, len(labels))) }
			for i, l := range labels {
				c.text(fitText(l, tsLabel, (x1-x0)/float64(len(labels))), xOf(i), y1+20, tsLabel, alignCenter)
			}
			c.text(st.XLabel, (x0+x1)/2, y1+42, tsLabel, alignCenter)
			for _, se := range st.Series {
				col := colorOf[se.Name]
				var line, paper []float64
				for i, p := range se.Points {
					em := r.fromRun(p.Accuracy).EM
					e, lo, hi := em.Estimate, em.Lo, em.Hi
					if !math.IsNaN(e) {
						line = append(line, xOf(i), yOf(100*e))
					}
					if !math.IsNaN(lo) && !math.IsNaN(hi) {
						c.line(col, 1.5, nil, xOf(i), yOf(100*lo), xOf(i), yOf(100*hi))
						c.line(col, 1.5, nil, xOf(i)-4, yOf(100*lo), xOf(i)+4, yOf(100*lo))
						c.line(col, 1.5, nil, xOf(i)-4, yOf(100*hi), xOf(i)+4, yOf(100*hi))
					}
					if v := paperEM(st.Name, se.Name, p.Label); !math.IsNaN(v) {
						paper = append(paper, xOf(i), yOf(100*v))
					}
				}
				if len(paper) >= 4 {
					c.line(lighten(col, 0.3), 2, []float64{6, 4}, paper...)
				}
				for i := 0; i+1 < len(paper); i += 2 {
					c.marker(paper[i], paper[i+1], 4, white, lighten(col, 0.3))
				}
				if len(line) >= 4 {
					c.line(col, 2.5, nil, line...)
				}
				for i := 0; i+1 < len(line); i += 2 {
					c.marker(line[i], line[i+1], 5.5, col, white)
				}
			}
		}
		c.legend(legend, chartMargin, y1+58, chartWidth-2*chartMargin, false)
	}
	return &Chart{Name: "scaling", Title: "Scaling curves", Width: chartWidth, Height: math.Ceil(total), draw: draw}
}
