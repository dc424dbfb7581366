// Package reports turns a run directory into what people read: the paper's
// tables (as text, Markdown, CSV and LaTeX), charts (PNG and SVG), one PDF,
// and the comparison of two runs that CI uses as a regression gate.
//
// Presentation lives here; the statistics come from package metrics. Every
// output is deterministic: the same run gives the same bytes.
package reports
