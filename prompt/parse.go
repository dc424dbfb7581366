package prompt

import (
	"regexp"
	"strings"
)

// ParserVersion names the answer parsing rules (ParseOutput), recorded in
// the manifest.
const ParserVersion = "v1"

// How an answer was found in a model's output (Prediction.Parse).
const (
	ParseTag           = "tag"            // <answer>…</answer>
	ParseOpenTag       = "open_tag"       // one tag of the pair is missing
	ParseAnswerLine    = "answer_line"    // no tags; a line "Answer: …"
	ParseLastLine      = "last_line"      // no tags; the last non-empty line
	ParseGiven         = "given"          // a replayed answer, not parsed
	ParseTruncated     = "truncated"      // cut at max_tokens before </answer>: no answer
	ParseUnclosedThink = "unclosed_think" // <think> never closed and no <answer>: no answer
	ParseEmpty         = "empty"          // nothing left to read as an answer
)

// Parsed is a model output taken apart.
type Parsed struct {
	Reason string // the reasoning: the <think> block, or the prose before the answer
	Answer string // the answer text as written, before mapping onto O*NET
	How    string // one of the Parse* constants
}

// ParseOutput takes a model's output apart into reasoning and answer.
// truncated says the output was cut off (finish_reason "length").
//
// The rules, in order:
//  1. Line ends are made "\n"; code fence lines (```, ```xml) are dropped
//     and the text inside them kept.
//  2. Reasoning is the text between <think> and </think> (tags match
//     case-insensitively). An empty block, as fine-tuned Qwen3 predictors
//     write, gives empty reasoning. A </think> without <think> (the opening
//     tag was in the chat template) closes reasoning that starts the output.
//     A <think> never closed runs to the <answer> tag, or to the end, and
//     then there is no answer.
//  3. The answer is the text between the last <answer> and the </answer>
//     after it. If one tag of the pair is missing, the text after the
//     opening tag (or before the closing one) is taken. Text inside the
//     tags that spans several lines gives its "Answer: …" line, else its
//     last non-empty line.
//  4. Without answer tags, the last line of the form "Answer: X" (also
//     "Final answer", "Prediction", "Next occupation", "Occupation") gives
//     X; failing that, the last non-empty line is the answer.
//  5. A truncated output has an answer only if its </answer> tag was
//     written: a title cut mid-word must not map onto a wrong occupation,
//     and the last line of cut-off reasoning is not an answer.
//  6. With no <think> block, the prose before the answer is the reasoning
//     (zero-shot chain of thought without tags).
func ParseOutput(out string, truncated bool) Parsed {
	s := stripFences(unixLines(out))
	reason, rest, closed := splitThink(s)
	p := Parsed{Reason: strings.TrimSpace(reason)}
	if !closed {
		p.How = ParseUnclosedThink
		if truncated {
			p.How = ParseTruncated
		}
		return p
	}
	var pre string
	switch ce, oa := lastIndexFold(rest, "</answer>"), lastIndexFold(rest, "<answer>"); {
	case ce >= 0:
		if oa = lastIndexFold(rest[:ce], "<answer>"); oa >= 0 {
			p.Answer, p.How, pre = pickLine(rest[oa+len("<answer>"):ce]), ParseTag, rest[:oa]
		} else {
			p.Answer, p.How = pickLine(rest[:ce]), ParseOpenTag
		}
	case truncated:
		p.How = ParseTruncated
		return p
	case oa >= 0:
		p.Answer, p.How, pre = pickLine(rest[oa+len("<answer>"):]), ParseOpenTag, rest[:oa]
	default:
		if m := answerLine.FindAllStringSubmatchIndex(rest, -1); m != nil {
			last := m[len(m)-1]
			p.Answer, p.How, pre = strings.TrimSpace(rest[last[2]:last[3]]), ParseAnswerLine, rest[:last[0]]
		} else {
			body := strings.TrimRight(rest, " \t\r\n")
			i := strings.LastIndexByte(body, '\n')
			p.Answer, p.How, pre = strings.TrimSpace(body[i+1:]), ParseLastLine, body[:i+1]
		}
	}
	if p.Reason == "" {
		p.Reason = strings.TrimSpace(pre)
	}
	if p.Answer == "" {
		p.How = ParseEmpty
	}
	return p
}

// answerLine matches a labelled answer line; group 1 is the answer.
var answerLine = regexp.MustCompile(`(?im)^[ \t*_#>-]*(?:final[ \t]+)?(?:answer|prediction|predicted[ \t]+(?:next[ \t]+)?occupation|next[ \t]+occupation|occupation)[ \t*_]*[:：][ \t*_]*([^\n]*?)[ \t*_]*$`)

// pickLine reduces the text inside answer tags to one line.
func pickLine(s string) string {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "\n") {
		return s
	}
	if m := answerLine.FindAllStringSubmatch(s, -1); m != nil {
		if a := strings.TrimSpace(m[len(m)-1][1]); a != "" {
			return a
		}
	}
	return strings.TrimSpace(s[strings.LastIndexByte(s, '\n')+1:])
}

// splitThink splits s into reasoning and the rest. closed is false when a
// <think> block never ends and no answer follows it.
func splitThink(s string) (reason, rest string, closed bool) {
	b := indexFold(s, "<think>")
	from := max(b, 0)
	if e := indexFold(s[from:], "</think>"); e >= 0 {
		e += from
		start := 0
		if b >= 0 {
			start = b + len("<think>")
		}
		return s[start:e], s[e+len("</think>"):], true
	}
	if b < 0 {
		return "", s, true
	}
	body := s[b+len("<think>"):]
	if a := indexFold(body, "<answer>"); a >= 0 {
		return body[:a], body[a:], true
	}
	return body, "", false
}

// unixLines turns "\r\n" and lone "\r" line ends into "\n".
func unixLines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// stripFences drops Markdown code fence lines.
func stripFences(s string) string {
	if !strings.Contains(s, "```") {
		return s
	}
	var b strings.Builder
	for line := range strings.Lines(s) {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			continue
		}
		b.WriteString(line)
	}
	return b.String()
}

// indexFold is strings.Index for an ASCII lower-case needle, ignoring the
// case of ASCII letters in s (byte offsets stay those of s).
func indexFold(s, lower string) int {
	for i := 0; i+len(lower) <= len(s); i++ {
		if hasPrefixFold(s[i:], lower) {
			return i
		}
	}
	return -1
}

// lastIndexFold is the last such index.
func lastIndexFold(s, lower string) int {
	for i := len(s) - len(lower); i >= 0; i-- {
		if hasPrefixFold(s[i:], lower) {
			return i
		}
	}
	return -1
}

func hasPrefixFold(s, lower string) bool {
	for j := 0; j < len(lower); j++ {
		c := s[j]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[j] {
			return false
		}
	}
	return true
}

// ReasoningText is the reasoning a two-model reasoner wrote: the inside of
// its <think> block (closed or not), else its whole output.
func ReasoningText(out string) string {
	reason, rest, _ := splitThink(stripFences(unixLines(out)))
	if r := strings.TrimSpace(reason); r != "" {
		return r
	}
	return strings.TrimSpace(rest)
}
