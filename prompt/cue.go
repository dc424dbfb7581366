package prompt

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
)

// A cue is a phrase after which a model names the occupation it predicts:
// "the next occupation is", "will become". Cues are matched on lower-cased
// text. Each pattern starts with a literal word, so the regexp package
// jumps between candidates with a substring search instead of stepping its
// machine through every byte (a leading alternation or \b would cost a
// millisecond on a long chain of thought); what must come before that word
// — the "will" of "will become", the "I" of "I predict" — is checked by
// before on the words in front of the match.
type cue struct {
	re     *regexp.Regexp
	before func(prev []string) bool // prev: the words before, nearest first; nil: anything
}

func newCue(pattern string, before func([]string) bool) cue {
	return cue{regexp.MustCompile(pattern), before}
}

// strongCues introduce a prediction wherever they stand.
var strongCues = []cue{
	// "(the most likely) next occupation (for them) is / will likely be / to be / :",
	// "next (logical) step is to become / :"
	newCue(`next\s+(?:(?:occupation|job|role|position|career\s+(?:move|step))`+
		`(?:\s+for\s+(?:them|him|her|this\s+(?:person|individual)|the\s+(?:person|individual|candidate|user|worker)))?`+
		`(?:\s+(?:is|(?:will|would|should|could|might)(?:\s+(?:most\s+)?likely|\s+probably)?\s+be|to\s+be)\b|\s*:)`+
		`|(?:logical\s+)?step(?:\s+(?:is|would\s+be|will\s+be)\s+(?:to\s+become|becoming)\b|\s*:))`, nil),
	newCue(`predicted\s+(?:occupation|job|role)\s+(?:is|would\s+be|will\s+be)\b`, nil),
	newCue(`most\s+(?:likely|probable)\s+(?:occupation|job|role)\s+(?:is|would\s+be|will\s+be)\b`, nil),
	newCue(`likeliest\s+(?:occupation|job|role)\s+(?:is|would\s+be|will\s+be)\b`, nil),
	newCue(`my\s+(?:final\s+)?prediction\s+(?:is|would\s+be)(?:\s+that\b|\s*:)?`, nil),
	newCue(`predict(?:\s+that\b|\s*:|\b)`, saidByI),
	newCue(`guess(?:\s+that\b|\s*:|\b)`, saidByI),
	newCue(`answer\s+(?:is|would\s+be|will\s+be)\b`, theAnswer),
	// "will (likely) become", "is likely to become", and the other moves.
	newCue(`become\b`, modalOrLikelyTo),
	newCue(`transition\s+(?:in)?to\b`, modalOrLikelyTo),
	newCue(`move\s+(?:in)?to\b`, modalOrLikelyTo),
	newCue(`work\s+as\b`, modalOrLikelyTo),
	newCue(`continue\s+as\b`, modalOrLikelyTo),
	newCue(`step\s+into\b`, modalOrLikelyTo),
	newCue(`end\s+up\s+as\b`, modalOrLikelyTo),
	newCue(`pursue\s+(?:a\s+(?:career|role)\s+as|becoming)\b`, modalOrLikelyTo),
	newCue(`be\s+promoted\s+to\b`, modalOrLikelyTo),
	newCue(`advance\s+to\b`, modalOrLikelyTo),
	newCue(`progress\s+to\b`, modalOrLikelyTo),
}

// weakCues name an occupation but also turn up in reasoning about past jobs
// ("in their role as a Cashier"), so they are read only in the final
// paragraph and after every stronger rule.
var weakCues = []cue{
	newCue(`be\s+an?\b`, subjectWill),
	newCue(`role\s+(?:of|as)\b`, nil),
	newCue(`position\s+(?:of|as)\b`, nil),
	newCue(`career\s+as\b`, nil),
	newCue(`move\s+(?:in)?to\b`, nil),
	newCue(`transition(?:ing)?\s+(?:in)?to\b`, nil),
	newCue(`promot(?:ed|ion)\s+to\b`, nil),
	newCue(`become\b`, func(p []string) bool { return word(p, 0) == "to" }),
	newCue(`becomes\b`, nil),
	newCue(`stay(?:s)?\s+as\b`, nil),
	newCue(`remain(?:s)?\s+as\b`, nil),
	newCue(`(?:point|points|heading|headed|moving)\s+towards?\b`, nil),
}

