package reports

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/occbench/occbench/internal/safefile"
)

// Files of a report directory.
const (
	TablesBase = "tables"     // tables.{txt,md,csv,tex}; tables/<id>.{csv,tex}
	ChartsDir  = "charts"     // charts/<name>.{png,svg}
	PDFFile    = "report.pdf" // everything in one document
	DefaultDir = "report"     // inside the run directory
)

// WriteOptions control WriteDir.
type WriteOptions struct {
	NoPDF    bool
	NoCharts bool
}

// WriteDir writes the report into dir: every table in every format, one
// CSV and one LaTeX fragment per table, the charts as PNG and SVG, and the
// PDF. Each file is written atomically; it returns the paths written.
func (r *Report) WriteDir(dir string, o WriteOptions) ([]string, error) {
	var written []string
	put := func(path string, b []byte) error {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := safefile.WriteFile(path, b); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		written = append(written, path)
		return nil
	}
	tables := r.Tables()
	for _, f := range Formats {
		var buf bytes.Buffer
		if err := WriteTables(&buf, f.Format, tables); err != nil {
			return written, err
		}
		if err := put(filepath.Join(dir, TablesBase+"."+f.Ext), buf.Bytes()); err != nil {
			return written, err
		}
	}
	for _, t := range tables {
		for _, f := range []Format{CSV, LaTeX} {
			var buf bytes.Buffer
			if err := WriteTable(&buf, f, t); err != nil {
				return written, err
			}
			ext := "csv"
			if f == LaTeX {
				ext = "tex"
			}
			if err := put(filepath.Join(dir, TablesBase, t.ID+"."+ext), buf.Bytes()); err != nil {
				return written, err
			}
		}
	}
	if !o.NoCharts {
		for _, c := range r.Charts() {
			var png, svg bytes.Buffer
			if err := c.PNG(&png); err != nil {
				return written, err
			}
			if err := c.SVG(&svg); err != nil {
				return written, err
			}
			if err := put(filepath.Join(dir, ChartsDir, c.Name+".png"), png.Bytes()); err != nil {
				return written, err
			}
			if err := put(filepath.Join(dir, ChartsDir, c.Name+".svg"), svg.Bytes()); err != nil {
				return written, err
			}
		}
	}
	// A table or chart that an earlier report wrote and this one does not
	// (its data went away) must not linger beside the new files.
	prune := []string{TablesBase}
	if !o.NoCharts {
		prune = append(prune, ChartsDir)
	}
	for _, sub := range prune {
		if err := removeUnwritten(filepath.Join(dir, sub), written); err != nil {
			return written, err
		}
	}
	if !o.NoPDF {
		var buf bytes.Buffer
		if err := r.WritePDF(&buf); err != nil {
			return written, err
		}
		if err := put(filepath.Join(dir, PDFFile), buf.Bytes()); err != nil {
			return written, err
		}
	}
	return written, nil
}

// removeUnwritten removes the table and chart files of dir (.csv, .tex,
// .png, .svg) that are not among written; other files are left alone.
func removeUnwritten(dir string, written []string) error {
	keep := map[string]bool{}
	for _, p := range written {
		keep[filepath.Clean(p)] = true
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		switch filepath.Ext(e.Name()) {
		case ".csv", ".tex", ".png", ".svg":
			if e.Type().IsRegular() && !keep[p] {
				if err := os.Remove(p); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Generate makes the report of a run directory in one call, as occbench
// report does: it loads the run and the optional inputs found in it,
// builds the report and writes it into out (runDir/report when empty).
func Generate(runDir, out string, o Options, w WriteOptions) (*Report, []string, error) {
	run, err := LoadRun(runDir, LoadOptions{})
	if err != nil {
		return nil, nil, err
	}
	if o.Inputs, err = LoadInputs(runDir, InputPaths{}); err != nil {
		return nil, nil, err
	}
	rep, err := Build(run, o)
	if err != nil {
		return nil, nil, err
	}
	if out == "" {
		out = filepath.Join(runDir, DefaultDir)
	}
	written, err := rep.WriteDir(out, w)
	return rep, written, err
}
