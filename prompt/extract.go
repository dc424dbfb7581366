package prompt

import (
	"iter"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// found is an answer found in a text: the span to map onto O*NET and where
// the sentence, line or list that holds it lies (text[lo:hi]), which the
// reasoning leaves out.
type found struct {
	span   string
	how    string
	lo, hi int
}

// extract finds the answer in s, model text outside <think> and <answer>
// tags, by the first rule that applies (see ParseOutput). ok is false when s
// has no non-empty line. A labelled line decides even when its value is
// empty: the model wrote a label and nothing after it.
func extract(s string) (f found, ok bool) {
	if f, ok := byLabel(s); ok {
		return f, true
	}
	for _, rule := range [...]func(string) (found, bool){byCue, byList, byBold, byWeakCue, byCodeLine, byLine} {
		if f, ok := rule(s); ok && f.span != "" {
			return f, true
		}
	}
	return found{}, false
}

// labelLine matches a labelled answer line ("Final answer: X", "**Prediction
// -** X", "### Predicted next occupation"); group 1 is the value, empty when
// the label stands alone (a heading) and the value is on the next line.
var labelLine = regexp.MustCompile(`(?i)^[ \t*_#>-]*(?:(?:my|the|our|final|predicted|most[ \t]+likely|most[ \t]+probable|likely|next)[ \t]+)*(?:answer|(?:occupation[ \t]+)?prediction|predicted|occupation|job[ \t]+title|(?:next|predicted)[ \t]+(?:job|role|position))[ \t*_]*(?:(?:[:：→]|[ \t](?:->|=>|[-–—]))[ \t*_]*([^\n]*?)[ \t*_]*|[ \t*_#]*)$`)

// labelWords are the words one of which every label holds; lines without
// them are not tried.
var labelWords = []string{"answer", "predict", "occupation", "job", "next"}

// byLabel reads the last labelled line. A value that is a sentence gives
// the phrase after its cue ("Answer: They will become a Nurse.").
func byLabel(s string) (found, bool) {
	lower := asciiLower(s)
	for lo, hi := range linesBackward(s) {
		if !containsAny(lower[lo:hi], labelWords) {
			continue
		}
		m := labelLine.FindStringSubmatchIndex(s[lo:hi])
		if m == nil {
			continue
		}
		f := found{how: ParseAnswerLine, lo: lo, hi: hi}
		v := ""
		if m[2] >= 0 {
			v = s[lo+m[2] : lo+m[3]]
		}
		if strings.TrimSpace(v) == "" {
			if l, h, ok := nextLine(s, hi); ok {
				v, f.hi = stripListMarker(s[l:h]), h
			}
		}
		f.span = phrase(v)
		return f, true
	}
	return found{}, false
}

// phrase reads the occupation out of v, a label's value or a list item:
// the phrase after a cue if v is a sentence that has one ("Answer: they
// will be a Nurse"), else v narrowed.
func phrase(v string) string {
	if c, ok := lastCue(v, 0, strongCues); ok {
		return c.span
	}
	if c, ok := lastCue(v, 0, weakCues); ok {
		return c.span
	}
	return narrow(v)
}

// byCue takes the noun phrase after the last strong cue that has one.
func byCue(s string) (found, bool) {
	return lastCue(s, 0, strongCues)
}

// byWeakCue is byCue for the weak cues of the final paragraph.
func byWeakCue(s string) (found, bool) {
	return lastCue(s, finalParagraph(s), weakCues)
}

// maxPhrase bounds the text read after a cue: no occupation's name with
// its code and markup is longer, and the bound keeps a line of a thousand
// cues linear.
const maxPhrase = 240

// lastCue takes the phrase after the last of cues in s[from:] that has one.
func lastCue(s string, from int, cues []cue) (found, bool) {
	for _, c := range findCues(s, from, cues) {
		lineEnd := c.end + lineEndAt(s[c.end:min(len(s), c.end+maxPhrase)], 0)
		v, below := s[c.end:lineEnd], -1
		if strings.TrimSpace(trimLead(v)) == "" {
			// "The next occupation is:" with the answer below.
			lo, hi, ok := nextLine(s, lineEnd)
			if !ok {
				continue
			}
			v, below = stripListMarker(s[lo:min(hi, lo+maxPhrase)]), hi
		}
		if span := narrow(v); span != "" {
			hi := below
			if hi < 0 {
				hi = sentenceEnd(s, c.end)
			}
			return found{span: span, how: ParseCue, lo: sentenceStart(s, c.at), hi: hi}, true
		}
	}
	return found{}, false
}

// boldSpan matches **bold** or __bold__ within a line.
var boldSpan = regexp.MustCompile(`\*\*([^*\n]+)\*\*|__([^_\n]+)__`)

// byBold takes the last bold span of the final paragraph that is not a
// label or heading ("**Reasoning:**").
func byBold(s string) (found, bool) {
	from := finalParagraph(s)
	if !strings.Contains(s[from:], "**") && !strings.Contains(s[from:], "__") {
		return found{}, false
	}
	m := boldSpan.FindAllStringSubmatchIndex(s[from:], -1)
	for i := len(m) - 1; i >= 0; i-- {
		lo, hi := m[i][2], m[i][3]
		if lo < 0 {
			lo, hi = m[i][4], m[i][5]
		}
		lo, hi = from+lo, from+hi
		end := from + m[i][1]
		if strings.HasSuffix(strings.TrimSpace(s[lo:hi]), ":") || strings.HasPrefix(s[end:], ":") {
			continue
		}
		if n := codeParenAfter(s[end:]); n > 0 {
			hi = end + n // "**Registered Nurses** (29-1141.00)"
		}
		if span := trimTrail(trimLead(s[lo:hi])); span != "" {
			return found{span: span, how: ParseBold, lo: sentenceStart(s, lo), hi: sentenceEnd(s, hi)}, true
		}
	}
	return found{}, false
}

// listItem matches the marker of a list item: "1.", "2)", "-", "*", "•",
// "Rank 1:", "Option 2 -", possibly in bold.
var listItem = regexp.MustCompile(`(?i)^[ \t]*(?:\*\*|__)?(?:[-*•+]|#?\d{1,2}[.):]|(?:rank|option|choice|candidate)[ \t]*#?\d+[ \t]*[:.)-]?)(?:\*\*|__)?[ \t]+`)

// byList takes the first item of a list that ends the text: candidates
// ranked best first. Indented lines under an item belong to it.
func byList(s string) (found, bool) {
	end := contentEnd(s)
	first := -1
	for lo, hi := range linesBackward(s[:end]) {
		line := s[lo:hi]
		if listItem.MatchString(line) {
			first = lo
		} else if strings.TrimSpace(line) != "" && line[0] != ' ' && line[0] != '\t' {
			break // prose ends the list
		}
	}
	if first < 0 {
		return found{}, false
	}
	item := stripListMarker(s[first:lineEndAt(s, first)])
	return found{span: phrase(item), how: ParseList, lo: first, hi: end}, true
}

// codeLine matches a line that holds only an O*NET-SOC code, perhaps
// labelled "SOC code:"; group 1 is the code.
var codeLine = regexp.MustCompile(`(?i)^[ \t*_>#-]*(?:(?:o\*?net(?:-soc)?|soc)[ \t]+)?(?:code[ \t*_]*[:：-]?[ \t*_]*)?\(?(\d{2}-\d{4}(?:\.\d{2})?)\)?[ \t*_.]*$`)

// byCodeLine takes the last line that is a bare code.
func byCodeLine(s string) (found, bool) {
	for lo, hi := range linesBackward(s) {
		if hi-lo > 40 || !strings.Contains(s[lo:hi], "-") {
			continue // longer than any code line
		}
		if m := codeLine.FindStringSubmatchIndex(s[lo:hi]); m != nil {
			return found{span: s[lo+m[2] : lo+m[3]], how: ParseCodeLine, lo: lo, hi: hi}, true
		}
	}
	return found{}, false
}

// byLine is the fallback: the last non-empty line, passing over closing
// pleasantries. When that line is a sentence and the first line looks like a
// title, the model answered first and explained after, so the first line is
// the answer.
func byLine(s string) (found, bool) {
	end := contentEnd(s)
	if end == 0 {
		// Only pleasantries: the last line, as in parser v1.
		end = len(strings.TrimRight(s, " \t\n"))
	}
	lo := lineStartAt(s, end)
	last := strings.TrimSpace(s[lo:end])
	if last == "" {
		return found{}, false
	}
	if isSentence(last) {
		flo, fhi, ok := nextLine(s, 0)
		if ok && flo < lo {
			if first := s[flo:fhi]; looksLikeTitle(first) {
				return found{span: narrow(stripListMarker(first)), how: ParseFirstLine, lo: flo, hi: fhi}, true
			}
		}
	}
	return found{span: last, how: ParseLastLine, lo: lo, hi: end}, true
}

// pleasantry matches closing lines that are not answers.
var pleasantry = regexp.MustCompile(`(?i)^[\W_]*(?:(?:please\s+)?let\s+me\s+know|(?:i\s+)?hope\s+(?:this|that|it)\s+helps|feel\s+free|happy\s+to\s+help|(?:good|best\s+of)\s+luck|if\s+you\s+(?:have|need|would|want|'d)|would\s+you\s+like|thanks|thank\s+you|cheers)\b`)

// contentEnd is where s ends once trailing blank lines and pleasantries are
// dropped.
func contentEnd(s string) int {
	end := len(strings.TrimRight(s, " \t\n"))
	for end > 0 {
		lo := lineStartAt(s, end)
		if !pleasantry.MatchString(s[lo:end]) {
			break
		}
		end = len(strings.TrimRight(s[:lo], " \t\n"))
	}
	return end
}

// finalParagraph is where the last paragraph of s begins, pleasantries left
// out.
func finalParagraph(s string) int {
	end := contentEnd(s)
	for lo := lineStartAt(s, end); lo > 0; {
		prev := lineStartAt(s, lo-1)
		if strings.TrimSpace(s[prev:lo]) == "" {
			return lo
		}
		lo = prev
	}
	return 0
}

// narrow reduces v, the text after a cue or label up to the end of its line,
// to the noun phrase that names the occupation: leading articles and
// adverbs go, the phrase ends at a clause boundary (clauseEnd), trailing
// punctuation and fillers ("role") go, and a bold span inside wins.
func narrow(v string) string {
	v = trimLead(v)
	if w := firstWord(v); clauseWords[w] || pronouns[strings.ToLower(w)] {
		return "" // "to get licensed", "in healthcare", "they stay": no noun phrase
	}
	return trimTrail(preferBold(v[:clauseEnd(v)]))
}

// preferBold returns the bold span inside v when v says more than it
// ("a career as a **Registered Nurse**"), but keeps a code written beside
// it.
func preferBold(v string) string {
	m := boldSpan.FindStringSubmatchIndex(v)
	if m == nil {
		return v
	}
	lo, hi := m[2], m[3]
	if lo < 0 {
		lo, hi = m[4], m[5]
	}
	outside := strings.Trim(v[:m[0]]+v[m[1]:], " \t*_.,;:!?")
	if outside != "" && codeParenAfter(" "+outside) == len(outside)+1 {
		return v
	}
	return v[lo:hi]
}

// leadWords are words that come between a cue and the occupation.
var leadWords = []string{
	"one of the following", "one of", "that of",
	"most likely", "expected to be", "likely to be", "going to be", "to be",
	"to become", "becoming", "become",
	"the role of", "role of", "role as", "position of", "position as", "job as", "career as",
	"a", "an", "the", "their", "his", "her", "its",
	"likely", "probably", "possibly", "perhaps", "be", "as",
}

// trimLead drops space, markup, separators and leadWords from the start
// of v.
func trimLead(v string) string {
	for {
		w := strings.TrimLeft(v, " \t:-–—*_`\"'“‘«")
		for _, lw := range leadWords {
			if hasWordPrefixFold(w, lw) {
				w = w[len(lw):]
				break
			}
		}
		if w == v {
			return v
		}
		v = w
	}
}

// tailWords are fillers that end a phrase without naming anything
// ("a Registered Nurse role") and connectors left dangling by a cut.
var tailWords = []string{"roles", "role", "positions", "position", "job", "and", "or", "of"}

// trimTrail drops space, markup, punctuation and tailWords from the end
// of v.
func trimTrail(v string) string {
	for {
		w := strings.TrimRight(v, " \t.,;:!?*_`\"'”’»")
		for _, tw := range tailWords {
			if n := len(w) - len(tw); n > 0 && w[n-1] == ' ' && strings.EqualFold(w[n:], tw) {
				w = w[:n]
				break
			}
		}
		if w == v {
			return strings.TrimSpace(strings.TrimLeft(v, "*_`\"'“‘«"))
		}
		v = w
	}
}

// clauseWords end a noun phrase when they follow it in lower case; O*NET
// titles never hold them so.
var clauseWords = map[string]bool{
	"because": true, "since": true, "given": true, "due": true, "which": true, "where": true,
	"who": true, "whose": true, "while": true, "whereas": true, "although": true, "though": true,
	"based": true, "considering": true, "with": true, "after": true, "following": true,
	"at": true, "in": true, "within": true, "for": true, "from": true, "by": true, "on": true,
	"to": true, "than": true, "if": true, "when": true, "so": true, "but": true, "then": true,
	"is": true, "are": true, "was": true, "were": true, "would": true, "will": true,
	"could": true, "should": true, "might": true, "may": true, "seems": true, "fits": true,
	"as": true, "that": true, "this": true, "leveraging": true, "building": true,
	"next": true, "soon": true, "eventually": true, "now": true, "again": true, "later": true,
}

// pronouns start a clause, not the name of an occupation.
var pronouns = map[string]bool{"they": true, "he": true, "she": true, "it": true, "we": true, "i": true, "you": true}

// clauseEnd returns where the noun phrase that starts v ends: at a line
// end; a sentence end; ";"; ": "; a dash between spaces or an em or en
// dash; "(" unless the parentheses hold a code; a comma before a lower-case
// word; a lower-case clause word; or, in a phrase written in title case,
// "and"/"or" before a lower-case word ("a Registered Nurse and continue").
// Bold spans are read whole.
func clauseEnd(v string) int {
	titleCase := startsUpper(v)
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '\n', ';', '!', '?':
			return i
		case '.':
			if i+1 == len(v) || !isDigitByte(v[i+1]) {
				return i
			}
		case ':':
			if i+1 == len(v) || v[i+1] == ' ' {
				return i
			}
		case ',':
			// ", and Tenders" goes on a title; ", and this fits" ends it.
			rest := strings.TrimLeft(v[i+1:], " ")
			if w := firstWord(rest); (w == "and" || w == "or") && startsUpper(rest[len(w):]) {
				continue
			}
			if startsLower(rest) {
				return i
			}
		case '(':
			n := codeParenAfter(v[i:])
			if n == 0 {
				return i
			}
			i += n - 1
		case '*', '_':
			if strings.HasPrefix(v[i:], "**") || strings.HasPrefix(v[i:], "__") {
				if j := strings.Index(v[i+2:], v[i:i+2]); j >= 0 {
					i += j + 3
				}
			}
		case 0xE2: // "—" and "–" start with this byte
			if strings.HasPrefix(v[i:], "—") || strings.HasPrefix(v[i:], "–") {
				return i
			}
		case ' ':
			rest := v[i+1:]
			if strings.HasPrefix(rest, "- ") {
				return i
			}
			w := firstWord(rest)
			if clauseWords[w] && !(w == "as" && titleAfterAs(rest)) {
				return i
			}
			if titleCase && (w == "and" || w == "or") && startsLower(strings.TrimLeft(rest[len(w):], " ")) {
				return i
			}
		}
	}
	return len(v)
}

