package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/occbench/occbench/internal/golden"
)

// The embedded files must be exactly what the generator makes from the staged
// sources, so go generate is a no-op on a clean tree.
func TestGenerateReproducesEmbeddedData(t *testing.T) {
	src := "../../../../../shared/data/onet"
	if _, err := os.Stat(filepath.Join(src, fOccupations)); err != nil {
		t.Skipf("staged O*NET data not available: %v", err)
	}
	out := t.TempDir()
	if err := run(src, out); err != nil {
		t.Fatal(err)
	}
	golden.SameDir(t, "../../data", out, "run go generate ./bench/onet")
}

func TestGenerateRejectsBadSource(t *testing.T) {
	src := t.TempDir()
	if err := os.MkdirAll(filepath.Join(src, "29.3"), 0o755); err != nil {
		t.Fatal(err)
	}
	bad := "O*NET-SOC Code\tTitle\tDescription\n15-1252\tSoftware Developers\tx\n"
	if err := os.WriteFile(filepath.Join(src, fOccupations), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(src, t.TempDir()); err == nil {
		t.Fatal("run accepted an invalid code")
	}
}