// saidByI: "I predict", "I would predict", "I'd guess", "I'm going to predict".
func saidByI(p []string) bool {
	switch word(p, 0) {
	case "i", "i'd", "i’d":
		return true
	case "would", "will":
		return word(p, 1) == "i"
	case "to":
		return word(p, 1) == "going" && (word(p, 2) == "i'm" || word(p, 2) == "i’m")
	}
	return false
}

// theAnswer: "the answer is", "the final answer would be".
func theAnswer(p []string) bool {
	return word(p, 0) == "the" || word(p, 0) == "final" && word(p, 1) == "the"
}

// modalOrLikelyTo: "will become", "they'll most likely become", "would
// probably work as", "is likely to become", "expected to move into",
// "going to become".
func modalOrLikelyTo(p []string) bool {
	switch w := word(p, 0); w {
	case "to":
		switch word(p, 1) {
		case "likely", "expected", "poised", "going":
			return true
		}
		return false
	case "likely":
		if word(p, 1) == "most" {
			return isModal(word(p, 2))
		}
		return isModal(word(p, 1))
	case "probably", "eventually", "next":
		return isModal(word(p, 1))
	default:
		return isModal(w)
	}
}

// subjectWill: "they will be a", "the person will likely be an", "she'll be a".
func subjectWill(p []string) bool {
	if w := word(p, 0); w == "likely" || w == "probably" {
		p = p[1:]
	}
	switch w := word(p, 0); {
	case w == "will" || w == "would":
		return isSubject(word(p, 1))
	case strings.HasSuffix(w, "'ll") || strings.HasSuffix(w, "’ll"):
		return isSubject(strings.TrimSuffix(strings.TrimSuffix(w, "'ll"), "’ll"))
	}
	return false
}

func isModal(w string) bool {
	switch w {
	case "will", "would", "should", "could", "might":
		return true
	}
	for _, suffix := range []string{"'ll", "’ll", "'d", "’d"} {
		if len(w) > len(suffix) && strings.HasSuffix(w, suffix) {
			return true
		}
	}
	return false
}

func isSubject(w string) bool {
	switch w {
	case "they", "he", "she", "person", "individual", "candidate", "user", "worker", "employee":
		return true
	}
	return false
}

// word is p[i], or "" past its end.
func word(p []string, i int) string {
	if i < len(p) {
		return p[i]
	}
	return ""
}

// cueMatch is a cue found in a text: s[at:end].
type cueMatch struct{ at, end int }

// findCues returns the matches of cues in s[from:], the last first.
func findCues(s string, from int, cues []cue) []cueMatch {
	lower := asciiLower(s[from:])
	var ms []cueMatch
	for _, c := range cues {
		for _, m := range c.re.FindAllStringIndex(lower, -1) {
			if isWordStart(lower, m[0]) && (c.before == nil || c.before(wordsBefore(lower, m[0], 3))) {
				ms = append(ms, cueMatch{from + m[0], from + m[1]})
			}
		}
	}
	slices.SortFunc(ms, func(a, b cueMatch) int { return cmp.Or(cmp.Compare(b.at, a.at), cmp.Compare(b.end, a.end)) })
	return ms
}

// wordsBefore returns up to n words before s[i], nearest first, as far as
// only spaces separate them: "I would, predict" has no words before
// "predict".
func wordsBefore(s string, i, n int) []string {
	var ws []string
	for len(ws) < n {
		j := i
		for j > 0 && (s[j-1] == ' ' || s[j-1] == '\t') {
			j--
		}
		k := j
		for k > 0 && isWordByte(s[k-1]) {
			k--
		}
		if j == i || k == j {
			break // not a space before, or not a word before the space
		}
		ws = append(ws, s[k:j])
		i = k
	}
	return ws
}

// isWordStart reports whether s[i] starts a word.
func isWordStart(s string, i int) bool {
	return i == 0 || !isWordByte(s[i-1])
}

// isWordByte is a byte of a word: an ASCII letter or digit, an apostrophe
// ("they'll"), or a byte of a multi-byte character (’ of "I’d", letters
// beyond ASCII).
func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '\'' || c >= 0x80
}

// asciiLower lower-cases the ASCII letters of s and nothing else, so byte
// offsets stay those of s.
func asciiLower(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { return 'A' <= r && r <= 'Z' })
	if i < 0 {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		if c := b[i]; 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
