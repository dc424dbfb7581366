package metrics

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// Expected tokenizations were produced by running sacrebleu 2.6.0's
// Tokenizer13a (sacrebleu/tokenizers/tokenizer_13a.py) and rouge-score's
// tokenize.tokenize with NLTK's PorterStemmer on CPython 3.11; sacrebleu's
// test suite has no 13a tokenizer cases of its own.
func TestTokenize13a(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Hello, world!", "Hello , world !"},
		{"The dog bit the man.", "The dog bit the man ."},
		{"It wasn't surprising.", "It wasn't surprising ."},
		{"3.5 million, 1,000 jobs; 10-12 years.", "3.5 million , 1,000 jobs ; 10 - 12 years ."},
		{".5 and 5.", ". 5 and 5 ."},
		{"a,b 1,b a,1", "a , b 1 , b a , 1"},
		{"(SOC 15-1252.00)", "( SOC 15 - 1252.00 )"},
		{"&quot;x&quot; &amp;amp; &lt;b&gt;", `" x " & amp ; < b >`},
		{"end-\nof-line <skipped> gone", "endof-line gone"},
		{"line one\nline two", "line one line two"},
		{"C++ / C# / .NET / Node.js", "C + + / C # / . NET / Node . js"},
		{"$75,000 40% #1 @home", "$ 75,000 40 % # 1 @ home"},
		{"e.g. U.S. i.e.,", "e . g . U . S . i . e . ,"},
		{"“quoted” ‘single’ it’s naïve café", "“quoted” ‘single’ it’s naïve café"},
		{"well-known co-operate 2019-2023 x-1 1-x", "well-known co-operate 2019 - 2023 x-1 1 - x"},
		{"tab\there\u00a0nbsp\u2009thin\u200bzero\x1cfs", "tab here nbsp thin\u200bzero fs"},
		{"  leading and trailing  ", "leading and trailing"},
		{"", ""},
		{"a...b?!", "a . . . b ? !"},
		{"{[(<>)]}|~^_`", "{ [ ( < > ) ] } | ~ ^ _ `"},
		{"Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;",
			"Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb ;"},
	} {
		got := strings.Join(Tokenize13a(c.in), " ")
		if got != c.want {
			t.Errorf("Tokenize13a(%q) = %q, want %q", c.in, got, c.want)
		}
		if ref := strings.Join(tokenize13aRegexp(c.in), " "); ref != got {
			t.Errorf("regexp reference %q differs from %q", ref, got)
		}
	}
}

func TestTokenizeROUGE(t *testing.T) {
	for _, c := range []struct {
		in         string
		want, stem []string
	}{
		{"The quick brown fox jumps over the lazy dog",
			words("the quick brown fox jumps over the lazy dog"), words("the quick brown fox jump over the lazi dog")},
		{"Running runs ran; generalizations!", words("running runs ran generalizations"), words("run run ran gener")},
		{"İstanbul \u212aelvin café naïve", words("i stanbul kelvin caf na ve"), words("i stanbul kelvin caf na ve")},
		{"e-mail 3.5 1,000 C++ x_y", words("e mail 3 5 1 000 c x y"), words("e mail 3 5 1 000 c x y")},
		{"", nil, nil},
	} {
		if got := TokenizeROUGE(c.in, false); !slices.Equal(got, c.want) {
			t.Errorf("TokenizeROUGE(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := TokenizeROUGE(c.in, true); !slices.Equal(got, c.stem) {
			t.Errorf("TokenizeROUGE(%q, stem) = %q, want %q", c.in, got, c.stem)
		}
	}
}

// Values from CPython 3.11: str.lower(), str.split(), str.rstrip(), str.strip().
func TestPythonStrings(t *testing.T) {
	for in, want := range map[string]string{
		"ΟΔΟΣ": "οδος", "Σ": "σ", "ΑΣ.": "ας.", "ΑΣ.Β": "ασ.β", "Α'Σ": "α'ς", "ΣΑ": "σα",
		"Α\u0301Σ": "α\u0301ς", "İSTANBUL": "i\u0307stanbul", "ǅemal": "ǆemal", "Straße": "straße",
		"ΑΣ Β": "ας β", "ΑΣ\u0301": "ας\u0301", "ABC def": "abc def",
	} {
		if got := pyLower(in); got != want {
			t.Errorf("pyLower(%q) = %q, want %q", in, got, want)
		}
	}
	if got, want := PySplit(" a\x1cb\u00a0c\u200bd \u2028e\u0085f "), []string{"a", "b", "c\u200bd", "e", "f"}; !slices.Equal(got, want) {
		t.Errorf("PySplit = %q, want %q", got, want)
	}
	if got := pyRstrip(" \x1c x \u3000\t"); got != " \x1c x" {
		t.Errorf("pyRstrip = %q", got)
	}
	if got := pyStrip(" \x1c x \u3000\t"); got != "x" {
		t.Errorf("pyStrip = %q", got)
	}
}

func TestFsum(t *testing.T) {
	// Cases from CPython's test_math.py testFsum.
	for _, c := range []struct {
		xs   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50}, 1e-100},
		{[]float64{1e-16, 1, 1e16}, 1.0000000000000002e+16},
		{[]float64{0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}, 1},
	} {
		if got := fsum(c.xs); got != c.want {
			t.Errorf("fsum(%v) = %.17g, want %.17g", c.xs, got, c.want)
		}
	}
}

