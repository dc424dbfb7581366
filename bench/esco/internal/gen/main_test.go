package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occbench/occbench/internal/golden"
)

const staged = "../../../../../shared/data/crosswalk"

// The embedded files must be exactly what the generator makes from the staged
// sources, so go generate is a no-op on a clean tree.
func TestGenerateReproducesEmbeddedData(t *testing.T) {
	if _, err := os.Stat(filepath.Join(staged, fNesta)); err != nil {
		t.Skipf("staged crosswalk not available: %v", err)
	}
	out := t.TempDir()
	if err := run(staged, out); err != nil {
		t.Fatal(err)
	}
	golden.SameDir(t, "../../data", out, "run go generate ./bench/esco")
}

// A source that is not the pinned file is refused before it is read.
func TestGenerateRejectsChangedSource(t *testing.T) {
	src := t.TempDir()
	for _, f := range []string{fNesta, fONet} {
		if err := os.WriteFile(filepath.Join(src, f), []byte("id,esco_occupation\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	err := run(src, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "sha256") {
		t.Fatalf("run accepted a changed source: %v", err)
	}
}
