package metrics

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The reference libraries are Python; these helpers reproduce the few
// Python string and float semantics that change scores: which characters
// str.split() and str.strip() treat as whitespace, str.lower()'s full case
// mapping, and math.fsum's exactly rounded sum.

// asciiSpace marks the ASCII characters Python's str.isspace() accepts; it
// includes the separators 0x1c–0x1f that Go's unicode.IsSpace does not.
var asciiSpace = [128]bool{
	'\t': true, '\n': true, '\v': true, '\f': true, '\r': true,
	0x1c: true, 0x1d: true, 0x1e: true, 0x1f: true, ' ': true,
}

// isPySpace reports whether Python's str.isspace() is true for r.
func isPySpace(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiSpace[r]
	}
	switch r {
	case 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

// pySpaceAt reports whether s has Python whitespace at byte i, and its width.
func pySpaceAt(s []byte, i int) (bool, int) {
	c := s[i]
	if c < utf8.RuneSelf {
		return asciiSpace[c], 1
	}
	r, w := utf8.DecodeRune(s[i:])
	return isPySpace(r), w
}

// pyFields calls fn with the byte spans of s that Python's str.split()
// (no arguments) returns, in order.
func pyFields(s []byte, fn func(start, end int)) {
	start := -1
	for i := 0; i < len(s); {
		sp, w := pySpaceAt(s, i)
		if sp {
			if start >= 0 {
				fn(start, i)
				start = -1
			}
		} else if start < 0 {
			start = i
		}
		i += w
	}
	if start >= 0 {
		fn(start, len(s))
	}
}

// PySplit splits s the way Python's str.split() with no arguments does.
func PySplit(s string) []string {
	var out []string
	b := []byte(s)
	pyFields(b, func(i, j int) { out = append(out, s[i:j]) })
	return out
}

// pyRstrip is Python's str.rstrip() with no arguments.
func pyRstrip(s string) string {
	for len(s) > 0 {
		r, w := utf8.DecodeLastRuneInString(s)
		if !isPySpace(r) {
			break
		}
		s = s[:len(s)-w]
	}
	return s
}

// pyStrip is Python's str.strip() with no arguments.
func pyStrip(s string) string {
	s = pyRstrip(s)
	for len(s) > 0 {
		r, w := utf8.DecodeRuneInString(s)
		if !isPySpace(r) {
			break
		}
		s = s[w:]
	}
	return s
}

// pyLower is Python's str.lower(): the full Unicode lowercase mapping, in
// which U+0130 becomes "i\u0307" and a capital sigma at the end of a word
// becomes a final sigma.
func pyLower(s string) string {
	ascii := true
	upper := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if 'A' <= c && c <= 'Z' {
			upper = true
		}
	}
	if ascii {
		if !upper {
			return s
		}
		b := []byte(s)
		for i, c := range b {
			if 'A' <= c && c <= 'Z' {
				b[i] = c + 'a' - 'A'
			}
		}
		return string(b)
	}
	rs := []rune(s)
	var sb strings.Builder
	sb.Grow(len(s) + 4)
	for i, r := range rs {
		switch {
		case r == 0x130:
			sb.WriteString("i\u0307")
		case r == 0x3a3:
			sb.WriteRune(sigmaLower(rs, i))
		default:
			sb.WriteRune(unicode.ToLower(r))
		}
	}
	return sb.String()
}

// sigmaLower applies Python's Final_Sigma rule to the capital sigma rs[i].
func sigmaLower(rs []rune, i int) rune {
	j := i - 1
	for j >= 0 && caseIgnorable(rs[j]) {
		j--
	}
	final := j >= 0 && cased(rs[j])
	if final {
		k := i + 1
		for k < len(rs) && caseIgnorable(rs[k]) {
			k++
		}
		final = k == len(rs) || !cased(rs[k])
	}
	if final {
		return 0x3c2
	}
	return 0x3c3
}

func cased(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r) ||
		unicode.Is(unicode.Other_Lowercase, r) || unicode.Is(unicode.Other_Uppercase, r)
}

func caseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', 0xb7, 0x387, 0x55f, 0x5f4, 0x2018, 0x2019, 0x2024, 0x2027,
		0xfe13, 0xfe52, 0xfe55, 0xff07, 0xff0e, 0xff1a:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}

// fsum is Python's math.fsum: the sum of xs, correctly rounded
// (Shewchuk's exact partials with the half-way correction CPython applies).
func fsum(xs []float64) float64 {
	var buf [8]float64
	partials := buf[:0]
	special, inf := 0.0, 0.0
	for _, x := range xs {
		if math.IsInf(x, 0) || math.IsNaN(x) {
			if math.IsInf(x, 0) {
				inf += x // +inf plus -inf gives NaN, as in Python
			}
			special += x
			continue
		}
		i := 0
		for _, y := range partials {
			if math.Abs(x) < math.Abs(y) {
				x, y = y, x
			}
			hi := x + y
			lo := y - (hi - x)
			if lo != 0 {
				partials[i] = lo
				i++
			}
			x = hi
		}
		partials = append(partials[:i], x)
	}
	if special != 0 || math.IsNaN(special) {
		if math.IsNaN(inf) || math.IsNaN(special) {
			return math.NaN()
		}
		return special
	}
	n := len(partials)
	if n == 0 {
		return 0
	}
	n--
	hi := partials[n]
	lo := 0.0
	for n > 0 {
		x := hi
		n--
		y := partials[n]
		hi = x + y
		yr := hi - x
		lo = y - yr
		if lo != 0 {
			break
		}
	}
	if n > 0 && ((lo < 0 && partials[n-1] < 0) || (lo > 0 && partials[n-1] > 0)) {
		y := lo * 2
		x := hi + y
		if yr := x - hi; y == yr {
			hi = x
		}
	}
	return hi
}
