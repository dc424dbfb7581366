package onet

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Method says which rule of the normaliser ladder mapped a text onto an
// occupation. The zero value is MethodNone.
type Method uint8

// The ladder, tried in this order.
const (
	MethodNone       Method = iota // no rule matched
	MethodExact                    // the trimmed text is an O*NET title
	MethodFolded                   // an O*NET title after folding case, spacing, punctuation, markup and plurals
	MethodCode                     // an O*NET-SOC code written in the text
	MethodAlias                    // an O*NET alternate, short or reported title
	MethodClassified               // the classifier's best match above its threshold
	MethodReranked                 // a model's pick among the classifier's candidates
)

var methodNames = [...]string{"none", "exact", "normalised", "code", "alias", "classified", "reranked"}

// String returns "none", "exact", "normalised", "code", "alias",
// "classified" or "reranked", the names prediction records use.
func (m Method) String() string {
	if int(m) < len(methodNames) {
		return methodNames[m]
	}
	return fmt.Sprintf("method(%d)", m)
}

// ParseMethod is the inverse of Method.String; it also accepts "folded" and
// "normalized".
func ParseMethod(s string) (Method, error) {
	switch s {
	case "folded", "normalized":
		return MethodFolded, nil
	}
	for i, n := range methodNames {
		if s == n {
			return Method(i), nil
		}
	}
	return MethodNone, fmt.Errorf("onet: mapping method %q: want one of %s", s, strings.Join(methodNames[:], ", "))
}

