// Package reports turns a run directory into what people read: the paper's
// tables (as text, Markdown, CSV and LaTeX), charts (PNG and SVG), one PDF,
// and the comparison of two runs that CI uses as a regression gate.
//
// Presentation lives here; the statistics come from package metrics. It
// reads a run through package rundir and the method's result files through
// package reasons, and imports nothing that runs a system or calls a model.
// Every output is deterministic: the same run gives the same bytes.
package reports
