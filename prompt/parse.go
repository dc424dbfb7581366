package prompt

import (
	"cmp"
	"strings"
)

// ParserVersion names the answer parsing rules (ParseOutput), recorded in
// the manifest. v2 finds the answer inside prose: cue phrases, bold, lists,
// codes and answer-first outputs.
const ParserVersion = "v2"

// How an answer was found in a model's output (Prediction.Parse).
const (
	ParseTag           = "tag"            // <answer>…</answer>
	ParseOpenTag       = "open_tag"       // one tag of the pair is missing
	ParseAnswerLine    = "answer_line"    // no tags; a labelled line "Answer: …"
	ParseCue           = "cue"            // no tags; the phrase after "the next occupation is" and the like
	ParseBold          = "bold"           // no tags; a **bold** span of the final paragraph
	ParseList          = "list"           // no tags; the first item of a closing list of candidates
	ParseCodeLine      = "code_line"      // no tags; a line holding only an O*NET-SOC code
	ParseFirstLine     = "first_line"     // no tags; a title on the first line, explained below
	ParseLastLine      = "last_line"      // no tags; the last non-empty line
	ParseGiven         = "given"          // a replayed answer, not parsed
	ParseTruncated     = "truncated"      // cut at max_tokens before </answer>: no answer
	ParseUnclosedThink = "unclosed_think" // <think> never closed and no <answer>: no answer
	ParseEmpty         = "empty"          // nothing left to read as an answer
)

// Parsed is a model output taken apart.
type Parsed struct {
	Reason string // the reasoning: the <think> block, or the prose around the answer
	Answer string // the answer text as written, before mapping onto O*NET
	How    string // one of the Parse* constants
}

