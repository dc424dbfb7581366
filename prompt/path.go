package prompt

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// PathParsed is a path answer taken apart: a numbered list of the next K
// occupations.
type PathParsed struct {
	Reason string   // as in Parsed
	Items  []string // the occupations in order, as written (each narrowed like an answer); an item may be empty
	How    string   // one of the Parse* constants: how the list was found
}

// ParsePath takes apart the output of a path prompt, which asks for a
// numbered list of the next K occupations inside <answer> tags. The
// reasoning and the answer text are found as ParseOutput finds them
// (think blocks, answer tags, code fences, truncation); the answer text is
// then split into items by PathItems. Without answer tags the items are
// those of the last list in the output (list), else of a labelled line
// whose value is an inline list (answer_line), else the single answer
// ParseOutput would find. The count of items is the caller's to check: a
// list may be shorter or longer than K, and may repeat an occupation.
func ParsePath(out string, truncated bool) PathParsed {
	p, text, tagged := locate(out, truncated)
	pp := PathParsed{Reason: p.Reason, How: p.How}
	switch {
	case p.How == ParseTruncated || p.How == ParseUnclosedThink:
		return pp
	case tagged:
		pp.Items = PathItems(text)
	default:
		if items, lo, ok := lastPathList(text); ok {
			pp.Items, pp.How = items, ParseList
			if pp.Reason == "" {
				pp.Reason = strings.TrimSpace(text[:lo])
			}
		} else if items, lo, ok := inlineLabelled(text); ok {
			pp.Items, pp.How = items, ParseAnswerLine
			if pp.Reason == "" {
				pp.Reason = strings.TrimSpace(text[:lo])
			}
		} else {
			one := ParseOutput(text, false)
			pp.Reason, pp.How = cmp.Or(pp.Reason, one.Reason), one.How
			if one.Answer != "" {
				pp.Items = []string{one.Answer}
			}
		}
	}
	if !slices.ContainsFunc(pp.Items, func(it string) bool { return it != "" }) {
		pp.Items, pp.How = nil, ParseEmpty
	}
	return pp
}

// pathMarker matches the marker that opens a path item: "1.", "2)", "3:",
// "1 -", "(1)", "#1", "Step 1:", "Job 2 -", "h=1:", a bullet "-", "*", "•",
// "+", perhaps in bold. Group 1 is the number, when there is one.
var pathMarker = regexp.MustCompile(`(?i)^[ \t>]*(?:\*\*|__)?(?:[-*•+–]|\(?#?(\d{1,2})(?:[.):]|[ \t]*[-–—])|(?:step|move|job|position|role|next|h|horizon|year|rank)[ \t]*[#=]?[ \t]*(\d{1,2})[ \t]*[:.)\-–—]?)(?:\*\*|__)?(?:[ \t]+|$)`)

// inlineNumber matches an inline item number: "1." or "1)" or "(1)" at the
// start of the text or after white space, followed by white space.
var inlineNumber = regexp.MustCompile(`(?:^|\s)\(?(\d{1,2})[.)]\s+`)

// inlineSep splits an inline path written with arrows, semicolons, bars or
// "then".
var inlineSep = regexp.MustCompile(`(?i)\s*(?:→|⟶|->|=>|;|\|)\s*|,?\s+then\s+`)

// PathItems splits the text of a path answer into its items, in order:
//   - Lines with an item marker ("1.", "2)", "3 -", "(4)", "Step 5:", a
//     bullet) are the items, marker dropped; other lines (a heading, an
//     explanation under an item) are passed over. A marker alone on its line
//     takes the next line.
//   - Without markers, each non-empty line is an item, except headings (a
//     line ending in ":").
//   - A single line is split at inline numbers counting up from 1 ("1. A 2.
//     B 3. C"), else at arrows, semicolons, bars or "then" ("A → B → C").
//
// Each item is then narrowed as an answer is ("**Nurses** – because …" →
// "Nurses"); an item that narrows to nothing stays, empty, to keep the
// positions of the others. Occupations may repeat.
func PathItems(text string) []string {
	text = stripFences(unixLines(text))
	var lines []string
	for line := range strings.Lines(text) {
		if l := strings.TrimSpace(line); l != "" {
			lines = append(lines, l)
		}
	}
	var body []string // the lines less headings
	for _, l := range lines {
		if !isHeading(l) {
			body = append(body, l)
		}
	}
	var raw []string
	switch marked := markedLines(lines); {
	case len(body) == 1:
		raw = splitInline(body[0])
	case len(marked) > 0:
		raw = marked
	default:
		raw = body
	}
	out := make([]string, len(raw))
	for i, r := range raw {
		out[i] = phrase(r)
	}
	return out
}

