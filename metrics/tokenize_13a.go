package metrics

import (
	"bytes"
	"strings"
)

// The 13a tokenizer of sacrebleu 2.x (mteval-v13a.pl's language-independent
// part), reproduced without regular expressions. sacrebleu runs four regex
// substitutions in order over " "+line+" ", then collapses whitespace with
// Python's str.split(); each substitution is a left-to-right,
// non-overlapping scan, so a byte loop that consumes a match and resumes
// after it gives the same string. Every pattern's significant characters
// are ASCII, which makes scanning bytes equivalent to scanning code points.

// punct13a marks the characters of sacrebleu's first pattern
// [\{-\~\[-\` -\&\(-\+\:-\@\/], which are split off on both sides.
var punct13a = func() (t [256]bool) {
	for _, r := range [][2]byte{{'{', '~'}, {'[', '`'}, {' ', '&'}, {'(', '+'}, {':', '@'}, {'/', '/'}} {
		for c := int(r[0]); c <= int(r[1]); c++ {
			t[c] = true
		}
	}
	return t
}()

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// tok13a holds the two buffers the passes alternate between, so a worker
// tokenizes without allocating.
type tok13a struct{ a, b []byte }

// spaced returns line tokenized by 13a with tokens separated by whitespace
// (not yet collapsed); the result aliases the tokenizer's buffers.
func (t *tok13a) spaced(line string) []byte {
	// Language-independent part, in sacrebleu's order.
	if strings.IndexByte(line, '<') >= 0 {
		line = strings.ReplaceAll(line, "<skipped>", "")
	}
	if strings.IndexByte(line, '\n') >= 0 {
		line = strings.ReplaceAll(line, "-\n", "")
		line = strings.ReplaceAll(line, "\n", " ")
	}
	if strings.IndexByte(line, '&') >= 0 {
		line = strings.ReplaceAll(line, "&quot;", `"`)
		line = strings.ReplaceAll(line, "&amp;", "&")
		line = strings.ReplaceAll(line, "&lt;", "<")
		line = strings.ReplaceAll(line, "&gt;", ">")
	}

	// Pass 1: pad the punctuation class with spaces. The surrounding spaces
	// matter: they give a leading "." a non-digit to its left. Text between
	// triggers is copied in chunks; most bytes are letters no pass touches.
	a := append(t.a[:0], ' ')
	last := 0
	for i := 0; i < len(line); i++ {
		if c := line[i]; punct13a[c] {
			a = append(a, line[last:i]...)
			a = append(a, ' ', c, ' ')
			last = i + 1
		}
	}
	a = append(a, line[last:]...)
	a = append(a, ' ')
	b := t.b[:0]

	if bytes.IndexByte(a, '.') >= 0 || bytes.IndexByte(a, ',') >= 0 {
		// Pass 2: ([^0-9])([\.,]) -> "\1 \2 ". A match ends at its [.,], so
		// only a [.,] consumed as the previous match's end blocks the next.
		last, consumed := 0, 0
		for k := 1; k < len(a); k++ {
			c := a[k]
			if (c == '.' || c == ',') && k-1 >= consumed && !isDigit(a[k-1]) {
				b = append(b, a[last:k]...)
				b = append(b, ' ', c, ' ')
				last, consumed = k+1, k+1
			}
		}
		b = append(b, a[last:]...)

		// Pass 3: ([\.,])([^0-9]) -> " \1 \2", consuming the character after.
		a = a[:0]
		last, consumed = 0, 0
		for k := 0; k+1 < len(b); k++ {
			c := b[k]
			if (c == '.' || c == ',') && k >= consumed && !isDigit(b[k+1]) {
				a = append(a, b[last:k]...)
				a = append(a, ' ', c, ' ', b[k+1])
				last, consumed = k+2, k+2
			}
		}
		a = append(a, b[last:]...)
	}

	if bytes.IndexByte(a, '-') >= 0 {
		// Pass 4: ([0-9])(-) -> "\1 \2 ". A digit is never a match's end, so
		// every "-" after a digit matches.
		b = b[:0]
		last := 0
		for k := 1; k < len(a); k++ {
			if a[k] == '-' && isDigit(a[k-1]) {
				b = append(b, a[last:k]...)
				b = append(b, ' ', '-', ' ')
				last = k + 1
			}
		}
		b = append(b, a[last:]...)
		t.a, t.b = a, b
		return b
	}
	t.a, t.b = a, b
	return a
}

// Tokenize13a returns the tokens sacrebleu's 13a tokenizer produces for
// line. It does not strip or lowercase; see SacreBLEUOptions.Tokens for the
// whole preprocessing sacrebleu applies to a segment.
func Tokenize13a(line string) []string {
	var t tok13a
	b := t.spaced(line)
	var out []string
	pyFields(b, func(i, j int) { out = append(out, string(b[i:j])) })
	return out
}