// titleAfterAs reports "as a Second Language", the one O*NET title with a
// lower-case "as" in it, where "as" does not start a clause.
func titleAfterAs(rest string) bool {
	return strings.HasPrefix(rest, "as a ") && startsUpper(rest[len("as a "):])
}

// codeSOC matches an O*NET-SOC or SOC code.
var codeSOC = regexp.MustCompile(`\b\d{2}-\d{4}(?:\.\d{2})?\b`)

// codeParenAfter returns the length of a "(…)" group that opens s, after
// optional spaces, when it holds a code, else 0.
func codeParenAfter(s string) int {
	t := strings.TrimLeft(s, " ")
	if !strings.HasPrefix(t, "(") {
		return 0
	}
	j := strings.IndexAny(t[:min(len(t), 40)], ")\n") // "(O*NET-SOC 29-1141.00)" at most
	if j < 0 || t[j] != ')' || !codeSOC.MatchString(t[:j]) {
		return 0
	}
	return len(s) - len(t) + j + 1
}

// stripListMarker drops a list marker ("1.", "-", "Rank 1:") from a line.
func stripListMarker(line string) string {
	if m := listItem.FindStringIndex(line); m != nil {
		return line[m[1]:]
	}
	return line
}

// opener matches first lines that start a reply rather than answer it.
var opener = regexp.MustCompile(`(?i)^(?:sure|certainly|okay|ok|of course|absolutely|alright|great|yes|no|hello|hi)\b`)

