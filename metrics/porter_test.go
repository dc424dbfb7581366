package metrics

import (
	"bufio"
	"compress/gzip"
	"os"
	"strings"
	"testing"
)

// TestStemNLTKVocabulary stems every word of Martin Porter's test
// vocabulary and compares with NLTK's expected NLTK_EXTENSIONS output.
// Source: nltk_data packages/stemmers/porter_test.zip, files
// porter_vocabulary.txt and porter_nltk_output.txt (used by NLTK's
// nltk/test/unit/test_stem.py, PorterTest.test_vocabulary_nltk_mode),
// pasted side by side into testdata/porter_nltk.tsv.gz.
func TestStemNLTKVocabulary(t *testing.T) {
	f, err := os.Open("testdata/porter_nltk.tsv.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	n, bad := 0, 0
	for sc.Scan() {
		word, want, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			t.Fatalf("line %d: no tab", n+1)
		}
		n++
		if got := Stem(word); got != want {
			bad++
			if bad <= 20 {
				t.Errorf("Stem(%q) = %q, want %q", word, got, want)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n != 23531 {
		t.Errorf("read %d words, want 23531", n)
	}
	if bad > 0 {
		t.Errorf("%d of %d words differ", bad, n)
	}
}

// Cases from nltk/test/unit/test_stem.py (test_oed_bug, test_lowercase_option)
// and from the irregular-forms pool in nltk/stem/porter.py.
func TestStemCases(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"oed", "o"},         // test_oed_bug
		{"On", "on"},         // test_lowercase_option
		{"I", "i"},           // test_lowercase_option
		{"Github", "github"}, // test_lowercase_option
		{"skies", "sky"},     // pool
		{"dying", "die"},     // pool
		{"news", "news"},     // pool
		{"Sky", "ski"},       // the pool is looked up with the word as given
		{"flies", "fli"},     // step 1a, NLTK extension
		{"dies", "die"},      // step 1a, NLTK extension
		{"spied", "spi"},     // step 1b, NLTK extension
		{"enjoy", "enjoy"},   // step 1c, NLTK extension
		{"happy", "happi"},   // step 1c
		{"generously", "gener"},
	} {
		if got := Stem(c.in); got != c.want {
			t.Errorf("Stem(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
