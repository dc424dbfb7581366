package metrics

import "unicode/utf8"

// The Porter stemmer in NLTK's default mode (PorterStemmer.NLTK_EXTENSIONS),
// written from the algorithm as nltk/stem/porter.py describes it: Porter's
// 1980 rules, Martin Porter's later amendments, and NLTK's own extensions
// (an irregular-forms pool, "ies"/"ied" handling for four-letter words,
// y→i only after a consonant, "alli" tried first in step 2, a two-letter
// *o condition, "fulli" and "logi" rules). rouge-score stems with exactly
// this stemmer. Words are handled as code points, as Python does.

// porterPool is NLTK's table of irregular forms, mapping form to stem.
var porterPool = map[string]string{
	"sky": "sky", "skies": "sky",
	"dying": "die", "lying": "lie", "tying": "tie",
	"news":    "news",
	"innings": "inning", "inning": "inning",
	"outings": "outing", "outing": "outing",
	"cannings": "canning", "canning": "canning",
	"howe":    "howe",
	"proceed": "proceed", "exceed": "exceed", "succeed": "succeed",
}

// Stem returns NLTK's PorterStemmer().stem(word): the word lowercased and
// stemmed.
func Stem(word string) string {
	lower := pyLower(word)
	if s, ok := porterPool[word]; ok { // NLTK looks up the word as given
		return s
	}
	if utf8.RuneCountInString(word) <= 2 {
		return lower
	}
	w := []rune(lower)
	w = step1a(w)
	w = step1b(w)
	w = step1c(w)
	w = step2(w)
	w = step3(w)
	w = step4(w)
	w = step5a(w)
	w = step5b(w)
	return string(w)
}

func isVowelLetter(r rune) bool { return r == 'a' || r == 'e' || r == 'i' || r == 'o' || r == 'u' }

// consonant reports whether w[i] is a consonant: not a vowel, and not a y
// that follows a consonant.
func consonant(w []rune, i int) bool {
	if isVowelLetter(w[i]) {
		return false
	}
	if w[i] != 'y' {
		return true
	}
	// A run of y's alternates; walk back to the first non-y.
	c := true
	j := i
	for j > 0 && w[j] == 'y' {
		j--
	}
	if w[j] == 'y' { // j == 0
		c = true
	} else {
		c = consonant(w, j)
	}
	for k := j + 1; k <= i; k++ {
		c = !c
	}
	return c
}

// measure is m in [C](VC){m}[V]: the number of vowel-consonant transitions.
func measure(w []rune) int {
	m := 0
	prevVowel := false
	for i := range w {
		c := consonant(w, i)
		if c && prevVowel {
			m++
		}
		prevVowel = !c
	}
	return m
}

func containsVowel(w []rune) bool {
	for i := range w {
		if !consonant(w, i) {
			return true
		}
	}
	return false
}

// endsDoubleConsonant is condition *d.
func endsDoubleConsonant(w []rune) bool {
	n := len(w)
	return n >= 2 && w[n-1] == w[n-2] && consonant(w, n-1)
}

// endsCVC is condition *o, with NLTK's extension to two-letter stems.
func endsCVC(w []rune) bool {
	n := len(w)
	if n >= 3 && consonant(w, n-3) && !consonant(w, n-2) && consonant(w, n-1) &&
		w[n-1] != 'w' && w[n-1] != 'x' && w[n-1] != 'y' {
		return true
	}
	return n == 2 && !consonant(w, 0) && consonant(w, 1)
}

func hasSuffix(w []rune, suf string) bool {
	n := utf8.RuneCountInString(suf)
	if n > len(w) {
		return false
	}
	i := len(w) - n
	for _, r := range suf {
		if w[i] != r {
			return false
		}
		i++
	}
	return true
}

func withSuffix(stem []rune, rep string) []rune {
	out := make([]rune, len(stem), len(stem)+len(rep))
	copy(out, stem)
	return append(out, []rune(rep)...)
}

// porterRule is one row of a rule list: the suffix, its replacement and the
// condition on the stem (nil: unconditional). The suffix "*d" stands for a
// double consonant.
type porterRule struct {
	suffix, rep string
	cond        func(stem []rune) bool
}

// applyRules applies the first rule whose suffix matches; if its condition
// fails, no later rule is tried.
func applyRules(w []rune, rules []porterRule) []rune {
	for _, r := range rules {
		if r.suffix == "*d" && endsDoubleConsonant(w) {
			stem := w[:len(w)-2]
			if r.cond == nil || r.cond(stem) {
				return withSuffix(stem, r.rep)
			}
			return w
		}
		if hasSuffix(w, r.suffix) {
			stem := w[:len(w)-utf8.RuneCountInString(r.suffix)]
			if r.cond == nil || r.cond(stem) {
				return withSuffix(stem, r.rep)
			}
			return w
		}
	}
	return w
}

func mGT0(stem []rune) bool { return measure(stem) > 0 }
func mGT1(stem []rune) bool { return measure(stem) > 1 }