// tokenize13aRegexp is a direct transcription of sacrebleu's 13a tokenizer
// with Go's regexp package, slow but obviously equivalent for valid UTF-8:
// the fuzz target checks the byte-level tokenizer against it.
var re13a = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`([\{-\~\[-\` + "`" + ` -\&\(-\+\:-\@\/])`), " $1 "},
	{regexp.MustCompile(`([^0-9])([\.,])`), "$1 $2 "},
	{regexp.MustCompile(`([\.,])([^0-9])`), " $1 $2"},
	{regexp.MustCompile(`([0-9])(-)`), "$1 $2 "},
}

func tokenize13aRegexp(line string) []string {
	line = strings.ReplaceAll(line, "<skipped>", "")
	line = strings.ReplaceAll(line, "-\n", "")
	line = strings.ReplaceAll(line, "\n", " ")
	if strings.Contains(line, "&") {
		line = strings.ReplaceAll(line, "&quot;", `"`)
		line = strings.ReplaceAll(line, "&amp;", "&")
		line = strings.ReplaceAll(line, "&lt;", "<")
		line = strings.ReplaceAll(line, "&gt;", ">")
	}
	line = " " + line + " "
	for _, r := range re13a {
		line = r.re.ReplaceAllString(line, r.repl)
	}
	return PySplit(line)
}

var reNonAlnum = regexp.MustCompile(`[^a-z0-9]+`)

func tokenizeROUGERegexp(text string) []string {
	return strings.Fields(reNonAlnum.ReplaceAllString(pyLower(text), " "))
}

func FuzzTokenize13a(f *testing.F) {
	for _, s := range []string{"Hello, world!", "3.5 million, 1,000; 10-12.", ".5 5. a.b", "&amp;quot; <skipped>-\n", "C++ (x/y) {z}", "naïve “q”\u00a0x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // Python strings are always valid text
		}
		got := Tokenize13a(s)
		for _, tok := range got {
			if tok == "" || strings.IndexFunc(tok, isPySpace) >= 0 {
				t.Fatalf("token %q is empty or holds whitespace", tok)
			}
		}
		if want := tokenize13aRegexp(s); !slices.Equal(got, want) {
			t.Fatalf("Tokenize13a(%q) = %q, regexp reference %q", s, got, want)
		}
	})
}

func FuzzTokenizeROUGE(f *testing.F) {
	for _, s := range []string{"The quick brown fox", "İstanbul \u212a", "e-mail 3.5", "ΑΣ"} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, stem bool) {
		if !utf8.ValidString(s) {
			return
		}
		got := TokenizeROUGE(s, false)
		if want := tokenizeROUGERegexp(s); !slices.Equal(got, want) {
			t.Fatalf("TokenizeROUGE(%q) = %q, regexp reference %q", s, got, want)
		}
		toks := TokenizeROUGE(s, stem)
		for _, tok := range toks {
			if tok == "" || strings.Trim(tok, "abcdefghijklmnopqrstuvwxyz0123456789") != "" {
				t.Fatalf("token %q outside [a-z0-9]+", tok)
			}
		}
		// The batch scorer's ids must tell tokens apart exactly as the
		// strings do.
		rs := newRougeScratch()
		rs.arena = make([]byte, 0, 2*len(s)+8)
		rs.loc.reset(len(s)/2 + 1)
		ids := rs.ids(s, stem, nil)
		if len(ids) != len(toks) {
			t.Fatalf("%q: %d ids for %d tokens", s, len(ids), len(toks))
		}
		for i := range ids {
			for j := range ids {
				if (ids[i] == ids[j]) != (toks[i] == toks[j]) {
					t.Fatalf("%q: ids %v disagree with tokens %q", s, ids, toks)
				}
			}
		}
	})
}

func FuzzStem(f *testing.F) {
	for _, s := range []string{"generalizations", "skies", "yyyy", "ied", "İ", "Σσς"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		_ = Stem(s) // must not panic
	})
}
