package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	goldenfile "github.com/occbench/occbench/internal/golden"
)

// runCLI runs occbench in-process and returns stdout, stderr and the error.
func runCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), &stdout, &stderr, args)
	return stdout.String(), stderr.String(), err
}

// golden compares got with testdata/NAME, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name), []byte(got))
}

// lineDiff shows the first lines that differ.
func lineDiff(want, got string) string { return goldenfile.Diff(want, got) }