// looksLikeTitle reports a line that could be an occupation on its own: a
// few words, not a heading, a label, a question or an opener, and ending
// with a full stop only when short ("Registered Nurses.").
func looksLikeTitle(line string) bool {
	t := strings.Trim(stripListMarker(line), " \t*_`\"'")
	if t == "" || strings.HasPrefix(t, "#") || strings.ContainsAny(t[len(t)-1:], "!?:") || opener.MatchString(t) {
		return false
	}
	words := len(strings.Fields(t))
	if strings.HasSuffix(t, ".") && words > 6 {
		return false
	}
	r, _ := utf8.DecodeRuneInString(t)
	return (unicode.IsLetter(r) || unicode.IsDigit(r)) && words <= 12
}

// isSentence reports a line that reads as prose rather than a title.
func isSentence(line string) bool {
	t := strings.TrimRight(line, " \t*_`\"'”’")
	return t != "" && strings.ContainsAny(t[len(t)-1:], ".!?") && len(strings.Fields(t)) >= 4
}

// linesBackward yields the bounds of the lines of s, the last first.
func linesBackward(s string) iter.Seq2[int, int] {
	return func(yield func(lo, hi int) bool) {
		for hi := len(s); hi >= 0; {
			lo := lineStartAt(s, hi)
			if !yield(lo, hi) {
				return
			}
			hi = lo - 1
		}
	}
}