var step1aRules = []porterRule{
	{"sses", "ss", nil},
	{"ies", "i", nil},
	{"ss", "ss", nil},
	{"s", "", nil},
}

func step1a(w []rune) []rune {
	if hasSuffix(w, "ies") && len(w) == 4 { // NLTK: dies -> die, flies -> fli
		return withSuffix(w[:1], "ie")
	}
	return applyRules(w, step1aRules)
}

func step1b(w []rune) []rune {
	if hasSuffix(w, "ied") { // NLTK: died -> die, spied -> spi
		if len(w) == 4 {
			return withSuffix(w[:1], "ie")
		}
		return withSuffix(w[:len(w)-3], "i")
	}
	if hasSuffix(w, "eed") {
		stem := w[:len(w)-3]
		if measure(stem) > 0 {
			return withSuffix(stem, "ee")
		}
		return w
	}
	var inter []rune
	ok := false
	for _, suf := range []string{"ed", "ing"} {
		if hasSuffix(w, suf) {
			inter = w[:len(w)-len(suf)]
			if containsVowel(inter) {
				ok = true
				break
			}
		}
	}
	if !ok {
		return w
	}
	last := inter[len(inter)-1]
	return applyRules(inter, []porterRule{
		{"at", "ate", nil},
		{"bl", "ble", nil},
		{"iz", "ize", nil},
		{"*d", string(last), func([]rune) bool { return last != 'l' && last != 's' && last != 'z' }},
		{"", "e", func(stem []rune) bool { return measure(stem) == 1 && endsCVC(stem) }},
	})
}

var step1cRules = []porterRule{
	// NLTK: y -> i only after a consonant that is not the whole stem.
	{"y", "i", func(stem []rune) bool { return len(stem) > 1 && consonant(stem, len(stem)-1) }},
}

func step1c(w []rune) []rune { return applyRules(w, step1cRules) }

var step2Rules = []porterRule{
	{"ational", "ate", mGT0},
	{"tional", "tion", mGT0},
	{"enci", "ence", mGT0},
	{"anci", "ance", mGT0},
	{"izer", "ize", mGT0},
	{"bli", "ble", mGT0},
	{"alli", "al", mGT0},
	{"entli", "ent", mGT0},
	{"eli", "e", mGT0},
	{"ousli", "ous", mGT0},
	{"ization", "ize", mGT0},
	{"ation", "ate", mGT0},
	{"ator", "ate", mGT0},
	{"alism", "al", mGT0},
	{"iveness", "ive", mGT0},
	{"fulness", "ful", mGT0},
	{"ousness", "ous", mGT0},
	{"aliti", "al", mGT0},
	{"iviti", "ive", mGT0},
	{"biliti", "ble", mGT0},
	{"fulli", "ful", mGT0},
	// The measure of "logi" counts its "l" with the stem, so that short
	// stems such as geo- and theo- qualify.
	{"logi", "log", func(stem []rune) bool { return measure(withSuffix(stem, "l")) > 0 }},
}

func step2(w []rune) []rune {
	if hasSuffix(w, "alli") && measure(w[:len(w)-4]) > 0 {
		return step2(withSuffix(w[:len(w)-4], "al"))
	}
	return applyRules(w, step2Rules)
}

var step3Rules = []porterRule{
	{"icate", "ic", mGT0},
	{"ative", "", mGT0},
	{"alize", "al", mGT0},
	{"iciti", "ic", mGT0},
	{"ical", "ic", mGT0},
	{"ful", "", mGT0},
	{"ness", "", mGT0},
}

func step3(w []rune) []rune { return applyRules(w, step3Rules) }

var step4Rules = []porterRule{
	{"al", "", mGT1},
	{"ance", "", mGT1},
	{"ence", "", mGT1},
	{"er", "", mGT1},
	{"ic", "", mGT1},
	{"able", "", mGT1},
	{"ible", "", mGT1},
	{"ant", "", mGT1},
	{"ement", "", mGT1},
	{"ment", "", mGT1},
	{"ent", "", mGT1},
	{"ion", "", func(stem []rune) bool {
		return measure(stem) > 1 && (stem[len(stem)-1] == 's' || stem[len(stem)-1] == 't')
	}},
	{"ou", "", mGT1},
	{"ism", "", mGT1},
	{"ate", "", mGT1},
	{"iti", "", mGT1},
	{"ous", "", mGT1},
	{"ive", "", mGT1},
	{"ize", "", mGT1},
}

func step4(w []rune) []rune { return applyRules(w, step4Rules) }

// step5a tries both of its rules, unlike a rule list.
func step5a(w []rune) []rune {
	if hasSuffix(w, "e") {
		stem := w[:len(w)-1]
		m := measure(stem)
		if m > 1 || (m == 1 && !endsCVC(stem)) {
			return stem
		}
	}
	return w
}

func step5b(w []rune) []rune {
	if hasSuffix(w, "ll") && measure(w[:len(w)-1]) > 1 {
		return w[:len(w)-1]
	}
	return w
}
