package reports

import (
	"io"
	"testing"
)

// FuzzParsePaper: any expectations file parses or fails, never panics.
func FuzzParsePaper(f *testing.F) {
	f.Add(paperYAML)
	f.Add([]byte(`{"table2": [{"key": "x", "em": 0.5}]}`))
	f.Add([]byte("table2:\n  - {name: x}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParsePaper(b, "fuzz")
		if err == nil && p == nil {
			t.Fatal("nil paper without an error")
		}
	})
}

// FuzzInputs: any input file decodes or fails, and a decoded one builds
// its tables without panicking.
func FuzzInputs(f *testing.F) {
	for _, s := range fixtureInputs {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"rows": [{"em_ci": [1]}], "studies": [{"series": [{"points": [{}]}]}]}`))
	rep := fixtureReport(f, Options{})
	f.Fuzz(func(t *testing.T, b []byte) {
		var in Inputs
		if decodeStrict(b, &in.Perturbation) != nil {
			in.Perturbation = nil
		}
		if decodeStrict(b, &in.Reasons) != nil {
			in.Reasons = nil
		}
		if decodeStrict(b, &in.Sources) != nil {
			in.Sources = nil
		}
		if decodeStrict(b, &in.Scaling) != nil {
			in.Scaling = nil
		}
		r := *rep
		r.Opts.Inputs = in
		r.table1()
		r.table3()
		r.table4()
		r.scalingTable()
		r.paperTable()
		for _, c := range []*Chart{r.scalingChart(), r.reasonsChart()} {
			if c != nil {
				if err := c.SVG(io.Discard); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}
