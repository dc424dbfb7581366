package reports

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/occbench/occbench/bench/onet"
)

// The PDF uses Go's fonts, embedded as UTF-8 TrueType, so any Latin,
// Greek or Cyrillic text renders (fpdf's core fonts know only cp1252).
const (
	pdfFont = "Go"
	pdfMono = "GoMono"
)

// Page geometry in millimetres (A4 portrait).
const (
	pageW   = 210.0
	pageH   = 297.0
	margin  = 15.0
	bodyW   = pageW - 2*margin
	bottomY = pageH - 16
)

// pdfText replaces characters the Go fonts lack (CJK, emoji) with "?", so
// that nothing silently disappears from the page.
func pdfText(s string) string {
	reg, _ := chartFonts()
	ok := true
	for _, r := range s {
		if r >= 0x20 && reg.Index(r) == 0 {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20 || reg.Index(r) == 0:
			b.WriteRune('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// pdfDoc wraps fpdf with the report's styles.
type pdfDoc struct {
	f *fpdf.Fpdf
}

func (d *pdfDoc) font(style string, size float64) { d.f.SetFont(pdfFont, style, size) }

func (d *pdfDoc) color(c [3]int) { d.f.SetTextColor(c[0], c[1], c[2]) }

var (
	inkBlack = [3]int{34, 34, 34}
	inkGrey  = [3]int{102, 102, 102}
)

// ensure starts a new page unless h millimetres fit below the cursor.
func (d *pdfDoc) ensure(h float64) {
	if d.f.GetY()+h > bottomY {
		d.f.AddPage()
	}
}

func (d *pdfDoc) heading(s string) {
	d.ensure(20)
	d.font("B", 13)
	d.color(inkBlack)
	d.f.SetX(margin)
	d.f.MultiCell(bodyW, 6, pdfText(s), "", "L", false)
	d.f.Ln(1.5)
}

func (d *pdfDoc) para(s string, size float64, ink [3]int) {
	d.font("", size)
	d.color(ink)
	d.f.SetX(margin)
	d.f.MultiCell(bodyW, size*0.45, pdfText(s), "", "L", false)
}

// WritePDF writes the report as one PDF. The same run gives the same
// bytes: dates come from the manifest and resources are written sorted.
func (r *Report) WritePDF(w io.Writer) error {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(true)
	f.SetCatalogSort(true)
	stamp := r.Run.Manifest.Started.UTC()
	if fin := r.Run.Manifest.Finished; fin != nil {
		stamp = fin.UTC()
	}
	if stamp.IsZero() {
		stamp = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	f.SetCreationDate(stamp)
	f.SetModificationDate(stamp)
	f.SetProducer("occbench", false)
	f.SetCreator("occbench report", false)
	f.SetTitle(pdfText("occbench report: "+r.Run.Manifest.Suite), true)
	f.AddUTF8FontFromBytes(pdfFont, "", bytes.Clone(goregular.TTF)) // fpdf writes into the bytes it is given
	f.AddUTF8FontFromBytes(pdfFont, "B", bytes.Clone(gobold.TTF))
	f.AddUTF8FontFromBytes(pdfFont, "I", bytes.Clone(goitalic.TTF))
	f.AddUTF8FontFromBytes(pdfMono, "", bytes.Clone(gomono.TTF))
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(true, pageH-bottomY)
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		f.SetY(-11)
		f.SetFont(pdfFont, "", 7.5)
		f.SetTextColor(inkGrey[0], inkGrey[1], inkGrey[2])
		f.CellFormat(bodyW/2, 5, pdfText("occbench report · test set "+short(r.Run.TestDigest())), "", 0, "L", false, 0, "")
		f.CellFormat(bodyW/2, 5, fmt.Sprintf("page %d of {nb}", f.PageNo()), "", 0, "R", false, 0, "")
	})
	d := &pdfDoc{f: f}
	f.AddPage()
	r.pdfSummary(d)
	charts := map[string]*Chart{}
	for _, c := range r.Charts() {
		charts[c.Name] = c
	}
	f.AddPage()
	d.table(r.Table2)
	d.chart(charts["accuracy"])
	if r.Horizons != nil {
		f.AddPage()
		d.table(r.Horizons)
		d.chart(charts["horizon"])
		d.table(r.Paths)
	}
	f.AddPage()
	d.heading("Significance matrix")
	r.pdfMatrix(d)
	if len(r.McNemar.Rows) > 0 {
		d.table(r.McNemar)
	}
	f.AddPage()
	d.table(r.Rates)
	d.chart(charts["cost_latency"])
	d.chart(charts["cost_tokens"])
	// The study's other tables, those with data; the rest are named on one
	// line each.
	var rest []*Table
	for _, t := range r.Tables() {
		switch t {
		case r.Table2, r.Horizons, r.Paths, r.McNemar, r.Rates:
		default:
			rest = append(rest, t)
		}
	}
	if len(rest) > 0 {
		f.AddPage()
	}
	for _, t := range rest {
		if t.ID == NotInReportID {
			d.heading(t.Title)
			for _, row := range t.Rows {
				d.keyValues([][2]string{{row.Cells[0], row.Cells[1]}})
			}
			continue
		}
		d.table(t)
		switch t {
		case r.Table3:
			d.chart(charts["reasons"])
		case r.Scaling:
			d.chart(charts["scaling"])
		}
	}
	exs, err := r.Examples()
	if err != nil {
		return err
	}
	if len(exs) > 0 {
		f.AddPage()
		r.pdfExamples(d, exs)
	}
	if err := f.Error(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// chart draws a chart across the body width, on a new page if it does not
// fit.
func (d *pdfDoc) chart(c *Chart) {
	if c == nil {
		return
	}
	h := c.Height * bodyW / c.Width
	d.ensure(h + 4)
	y := d.f.GetY() + 2
	c.drawPDF(d.f, margin, y, bodyW)
	d.f.SetY(y + h + 4)
}

// pdfSummary is the first page: what was run, on what, and how scored.
func (r *Report) pdfSummary(d *pdfDoc) {
	m := r.Run.Manifest
	d.font("B", 20)
	d.color(inkBlack)
	d.f.SetX(margin)
	d.f.MultiCell(bodyW, 9, pdfText("occbench report: "+m.Suite), "", "L", false)
	d.para(r.Run.Dir, 9, inkGrey)
	d.f.Ln(4)
	kv := [][2]string{
		{"occbench", m.Occbench}, {"Go", m.GoVersion}, {"Platform", m.Platform},
		{"Suite file", m.SuiteFile}, {"Seed", fmt.Sprint(m.Seed)},
		{"Started", m.Started.UTC().Format(time.RFC3339)},
	}
	if m.Finished != nil {
		kv = append(kv, [2]string{"Finished", m.Finished.UTC().Format(time.RFC3339)})
	}
	if m.Limit > 0 {
		kv = append(kv, [2]string{"Limit", fmt.Sprintf("first %d test users", m.Limit)})
	}
	p := m.Protocol
	kv = append(kv,
		[2]string{"EM", p.EM}, [2]string{"Related occupations", fmt.Sprint(p.Related)},
		[2]string{"Ranking", p.Ranking}, [2]string{"Bootstrap resamples", count(p.Bootstrap)},
		[2]string{"Test users", count(p.TestUsers)}, [2]string{"O*NET occupations", count(onet.Default().Len())},
	)
	d.heading("Run")
	d.keyValues(kv)
	d.f.Ln(3)
	d.heading("Data sets")
	var dsNames []string
	for k := range m.Datasets {
		dsNames = append(dsNames, k)
	}
	sort.Strings(dsNames)
	for _, k := range dsNames {
		ds := m.Datasets[k]
		users := ""
		if ds.Users > 0 {
			users = ", " + plural(ds.Users, "user", "users")
		}
		d.keyValues([][2]string{{k, ds.Path + users}})
		d.font("", 8)
		d.f.SetX(margin + 42)
		d.f.SetFont(pdfMono, "", 7.5)
		d.color(inkGrey)
		d.f.MultiCell(bodyW-42, 3.6, "sha256 "+ds.SHA256, "", "L", false)
		d.f.Ln(1)
	}
	d.f.Ln(2)
	d.heading("Runners")
	for _, s := range r.Run.Systems {
		d.keyValues([][2]string{{s.Name, fmt.Sprintf("%s · %s · %s", s.Kind, s.Category, s.Display)}})
		rm := m.Runners[s.Name]
		if rm == nil {
			continue
		}
		// Settings as key = value lines, then what preparing the runner
		// did; both wrap at spaces, never inside a value.
		d.f.SetTextColor(inkGrey[0], inkGrey[1], inkGrey[2])
		if kv := settingPairs(rm.Settings); len(kv) > 0 {
			d.f.SetX(margin + 42)
			d.f.SetFont(pdfMono, "", 7)
			line := strings.ReplaceAll(strings.Join(kv, "   "), " = ", "\u00a0=\u00a0") // a pair never splits
			d.f.MultiCell(bodyW-42, 3.3, pdfText(line), "", "L", false)
		}
		if facts := trainingFacts(rm.Info); facts != "" {
			d.f.SetX(margin + 42)
			d.font("", 7.5)
			d.f.MultiCell(bodyW-42, 3.5, pdfText(facts), "", "L", false)
		}
		d.f.Ln(0.8)
	}
	if len(r.Run.Warnings) > 0 {
		d.heading("Warnings")
		for _, w := range r.Run.Warnings {
			d.para("• "+w, 8.5, inkBlack)
		}
	}
}

// keyValues writes two-column lines: a bold key, then its value.
func (d *pdfDoc) keyValues(kv [][2]string) {
	for _, x := range kv {
		d.ensure(5)
		d.font("B", 8.5)
		d.color(inkBlack)
		d.f.SetX(margin)
		d.f.CellFormat(42, 4.2, pdfText(x[0]), "", 0, "L", false, 0, "")
		d.font("", 8.5)
		d.f.MultiCell(bodyW-42, 4.2, pdfText(x[1]), "", "L", false)
	}
}

// table draws a report table: its title, the header and rows with
// booktabs-like rules, a rule between groups, and the notes. The font
// shrinks until the table fits the body width; the header repeats after a
// page break.
func (d *pdfDoc) table(t *Table) {
	f := d.f
	d.ensure(30)
	d.heading(t.Title)
	if len(t.Rows) == 0 {
		d.para("No data: "+t.Empty, 8.5, inkGrey)
		for _, n := range t.Notes {
			d.para(n, 7, inkGrey)
		}
		f.Ln(4)
		return
	}
	hdr := t.header()
	body := t.body(false)
	aligns := t.aligns()
	const pad = 1.6
	// Fit the body width: shrink the font, then split long headers over two
	// lines, then shrink further; as a last resort cut the widest
	// left-aligned column.
	var (
		size   float64
		widths []float64
		heads  [][]string
	)
	measure := func(sz float64, split bool) float64 {
		size = sz
		widths = make([]float64, len(hdr))
		heads = make([][]string, len(hdr))
		d.font("B", sz)
		for i, h := range hdr {
			heads[i] = []string{h}
			if split {
				heads[i] = d.splitHeader(h)
			}
			for _, part := range heads[i] {
				widths[i] = math.Max(widths[i], f.GetStringWidth(pdfText(part))+2*pad)
			}
		}
		d.font("", sz)
		for _, row := range body {
			for i, c := range row {
				widths[i] = math.Max(widths[i], f.GetStringWidth(pdfText(c))+2*pad)
			}
		}
		return sum(widths)
	}
	fits := false
	for _, try := range []struct {
		from, to float64
		split    bool
	}{{8, 6.5, false}, {8, 5.5, true}} {
		for sz := try.from; sz >= try.to && !fits; sz -= 0.5 {
			fits = measure(sz, try.split) <= bodyW
		}
		if fits {
			break
		}
	}
	if over := sum(widths) - bodyW; over > 0 {
		wi := -1
		for i, a := range aligns {
			if a == Left && (wi < 0 || widths[i] > widths[wi]) {
				wi = i
			}
		}
		if wi >= 0 {
			widths[wi] = math.Max(15, widths[wi]-over)
		}
	}
	lines := 1
	for _, h := range heads {
		lines = max(lines, len(h))
	}
	rowH := size * 0.5
	total := sum(widths)
	x0 := margin
	drawHeader := func() {
		y := f.GetY()
		f.SetDrawColor(34, 34, 34)
		f.SetLineWidth(0.35)
		f.Line(x0, y, x0+total, y)
		d.font("B", size)
		d.color(inkBlack)
		for l := 0; l < lines; l++ {
			f.SetXY(x0, y+0.6+rowH*float64(l))
			for i, h := range heads {
				// Headers sit on the last line, as in booktabs tables.
				part := ""
				if k := l - (lines - len(h)); k >= 0 {
					part = h[k]
				}
				f.CellFormat(widths[i], rowH, d.fit(part, widths[i]-2*pad), "", 0, pdfAlign(aligns[i]), false, 0, "")
			}
		}
		y += rowH*float64(lines) + 1.2
		f.SetLineWidth(0.2)
		f.Line(x0, y, x0+total, y)
		f.SetY(y + 0.6)
	}
	drawHeader()
	starts := t.groupStarts()
	for ri, row := range body {
		if f.GetY()+rowH > bottomY-2 {
			f.AddPage()
			drawHeader()
		}
		if starts[ri] {
			y := f.GetY() + 0.3
			f.SetDrawColor(170, 170, 170)
			f.SetLineWidth(0.1)
			f.Line(x0, y, x0+total, y)
			f.SetY(y + 0.6)
		}
		d.font("", size)
		d.color(inkBlack)
		f.SetX(x0)
		for i, c := range row {
			f.CellFormat(widths[i], rowH, d.fit(c, widths[i]-2*pad), "", 0, pdfAlign(aligns[i]), false, 0, "")
		}
		f.Ln(rowH)
	}
	y := f.GetY() + 0.6
	f.SetDrawColor(34, 34, 34)
	f.SetLineWidth(0.35)
	f.Line(x0, y, x0+total, y)
	f.SetY(y + 1.5)
	for _, n := range t.Notes {
		d.para(n, 7, inkGrey)
	}
	f.Ln(5)
}

// splitHeader breaks a header at the space that makes its longer half
// shortest.
func (d *pdfDoc) splitHeader(h string) []string {
	best, bestW := []string{h}, d.f.GetStringWidth(pdfText(h))
	for i, r := range h {
		if r != ' ' {
			continue
		}
		a, b := h[:i], h[i+1:]
		if w := math.Max(d.f.GetStringWidth(pdfText(a)), d.f.GetStringWidth(pdfText(b))); w < bestW {
			best, bestW = []string{a, b}, w
		}
	}
	return best
}

// fit shortens s with an ellipsis to w millimetres in the current font.
func (d *pdfDoc) fit(s string, w float64) string {
	s = pdfText(s)
	w += 0.01 // widths were measured from these very strings
	if d.f.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && d.f.GetStringWidth(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

func pdfAlign(a Align) string {
	switch a {
	case Right:
		return "R"
	case Center:
		return "C"
	}
	return "L"
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}