// MarshalText writes the method's name.
func (m Method) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText reads a method's name.
func (m *Method) UnmarshalText(b []byte) error {
	v, err := ParseMethod(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Match is the result of mapping free text onto the taxonomy.
type Match struct {
	Code   string  // "" when Method is MethodNone
	Title  string  // the O*NET title of Code
	Method Method  // which rule mapped the text
	Score  float64 // how sure, 0–1 (1 for exact, normalised and code)
}

// OK reports whether the text was mapped onto an occupation.
func (m Match) OK() bool { return m.Method != MethodNone }

// normIndex holds the folded keys of the titles, built on first use.
type normIndex struct {
	title      map[string]int32 // fold(title)
	titleLoose map[string]int32 // singular(fold(title)); ambiguous keys dropped
}

func (t *Taxonomy) normIndex() *normIndex {
	t.normOnce.Do(func() { t.norm = t.buildNormIndex() })
	return t.norm
}

func (t *Taxonomy) buildNormIndex() *normIndex {
	n := len(t.occ)
	x := &normIndex{
		title:      make(map[string]int32, n),
		titleLoose: make(map[string]int32, n),
	}
	var buf, loose []byte
	ambiguous := map[string]bool{}
	for i, o := range t.occ {
		buf = fold(buf[:0], o.Title)
		x.title[string(buf)] = int32(i)
		loose = singular(loose[:0], buf)
		if j, dup := x.titleLoose[string(loose)]; dup && j != int32(i) {
			ambiguous[string(loose)] = true
		}
		x.titleLoose[string(loose)] = int32(i)
	}
	for k := range ambiguous {
		delete(x.titleLoose, k)
	}
	return x
}

// Normalize maps free text — typically a model's answer — onto one
// occupation and records which rule matched. It is Classify's best
// candidate:
//
//  1. exact: the text, trimmed, is an O*NET title;
//  2. normalised: after removing surrounding markup (quotes, **bold**,
//     <answer> tags, a leading "Answer:" or "Occupation:", trailing
//     punctuation) and folding case, spacing, punctuation, "&"/"and",
//     hyphens and slashes, the text — or the text without a trailing
//     parenthetical — is an O*NET title; failing that, it is one once every
//     word is made singular ("Software Developer");
//  3. code: the text contains an O*NET-SOC code of the taxonomy
//     ("15-1252.00"), or a detailed SOC code ("15-1252") whose ".00"
//     occupation exists; the first such code wins;
//  4. alias: a cleaned reading of the text is one of an occupation's
//     reported, alternate or short titles, or a common title of
//     lexicon/common_titles.tsv; a title several occupations share goes to
//     the one whose own title has the text's head noun, then to the more
//     common one (see Classify);
//  5. classified: the classifier's best match, when its score reaches
//     DefaultMinScore;
//  6. none.
func (t *Taxonomy) Normalize(text string) Match {
	c := t.Classify(text, ClassifyOptions{Top: 1})
	if !c.OK() {
		return Match{}
	}
	return Match{Code: c.Code, Title: c.Title, Method: c.Method, Score: c.Score}
}

// foldedTitle finds the O*NET title that text is after removing markup and
// folding (rule 2 of Normalize): as it is, without a trailing
// parenthetical, and with every word made singular.
func (t *Taxonomy) foldedTitle(text string) (int32, bool) {
	x := t.normIndex()
	body := stripMarkup(text)
	var b1, b2 [256]byte
	folded := fold(b1[:0], body)
	if len(folded) == 0 {
		return 0, false
	}
	var b3, b4 [256]byte
	loose := singular(b3[:0], folded)
	// The text without a trailing parenthetical: "Registered Nurse (RN)".
	var bare, looseBare []byte
	if p := trailingParen(body); p >= 0 {
		bare = fold(b2[:0], body[:p])
		looseBare = singular(b4[:0], bare)
	}
	if i, ok := x.title[string(folded)]; ok {
		return i, true
	}
	if i, ok := x.title[string(bare)]; ok && len(bare) > 0 {
		return i, true
	}
	if i, ok := x.titleLoose[string(loose)]; ok {
		return i, true
	}
	i, ok := x.titleLoose[string(looseBare)]
	return i, ok && len(looseBare) > 0
}

// codeInText finds the first O*NET-SOC code ("15-1252.00") or detailed SOC
// code ("15-1252", read as "15-1252.00") in s that names an occupation. A
// code must not touch other digits.
func (t *Taxonomy) codeInText(s string) (int32, bool) {
	var code [10]byte
	for p := 0; p+7 <= len(s); p++ {
		if s[p+2] != '-' || (p > 0 && isDigit(s[p-1])) || !digits(s[p:p+2]) || !digits(s[p+3:p+7]) {
			continue
		}
		copy(code[:7], s[p:p+7])
		rest := s[p+7:]
		switch {
		case len(rest) >= 3 && rest[0] == '.' && digits(rest[1:3]) && (len(rest) == 3 || !isDigit(rest[3])):
			copy(code[7:], rest[:3])
		case len(rest) == 0 || !isDigit(rest[0]) && (rest[0] != '.' || len(rest) == 1 || !isDigit(rest[1])):
			copy(code[7:], ".00")
		default:
			continue
		}
		if i, ok := t.index[string(code[:])]; ok {
			return i, true
		}
	}
	return 0, false
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// trimSpace is strings.TrimSpace; named for symmetry with ByTitle's doc.
func trimSpace(s string) string { return strings.TrimSpace(s) }

// answerLabels are the labels LLM answers put before the occupation, with
// case, spaces and markup removed.
var answerLabels = map[string]bool{
	"answer": true, "finalanswer": true, "theanswer": true,
	"occupation": true, "nextoccupation": true, "predictedoccupation": true,
	"predictednextoccupation": true, "occupationtitle": true, "onettitle": true,
	"title": true, "jobtitle": true, "prediction": true, "predictedtitle": true,
	"nextjob": true, "predictedjob": true, "job": true, "role": true,
}

// stripMarkup removes what LLMs wrap around an answer: surrounding space,
// quotes, backticks, Markdown emphasis, headings and bullets, <answer>-style
// tags, a leading label such as "Answer:", and trailing punctuation.
func stripMarkup(s string) string {
	for {
		prev := s
		s = strings.TrimSpace(s)
		s = trimTags(s)
		s = strings.TrimLeft(s, "#>*_`\"'“”‘’«»-•[ \t")
		s = strings.TrimRight(s, "*_`\"'“”‘’«».,;:!?] \t")
		s = trimListNumber(s)
		if i := strings.IndexByte(s, ':'); i > 0 && i < 40 && isLabel(s[:i]) {
			s = s[i+1:]
		}
		if s == prev {
			return s
		}
	}
}

// trimListNumber removes a list number such as "1. " or "2) ".
func trimListNumber(s string) string {
	i := 0
	for i < len(s) && i < 3 && isDigit(s[i]) {
		i++
	}
	if i > 0 && i+1 < len(s) && (s[i] == '.' || s[i] == ')') && s[i+1] == ' ' {
		return s[i+2:]
	}
	return s
}

func isLabel(s string) bool {
	var b [40]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z':
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case c == ' ' || c == '*' || c == '_' || c == '-' || c == '#':
			continue
		default:
			return false
		}
		b[n] = c
		n++
	}
	return answerLabels[string(b[:n])]
}

// trimTags removes one leading and one trailing XML-like tag ("<answer>",
// "</answer>").
func trimTags(s string) string {
	if strings.HasPrefix(s, "<") {
		if i := strings.IndexByte(s, '>'); i > 0 && isTagName(s[1:i]) {
			s = s[i+1:]
		}
	}
	if strings.HasSuffix(s, ">") {
		if i := strings.LastIndexByte(s, '<'); i >= 0 && isTagName(s[i+1:len(s)-1]) {
			s = s[:i]
		}
	}
	return s
}

func isTagName(s string) bool {
	s = strings.TrimPrefix(s, "/")
	if s == "" || len(s) > 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == '-' || isDigit(c)) {
			return false
		}
	}
	return true
}

