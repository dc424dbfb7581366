// Package rundir is the contract of a run directory, the one place where a
// run's files are defined: the suite that asks for the run, manifest.json
// (what ran, on which data, with which settings), the prediction records in
// predictions/<runner>.jsonl with their reader and appender, and
// scores.json with the scoring that makes it.
//
// Scoring reads prediction records and calls no model, so any run can be
// scored again later. The package imports bench (careers), metrics (the
// scores) and occbench's internal file helpers, and nothing that runs a
// system or talks to a model; reports, the runners and the paper's method
// steps all build on it.
package rundir
