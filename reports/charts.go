package reports

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
	"sync"

	"github.com/golang/freetype/truetype"
	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	fx "golang.org/x/image/math/fixed"
)

// Chart is one figure of a report, drawn through go-chart's PNG and SVG
// renderers. Layout is in logical pixels; PNGs are drawn at PNGScale times
// that size so they stay sharp in the PDF.
type Chart struct {
	Name   string // file name without extension
	Title  string
	Width  float64
	Height float64
	draw   func(c *canvas)
}

// PNGScale is how many PNG pixels a logical pixel gets.
const PNGScale = 2

// chartDPI sets the size of a point in logical pixels.
const chartDPI = 96

// PNG writes the chart as PNG.
func (ch *Chart) PNG(w io.Writer) error { return ch.render(w, false) }

// SVG writes the chart as SVG.
func (ch *Chart) SVG(w io.Writer) error { return ch.render(w, true) }

func (ch *Chart) render(w io.Writer, svg bool) error {
	scale := 1.0
	if !svg {
		scale = PNGScale
	}
	wpx, hpx := int(math.Round(ch.Width*scale)), int(math.Round(ch.Height*scale))
	var r chart.Renderer
	var err error
	if svg {
		r, err = chart.SVG(wpx, hpx)
	} else {
		r, err = chart.PNG(wpx, hpx)
	}
	if err != nil {
		return err
	}
	r.SetDPI(chartDPI * scale)
	kind := targetPNG
	if svg {
		kind = targetSVG
	}
	c := &canvas{r: r, target: kind, scale: scale}
	c.rect(0, 0, ch.Width, ch.Height, white, drawing.Color{})
	ch.draw(c)
	var buf bytes.Buffer
	if err := r.Save(&buf); err != nil {
		return fmt.Errorf("chart %s: %w", ch.Name, err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// Fonts: Go's own, BSD-licensed, so the charts look the same everywhere.
var (
	fontsOnce           sync.Once
	regularTTF, boldTTF *truetype.Font
)

func chartFonts() (regular, bold *truetype.Font) {
	fontsOnce.Do(func() {
		var err error
		if regularTTF, err = truetype.Parse(goregular.TTF); err != nil {
			panic(err)
		}
		if boldTTF, err = truetype.Parse(gobold.TTF); err != nil {
			panic(err)
		}
	})
	return regularTTF, boldTTF
}

var (
	white     = drawing.ColorFromHex("ffffff")
	black     = drawing.ColorFromHex("222222")
	grey      = drawing.ColorFromHex("666666")
	gridGrey  = drawing.ColorFromHex("e3e3e3")
	axisGrey  = drawing.ColorFromHex("9a9a9a")
	noColor   = drawing.Color{}
	catColors = map[string]drawing.Color{
		// Okabe–Ito colours, distinguishable with colour-blindness.
		CatBaselines:   drawing.ColorFromHex("8c8c8c"),
		CatTransformer: drawing.ColorFromHex("0072b2"),
		CatVariants:    drawing.ColorFromHex("cc79a7"),
		CatCoT:         drawing.ColorFromHex("e69f00"),
		CatDirect:      drawing.ColorFromHex("56b4e9"),
		CatProposed:    drawing.ColorFromHex("009e73"),
	}
	extraColors = []drawing.Color{
		drawing.ColorFromHex("cc79a7"), drawing.ColorFromHex("d55e00"),
		drawing.ColorFromHex("f0e442"), drawing.ColorFromHex("332288"),
		drawing.ColorFromHex("882255"), drawing.ColorFromHex("44aa99"),
	}
)

// palette assigns colours to categories: the paper's fixed ones, others in
// order of first appearance.
type palette map[string]drawing.Color

func newPalette(cats []string) palette {
	p := palette{}
	used := map[drawing.Color]bool{}
	for _, c := range cats {
		if col, ok := catColors[c]; ok {
			p[c], used[col] = col, true
		}
	}
	var extras []drawing.Color // those no fixed category of this chart has
	for _, col := range extraColors {
		if !used[col] {
			extras = append(extras, col)
		}
	}
	next := 0
	for _, c := range cats {
		if _, ok := p[c]; ok {
			continue
		}
		p[c] = extras[next%len(extras)]
		next++
	}
	return p
}

// lighten mixes a colour with white.
func lighten(c drawing.Color, f float64) drawing.Color {
	mix := func(v uint8) uint8 { return uint8(math.Round(float64(v) + (255-float64(v))*f)) }
	return drawing.Color{R: mix(c.R), G: mix(c.G), B: mix(c.B), A: 255}
}

// Drawing targets of a canvas.
const (
	targetPNG = iota
	targetSVG
	targetPDF
)

// canvas draws in logical pixels on a go-chart renderer: go-chart's PNG and
// SVG renderers, or pdfRenderer, which puts the same drawing into the PDF
// as vectors.
type canvas struct {
	r      chart.Renderer
	target int
	scale  float64 // renderer units per logical pixel
}

func (c *canvas) px(v float64) int { return int(math.Round(v * c.scale)) }

// rect fills (and, with a stroke colour, outlines) a rectangle.
func (c *canvas) rect(x0, y0, x1, y1 float64, fill, stroke drawing.Color) {
	c.r.ResetStyle()
	c.r.SetFillColor(fill)
	if !stroke.IsZero() {
		c.r.SetStrokeColor(stroke)
		c.r.SetStrokeWidth(c.scale)
	}
	c.r.MoveTo(c.px(x0), c.px(y0))
	c.r.LineTo(c.px(x1), c.px(y0))
	c.r.LineTo(c.px(x1), c.px(y1))
	c.r.LineTo(c.px(x0), c.px(y1))
	c.r.Close()
	if stroke.IsZero() {
		c.r.Fill()
	} else {
		c.r.FillStroke()
	}
}

// line strokes a polyline of width w (logical pixels); dash may be nil.
func (c *canvas) line(col drawing.Color, w float64, dash []float64, pts ...float64) {
	c.r.ResetStyle()
	c.r.SetStrokeColor(col)
	c.r.SetStrokeWidth(math.Max(1, math.Round(w*c.scale)))
	if dash != nil {
		d := make([]float64, len(dash))
		for i, v := range dash {
			d[i] = v * c.scale
		}
		c.r.SetStrokeDashArray(d)
	}
	c.r.MoveTo(c.px(pts[0]), c.px(pts[1]))
	for i := 2; i+1 < len(pts); i += 2 {
		c.r.LineTo(c.px(pts[i]), c.px(pts[i+1]))
	}
	c.r.Stroke()
}

// marker draws a filled polygon approximating a circle (go-chart's two
// renderers treat Circle differently).
func (c *canvas) marker(x, y, radius float64, fill, stroke drawing.Color) {
	c.r.ResetStyle()
	c.r.SetFillColor(fill)
	c.r.SetStrokeColor(stroke)
	c.r.SetStrokeWidth(math.Max(1, math.Round(1.5*c.scale)))
	const n = 20
	for i := 0; i <= n; i++ {
		a := 2 * math.Pi * float64(i) / n
		px, py := c.px(x+radius*math.Cos(a)), c.px(y+radius*math.Sin(a))
		if i == 0 {
			c.r.MoveTo(px, py)
		} else {
			c.r.LineTo(px, py)
		}
	}
	c.r.Close()
	if stroke.IsZero() {
		c.r.Fill()
	} else {
		c.r.FillStroke()
	}
}

// Horizontal text alignment.
const (
	alignLeft = iota
	alignCenter
	alignRight
)

// textStyle is a font size in points, a weight and a colour.
type textStyle struct {
	size  float64
	bold  bool
	color drawing.Color
}

var (
	tsTitle = textStyle{15, true, black}
	tsLabel = textStyle{11, false, black}
	tsSmall = textStyle{9.5, false, grey}
	tsMark  = textStyle{12, true, black}
)

func (ts textStyle) font() *truetype.Font {
	reg, bold := chartFonts()
	if ts.bold {
		return bold
	}
	return reg
}

// measure is the width of s in logical pixels.
func measure(s string, ts textStyle) float64 {
	d := font.Drawer{Face: truetype.NewFace(ts.font(), &truetype.Options{DPI: chartDPI, Size: ts.size})}
	return fix(d.MeasureString(s))
}

func fix(v fx.Int26_6) float64 { return float64(v) / 64 }

// lineHeight is the height of a line of text in logical pixels.
func lineHeight(ts textStyle) float64 { return ts.size * chartDPI / 72 * 1.25 }

// text draws s with its baseline at y, aligned at x.
func (c *canvas) text(s string, x, y float64, ts textStyle, align int) {
	w := measure(s, ts)
	switch align {
	case alignCenter:
		x -= w / 2
	case alignRight:
		x -= w
	}
	c.setText(ts)
	if c.target == targetSVG {
		s = html.EscapeString(s) // go-chart writes SVG text unescaped
	}
	c.r.Text(s, c.px(x), c.px(y))
}

// setText sets the font. go-chart's raster renderer scales glyphs by
// points × DPI / 64 instead of / 72, so PNG sizes are corrected to match
// the SVG and the measurements.
func (c *canvas) setText(ts textStyle) {
	c.r.ResetStyle()
	c.r.SetFont(ts.font())
	size := ts.size
	if c.target == targetPNG {
		size *= 64.0 / 72
	}
	c.r.SetFontSize(size)
	c.r.SetFontColor(ts.color)
}

// vtext draws s rotated a quarter turn anticlockwise, centred on y.
func (c *canvas) vtext(s string, x, y float64, ts textStyle) {
	w := measure(s, ts)
	c.setText(ts)
	c.r.SetTextRotation(-math.Pi / 2)
	if c.target == targetSVG {
		s = html.EscapeString(s)
	}
	c.r.Text(s, c.px(x), c.px(y+w/2))
	c.r.ClearTextRotation()
}

// fitText shortens s with an ellipsis to at most w logical pixels.
func fitText(s string, ts textStyle, w float64) string {
	if measure(s, ts) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && measure(string(r)+"…", ts) > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// axis is a linear axis from 0 to max with "nice" ticks.
type axis struct {
	max, step float64
	decimals  int
}

// niceAxis covers [0, hi] with about n ticks at 1, 2, 2.5 or 5 × 10^k.
func niceAxis(hi float64, n int) axis {
	if !(hi > 0) || math.IsInf(hi, 0) {
		hi = 1
	}
	raw := hi / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	top := math.Round(math.Ceil(hi/step-1e-9)*step*1e9) / 1e9
	dec := 0
	if step < 1 {
		dec = int(math.Ceil(-math.Log10(step) - 1e-9))
		if step*math.Pow(10, float64(dec)) != math.Round(step*math.Pow(10, float64(dec))) {
			dec++
		}
	}
	return axis{max: top, step: step, decimals: dec}
}

func (a axis) ticks() []float64 {
	var t []float64
	for v := 0.0; v <= a.max+a.step/1e6; v += a.step {
		t = append(t, math.Round(v/a.step)*a.step)
	}
	return t
}

func (a axis) label(v float64) string { return strconv.FormatFloat(v, 'f', a.decimals, 64) }

// legendItem is a swatch and its label.
type legendItem struct {
	label  string
	color  drawing.Color
	marker bool // a round marker instead of a square
	dashed bool // a dashed line
}

// legend lays items out in rows from (x, y) within width w and returns the
// height used.
func (c *canvas) legend(items []legendItem, x, y, w float64, dry bool) float64 {
	const sw, gap = 14.0, 22.0
	lh := lineHeight(tsLabel) + 4
	cx, cy := x, y
	for _, it := range items {
		iw := sw + 6 + measure(it.label, tsLabel)
		if cx > x && cx+iw > x+w {
			cx, cy = x, cy+lh
		}
		if !dry {
			mid := cy + lh/2 - 2
			switch {
			case it.dashed:
				c.line(it.color, 2, []float64{4, 3}, cx, mid, cx+sw, mid)
			case it.marker:
				c.marker(cx+sw/2, mid, 5, it.color, noColor)
			default:
				c.rect(cx, mid-sw/2, cx+sw, mid+sw/2, it.color, noColor)
			}
			c.text(it.label, cx+sw+6, mid+5, tsLabel, alignLeft)
		}
		cx += iw + gap
	}
	return cy - y + lh
}
