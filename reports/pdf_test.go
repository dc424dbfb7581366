package reports

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPDF builds the fixture's PDF twice (same bytes), renders every page
// to PNG with pdftoppm where installed, and checks with pdftotext that text
// outside cp1252 came through.
func TestPDF(t *testing.T) {
	rep := fixtureReport(t, Options{})
	var a, b bytes.Buffer
	if err := rep.WritePDF(&a); err != nil {
		t.Fatal(err)
	}
	if err := rep.WritePDF(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("the same report gave different PDF bytes")
	}
	if !bytes.HasPrefix(a.Bytes(), []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	dir := t.TempDir()
	if keep := os.Getenv("OCCBENCH_PDF_DIR"); keep != "" { // set it to look at the pages
		dir = keep
	}
	pdf := filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(pdf, a.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm not installed (apt-get install poppler-utils): pages not rendered")
	}
	out, err := exec.Command("pdftoppm", "-r", "40", "-png", pdf, filepath.Join(dir, "page")).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "page-*.png"))
	if len(pages) < 5 {
		t.Errorf("rendered %d pages, want at least 5", len(pages))
	}
	for _, p := range pages {
		if st, err := os.Stat(p); err != nil || st.Size() < 2000 {
			t.Errorf("page %s looks blank or missing (%v)", p, err)
		}
	}
	text, err := exec.Command("pdftotext", "-enc", "UTF-8", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	for _, want := range []string{"Politechnika Łódzka", "Инженер", "Τεχνολογία", "Table 2: Occupation prediction accuracy", "Significance matrix", "GPT-4.1 | temp_0 & 100%", "Examples: best and worst"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the PDF's text lacks %q", want)
		}
	}
}

func TestPDFText(t *testing.T) {
	if got := pdfText("Zürich Łódź Киев 東京 ok"); got != "Zürich Łódź Киев ?? ok" {
		t.Errorf("pdfText = %q", got)
	}
}