// trailingParen returns where a final "( … )" group of s starts (with the
// space before it), or -1.
func trailingParen(s string) int {
	if !strings.HasSuffix(s, ")") {
		return -1
	}
	i := strings.LastIndexByte(s, '(')
	if i <= 0 {
		return -1
	}
	return i
}

// fold appends to dst the folded form of s: lower case, letters and digits
// only, words separated by single spaces; apostrophes vanish ("Sheriff's" →
// "sheriffs") and "&" reads as "and". Everything else — punctuation, hyphens,
// slashes, quotes, brackets, Markdown — separates words.
func fold(dst []byte, s string) []byte {
	start := len(dst)
	gap := false // a separator is pending
	for i := 0; i < len(s); {
		c := s[i]
		var r rune
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			case c == '\'':
				continue
			case c == '&':
				if len(dst) > start {
					dst = append(dst, ' ')
				}
				dst = append(dst, "and"...)
				gap = true
				continue
			default:
				gap = true
				continue
			}
			if gap && len(dst) > start {
				dst = append(dst, ' ')
			}
			gap = false
			dst = append(dst, c)
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == '\u2019' || r == '\u2018' || r == '\u02bc':
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
		default:
			gap = true
			continue
		}
		if gap && len(dst) > start {
			dst = append(dst, ' ')
		}
		gap = false
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
	}
	return dst
}

// singular appends to dst the folded text s with every word made singular by
// a few English rules ("secretaries" → "secretary", "coaches" → "coach",
// "salesmen" → "salesman", "developers" → "developer"). It is applied to both
// sides of a comparison, so its stems need not be words.
func singular(dst, s []byte) []byte {
	for len(s) > 0 {
		w, rest, more := bytes.Cut(s, []byte{' '})
		dst = appendSingular(dst, w)
		if more {
			dst = append(dst, ' ')
		}
		s = rest
	}
	return dst
}

func appendSingular(dst, w []byte) []byte {
	n := len(w)
	switch {
	case n <= 3:
	case bytes.HasSuffix(w, []byte("people")):
		return append(append(dst, w[:n-6]...), "person"...)
	case bytes.HasSuffix(w, []byte("ies")) && n > 4:
		return append(append(dst, w[:n-3]...), 'y')
	case bytes.HasSuffix(w, []byte("sses")), bytes.HasSuffix(w, []byte("ches")),
		bytes.HasSuffix(w, []byte("shes")), bytes.HasSuffix(w, []byte("xes")):
		return append(dst, w[:n-2]...)
	case bytes.HasSuffix(w, []byte("ss")), bytes.HasSuffix(w, []byte("us")), bytes.HasSuffix(w, []byte("is")):
	case bytes.HasSuffix(w, []byte("men")):
		return append(append(dst, w[:n-3]...), "man"...)
	case w[n-1] == 's':
		return append(dst, w[:n-1]...)
	}
	return append(dst, w...)
}
