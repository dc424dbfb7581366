package reports

import (
	"io"
	"math"

	"github.com/go-pdf/fpdf"
	"github.com/golang/freetype/truetype"
	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
)

// pdfUnits is how many renderer units a logical pixel gets when a chart is
// drawn into the PDF; go-chart's Renderer takes integers.
const pdfUnits = 16

// drawPDF draws the chart into the PDF as vectors, w millimetres wide with
// its top-left corner at (x, y), and returns its height in millimetres.
func (ch *Chart) drawPDF(f *fpdf.Fpdf, x, y, w float64) float64 {
	mmPerPx := w / ch.Width
	r := &pdfRenderer{f: f, x0: x, y0: y, mm: mmPerPx / pdfUnits, mmPerPx: mmPerPx}
	c := &canvas{r: r, target: targetPDF, scale: pdfUnits}
	ch.draw(c)
	return ch.Height * mmPerPx
}

// pdfRenderer implements go-chart's Renderer on an fpdf page, for the
// operations canvas uses: paths, fills, strokes and text.
type pdfRenderer struct {
	f       *fpdf.Fpdf
	x0, y0  float64 // top-left of the chart on the page, mm
	mm      float64 // mm per renderer unit
	mmPerPx float64 // mm per logical pixel

	pts    []fpdf.PointType
	closed bool

	fill, stroke, fontColor drawing.Color
	width                   float64
	dash                    []float64
	font                    *truetype.Font
	size                    float64
	rot                     *float64
}

func (p *pdfRenderer) pt(x, y int) fpdf.PointType {
	return fpdf.PointType{X: p.x0 + float64(x)*p.mm, Y: p.y0 + float64(y)*p.mm}
}

func (p *pdfRenderer) ResetStyle() {
	p.fill, p.stroke, p.fontColor = drawing.Color{}, drawing.Color{}, drawing.Color{}
	p.width, p.dash, p.rot = 0, nil, nil
}
func (p *pdfRenderer) GetDPI() float64                                    { return chartDPI }
func (p *pdfRenderer) SetDPI(float64)                                     {}
func (p *pdfRenderer) SetClassName(string)                                {}
func (p *pdfRenderer) SetStrokeColor(c drawing.Color)                     { p.stroke = c }
func (p *pdfRenderer) SetFillColor(c drawing.Color)                       { p.fill = c }
func (p *pdfRenderer) SetStrokeWidth(w float64)                           { p.width = w }
func (p *pdfRenderer) SetStrokeDashArray(d []float64)                     { p.dash = d }
func (p *pdfRenderer) MoveTo(x, y int)                                    { p.pts, p.closed = []fpdf.PointType{p.pt(x, y)}, false }
func (p *pdfRenderer) LineTo(x, y int)                                    { p.pts = append(p.pts, p.pt(x, y)) }
func (p *pdfRenderer) QuadCurveTo(_, _, x, y int)                         { p.LineTo(x, y) }
func (p *pdfRenderer) ArcTo(int, int, float64, float64, float64, float64) {}
func (p *pdfRenderer) Close()                                             { p.closed = true }
func (p *pdfRenderer) Circle(float64, int, int)                           {}
func (p *pdfRenderer) SetFont(f *truetype.Font)                           { p.font = f }
func (p *pdfRenderer) SetFontColor(c drawing.Color)                       { p.fontColor = c }
func (p *pdfRenderer) SetFontSize(s float64)                              { p.size = s }
func (p *pdfRenderer) MeasureText(string) chart.Box                       { return chart.Box{} }
func (p *pdfRenderer) SetTextRotation(rad float64)                        { p.rot = &rad }
func (p *pdfRenderer) ClearTextRotation()                                 { p.rot = nil }
func (p *pdfRenderer) Save(io.Writer) error                               { return nil }

func (p *pdfRenderer) setStroke() {
	p.f.SetDrawColor(int(p.stroke.R), int(p.stroke.G), int(p.stroke.B))
	p.f.SetLineWidth(math.Max(p.width, 1) * p.mm)
	if len(p.dash) > 0 {
		d := make([]float64, len(p.dash))
		for i, v := range p.dash {
			d[i] = v * p.mm
		}
		p.f.SetDashPattern(d, 0)
	} else {
		p.f.SetDashPattern(nil, 0)
	}
}

func (p *pdfRenderer) draw(style string) {
	if len(p.pts) == 0 {
		return
	}
	if style != "D" {
		p.f.SetFillColor(int(p.fill.R), int(p.fill.G), int(p.fill.B))
	}
	if style != "F" {
		p.setStroke()
	}
	if p.closed || style != "D" {
		p.f.Polygon(p.pts, style)
	} else {
		p.f.MoveTo(p.pts[0].X, p.pts[0].Y)
		for _, q := range p.pts[1:] {
			p.f.LineTo(q.X, q.Y)
		}
		p.f.DrawPath("D")
	}
	p.f.SetDashPattern(nil, 0)
	p.pts = nil
}

func (p *pdfRenderer) Stroke()     { p.draw("D") }
func (p *pdfRenderer) Fill()       { p.draw("F") }
func (p *pdfRenderer) FillStroke() { p.draw("FD") }

// Text draws with the PDF's Go font at the chart's size: points at the
// chart's DPI, scaled from logical pixels to millimetres.
func (p *pdfRenderer) Text(body string, x, y int) {
	_, bold := chartFonts()
	style := ""
	if p.font == bold {
		style = "B"
	}
	pt := p.size * chartDPI / 72 * p.mmPerPx * 72 / 25.4
	p.f.SetFont(pdfFont, style, pt)
	p.f.SetTextColor(int(p.fontColor.R), int(p.fontColor.G), int(p.fontColor.B))
	at := p.pt(x, y)
	if p.rot != nil {
		p.f.TransformBegin()
		p.f.TransformRotate(-*p.rot*180/math.Pi, at.X, at.Y)
		p.f.Text(at.X, at.Y, pdfText(body))
		p.f.TransformEnd()
		return
	}
	p.f.Text(at.X, at.Y, pdfText(body))
}
