package reports

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/occbench/occbench/internal/fixture"
)

// TestChartsRender draws every chart as PNG and SVG: the PNG decodes to the
// chart's size, the SVG is golden, and drawing twice gives the same bytes.
func TestChartsRender(t *testing.T) {
	rep := fixtureReport(t, Options{})
	charts := rep.Charts()
	var got []string
	for _, ch := range charts {
		got = append(got, ch.Name)
	}
	if want := "accuracy cost_latency cost_tokens scaling reasons"; strings.Join(got, " ") != want {
		t.Fatalf("charts = %v, want %s", got, want)
	}
	out := os.Getenv("OCCBENCH_CHART_DIR") // set it to look at the charts
	for _, ch := range charts {
		t.Run(ch.Name, func(t *testing.T) {
			var p1, p2, s1, s2 bytes.Buffer
			for _, err := range []error{ch.PNG(&p1), ch.PNG(&p2), ch.SVG(&s1), ch.SVG(&s2)} {
				if err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(p1.Bytes(), p2.Bytes()) || !bytes.Equal(s1.Bytes(), s2.Bytes()) {
				t.Fatal("drawing twice gave different bytes")
			}
			img, err := png.Decode(bytes.NewReader(p1.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != int(ch.Width)*PNGScale || b.Dy() != int(ch.Height)*PNGScale {
				t.Errorf("PNG is %v, want %gx%g at scale %d", b, ch.Width, ch.Height, PNGScale)
			}
			golden(t, "charts/"+ch.Name+".svg", s1.Bytes())
			// Rasterising is float arithmetic that other architectures may
			// fuse differently (FMA), so PNG bytes are pinned on amd64 only.
			if runtime.GOARCH == "amd64" {
				sum := sha256.Sum256(p1.Bytes())
				golden(t, "charts/"+ch.Name+".png.sha256", []byte(hex.EncodeToString(sum[:])+"\n"))
			}
			if out != "" {
				fixture.Write(t, filepath.Join(out, ch.Name+".png"), p1.String())
				fixture.Write(t, filepath.Join(out, ch.Name+".svg"), s1.String())
			}
		})
	}
}

func TestNiceAxis(t *testing.T) {
	cases := []struct {
		hi        float64
		max, step float64
	}{{74.2, 80, 20}, {43.3, 50, 10}, {1, 1, 0.2}, {0.3, 0.3, 0.1}, {0, 1, 0.2}, {100, 100, 20}, {2600, 3000, 1000}}
	for _, c := range cases {
		a := niceAxis(c.hi, 5)
		if a.max != c.max || a.step != c.step {
			t.Errorf("niceAxis(%g) = max %g step %g, want %g %g", c.hi, a.max, a.step, c.max, c.step)
		}
	}
}

// TestPaletteDistinct checks that a category without a fixed colour never
// takes the colour of a fixed one in the same chart.
func TestPaletteDistinct(t *testing.T) {
	p := newPalette([]string{CatBaselines, CatVariants, "Ceiling", "Replayed", CatTransformer})
	seen := map[string]string{}
	for cat, col := range p {
		key := fmt.Sprint(col)
		if other, ok := seen[key]; ok {
			t.Errorf("%s and %s share a colour", cat, other)
		}
		seen[key] = cat
	}
}