// containsAny reports whether s holds one of subs.
func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// nextLine returns the bounds of the first line at or after i that holds
// a letter or digit, passing over blank lines and rules ("-----").
func nextLine(s string, i int) (lo, hi int, ok bool) {
	for i < len(s) {
		hi = lineEndAt(s, i)
		if strings.IndexFunc(s[i:hi], isAlnum) >= 0 {
			return i, hi, true
		}
		i = hi + 1
	}
	return 0, 0, false
}

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// lineStartAt is where the line holding s[i] (or ending at i) begins.
func lineStartAt(s string, i int) int {
	return strings.LastIndexByte(s[:i], '\n') + 1
}

// lineEndAt is where the line holding s[i] ends.
func lineEndAt(s string, i int) int {
	if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(s)
}

// sentenceStart is where the sentence holding s[i] begins: after the last
// line break or ". ", "! ", "? " before i.
func sentenceStart(s string, i int) int {
	lo := lineStartAt(s, i)
	for j := i - 1; j > lo; j-- {
		if s[j] == ' ' && strings.ContainsRune(".!?", rune(s[j-1])) {
			return j + 1
		}
	}
	return lo
}

// sentenceEnd is where the sentence holding s[i] ends, its full stop
// included.
func sentenceEnd(s string, i int) int {
	end := lineEndAt(s, i)
	for j := i; j < end; j++ {
		if strings.ContainsRune(".!?", rune(s[j])) && (j+1 == end || s[j+1] == ' ') {
			return j + 1
		}
	}
	return end
}

// firstWord is the run of ASCII letters that starts s.
func firstWord(s string) string {
	i := 0
	for i < len(s) && ('a' <= s[i] && s[i] <= 'z' || 'A' <= s[i] && s[i] <= 'Z') {
		i++
	}
	return s[:i]
}

// hasWordPrefixFold reports whether s starts with the lower-case words w,
// ignoring ASCII case, followed by a space or colon: "First-Line" does not
// start with the word "first".
func hasWordPrefixFold(s, w string) bool {
	if len(s) < len(w) || !hasPrefixFold(s, w) {
		return false
	}
	return len(s) == len(w) || strings.IndexByte(" \t:", s[len(w)]) >= 0
}

func startsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(s, "*_`\"'“‘« "))
	return unicode.IsUpper(r)
}

func startsLower(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLower(r)
}

func isDigitByte(c byte) bool { return '0' <= c && c <= '9' }