// ParseOutput takes a model's output apart into reasoning and answer.
// truncated says the output was cut off (finish_reason "length"). The answer
// is one line of the output, or part of one, as written: mapping it onto
// O*NET is the normaliser's job.
//
// The output is first split:
//  1. Line ends are made "\n"; code fence lines (```, ```xml) are dropped
//     and the text inside them kept.
//  2. Reasoning is the text between <think> and </think> (tags match
//     case-insensitively). An empty block, as fine-tuned Qwen3 predictors
//     write, gives empty reasoning. A </think> without <think> (the opening
//     tag was in the chat template) closes reasoning that starts the output.
//     A <think> never closed runs to the <answer> tag, or to the end, and
//     then there is no answer. Nothing inside <think> is read for the
//     answer, so the occupations reasoning weighs are never taken for it.
//  3. The answer text is the text between the last <answer> and the
//     </answer> after it. If one tag of the pair is missing, the text after
//     the opening tag (or before the closing one) is taken. Without tags it
//     is the whole output after the reasoning.
//  4. A truncated output has an answer only if its </answer> tag was
//     written: a title cut mid-word must not map onto a wrong occupation,
//     and the last line of cut-off reasoning is not an answer.
//
// The answer text, inside tags or not, is then read by the first of these
// rules that finds something (How names the rule; inside tags it stays tag
// or open_tag):
//  1. Labelled line (answer_line): the last line "Answer: X", also "Final
//     answer", "My answer", "Prediction", "Final prediction", "Predicted",
//     "Predicted (next) occupation", "Next occupation", "Occupation
//     prediction", "Occupation", "Predicted job title", "Next role", in
//     Markdown bold or as a heading, before ":", "→" or a spaced dash or
//     arrow. A label alone on its line takes the next line with a letter or
//     digit; a label with nothing after it gives no answer.
//  2. Cue (cue): the phrase after the last cue of the text: "the (most
//     likely) next occupation/job/role (for them) is / will (likely) be / to
//     be / :", "the predicted / most likely occupation is", "I (would) predict
//     (that|:)", "I'd guess", "my prediction is", "the answer is", "the
//     next step is to become", and "will / would / 'll / 'd (likely)" or
//     "likely / expected / going to" before "become", "transition into",
//     "move into", "work as", "continue as", "step into", "end up as",
//     "pursue a career as", "be promoted to", "advance to". A cue that ends
//     its line ("is:") takes the next non-empty line.
//  3. List (list): when a numbered or bulleted list ends the text, its first
//     item: candidates are ranked best first.
//  4. Bold (bold): the last **bold** or __bold__ span of the final
//     paragraph that is not a label ("**Reasoning:**").
//  5. Weak cue (cue): in the final paragraph only, the phrase after "role
//     of/as", "position of/as", "career as", "move into", "transition(ing)
//     to", "promoted to", "to become", "becomes", "stays as", "points
//     toward", "they will be a": these phrases also describe past jobs in
//     reasoning.
//  6. Code line (code_line): the last line holding only an O*NET-SOC code.
//  7. Line (last_line): the last non-empty line, passing over closing
//     pleasantries ("Hope this helps!"), as written; but when it is a
//     sentence and the first line looks like a title (few words, no full
//     stop), the model answered first and explained after (first_line).
//
// Phrases taken from prose — a label's value, the text after a cue, a list
// item, a first line — are narrowed to the occupation they name. A value or
// item that is itself a sentence gives the phrase after its cue. Leading
// articles, possessives and adverbs go ("a", "the", "their", "likely", "the
// role of"). The phrase ends at a clause boundary: a full stop, ";", ": ", a
// spaced or em dash, a comma before a lower-case word, a lower-case clause
// word ("because", "since", "as", "given", "which", "who", "with", "in",
// "at", "for", "to", "is", "will" and the like), "(" unless the parentheses
// hold a code, and in a title-case phrase "and"/"or" before a lower-case
// word. Trailing punctuation and fillers go ("a Registered Nurse role" →
// "Registered Nurse"), and a bold span inside wins. A code beside a title
// stays: "Registered Nurses (29-1141.00)".
//
// Reasoning, when there is no <think> block, is the prose before the answer
// tag, or without tags the prose before the sentence, line or list that
// holds the answer; when the answer opens the output, the prose after that
// sentence or line.
func ParseOutput(out string, truncated bool) Parsed {
	p, text, tagged := locate(out, truncated)
	switch {
	case p.How == ParseTruncated || p.How == ParseUnclosedThink:
		return p
	case tagged:
		p.Answer = inTags(text)
	default:
		if f, ok := extract(text); ok {
			p.Answer, p.How = f.span, f.how
			p.Reason = cmp.Or(p.Reason, strings.TrimSpace(text[:f.lo]), strings.TrimSpace(text[f.hi:]))
		}
	}
	if p.Answer == "" {
		p.How = ParseEmpty
	}
	return p
}

// locate does the first split of ParseOutput (steps 1–4): the reasoning,
// and the text that holds the answer. tagged says text is the inside of
// answer tags (How is tag or open_tag); otherwise text is the whole output
// after the reasoning and How is empty, or How says there is no answer
// (truncated, unclosed_think).
func locate(out string, truncated bool) (p Parsed, text string, tagged bool) {
	s := stripFences(unixLines(out))
	reason, rest, closed := splitThink(s)
	p.Reason = strings.TrimSpace(reason)
	if !closed {
		p.How = ParseUnclosedThink
		if truncated {
			p.How = ParseTruncated
		}
		return p, "", false
	}
	switch ce, oa := lastIndexFold(rest, "</answer>"), lastIndexFold(rest, "<answer>"); {
	case ce >= 0:
		if oa = lastIndexFold(rest[:ce], "<answer>"); oa >= 0 {
			p.How = ParseTag
			p.Reason = cmp.Or(p.Reason, strings.TrimSpace(rest[:oa]))
			return p, rest[oa+len("<answer>") : ce], true
		}
		p.How = ParseOpenTag
		return p, rest[:ce], true
	case truncated:
		p.How = ParseTruncated
		return p, "", false
	case oa >= 0:
		p.How = ParseOpenTag
		p.Reason = cmp.Or(p.Reason, strings.TrimSpace(rest[:oa]))
		return p, rest[oa+len("<answer>"):], true
	}
	return p, rest, false
}

// inTags reads the answer out of the text inside answer tags.
func inTags(s string) string {
	f, _ := extract(s)
	return f.span
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