// markedLines are the texts of the lines with an item marker, markers
// dropped. When some lines are numbered, only the numbered ones count: a
// bullet under a numbered item is its explanation.
func markedLines(lines []string) []string {
	numbered := false
	for _, l := range lines {
		if m := pathMarker.FindStringSubmatch(l); m != nil && (m[1] != "" || m[2] != "") {
			numbered = true
			break
		}
	}
	var out []string
	for i := 0; i < len(lines); i++ {
		m := pathMarker.FindStringSubmatchIndex(lines[i])
		if m == nil || (numbered && m[2] < 0 && m[4] < 0) {
			continue
		}
		item := strings.TrimSpace(lines[i][m[1]:])
		if item == "" && i+1 < len(lines) && pathMarker.FindStringIndex(lines[i+1]) == nil {
			i++
			item = lines[i]
		}
		out = append(out, item)
	}
	return out
}

// splitInline splits one line holding a whole path. A line with no
// separator is one item. The marker of a single item is dropped.
func splitInline(line string) []string {
	if items := splitNumbered(line); len(items) > 1 {
		return items
	}
	if m := pathMarker.FindStringIndex(line); m != nil {
		line = line[m[1]:]
	}
	var out []string
	for _, part := range inlineSep.Split(line, -1) {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return []string{line}
	}
	return out
}

// splitNumbered splits "1. A 2. B 3. C" at numbers counting up from 1; a
// number out of sequence (a digit inside a title) is part of its item.
func splitNumbered(line string) []string {
	var cuts [][2]int // marker start, item start
	next := 1
	for _, m := range inlineNumber.FindAllStringSubmatchIndex(line, -1) {
		if line[m[2]:m[3]] != strconv.Itoa(next) {
			continue
		}
		start := m[0]
		if start < len(line) && (line[start] == ' ' || line[start] == '\t') {
			start++
		}
		cuts = append(cuts, [2]int{start, m[1]})
		next++
	}
	if len(cuts) < 2 {
		return nil
	}
	out := make([]string, len(cuts))
	for i, c := range cuts {
		end := len(line)
		if i+1 < len(cuts) {
			end = cuts[i+1][0]
		}
		out[i] = strings.TrimRight(strings.TrimSpace(line[c[1]:end]), ",;")
	}
	return out
}

// lastPathList finds the last list of two or more marked lines in s, an
// untagged output; lo is where the list starts. Lines between items that
// are indented or blank belong to the list.
func lastPathList(s string) (items []string, lo int, ok bool) {
	end := contentEnd(s)
	first := -1
	var lines []string
	for l, h := range linesBackward(s[:end]) {
		line := s[l:h]
		switch {
		case pathMarker.MatchString(line):
			first = l
			lines = append(lines, strings.TrimSpace(line))
		case strings.TrimSpace(line) == "" || line[0] == ' ' || line[0] == '\t':
		default:
			if first >= 0 {
				goto done
			}
			return nil, 0, false // prose ends the text
		}
	}
done:
	if len(lines) < 2 {
		return nil, 0, false
	}
	for i, j := 0, len(lines)-1; i < j; i, j = i+1, j-1 {
		lines[i], lines[j] = lines[j], lines[i]
	}
	return markedLines(lines), first, true
}

// inlineLabelled finds the last labelled line ("Answer: 1. A 2. B 3. C", "Path: A
// → B → C") whose value is an inline list of two or more items.
func inlineLabelled(s string) (items []string, lo int, ok bool) {
	for l, h := range linesBackward(s) {
		line := s[l:h]
		i := strings.IndexAny(line, ":：")
		if i < 0 || i > 40 || !containsAny(asciiLower(line[:i]), pathLabelWords) {
			continue
		}
		_, w := utf8.DecodeRuneInString(line[i:])
		if in := splitInline(strings.TrimSpace(line[i+w:])); len(in) > 1 {
			return in, l, true
		}
		return nil, 0, false
	}
	return nil, 0, false
}

// pathLabelWords are the words one of which a path answer's label holds.
var pathLabelWords = []string{"answer", "path", "predict", "occupation", "job", "next", "sequence", "career", "trajectory", "role"}

// isHeading is a line that introduces a list: it ends in a colon.
func isHeading(l string) bool {
	l = strings.TrimRight(l, " \t*_#")
	return strings.HasSuffix(l, ":") || strings.HasSuffix(l, "：")
}
