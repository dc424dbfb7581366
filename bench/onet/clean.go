package onet

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"slices"
	"strings"
)

// The hand-written word lists of the classifier (lexicon/*.tsv): anyone may
// extend them.
var (
	//go:embed lexicon/abbreviations.tsv
	abbreviationsTSV []byte
	//go:embed lexicon/common_titles.tsv
	commonTitlesTSV []byte
	//go:embed lexicon/employment.tsv
	employmentTSV []byte
	//go:embed lexicon/not_occupations.tsv
	notOccupationsTSV []byte
	//go:embed lexicon/employers.tsv
	employersTSV []byte
	//go:embed lexicon/employer_roles.tsv
	employerRolesTSV []byte
)

// rank are words of rank, level and training status that say nothing
// about the occupation: "Sr. Software Engineer II" is a software engineer,
// a "Family Medicine Resident" a family physician. They are dropped in one
// reading of the text, weigh little in retrieval and are never its head
// noun.
var rank = wordSet("senior junior lead staff entry level lvl mid experienced " +
	"i ii iii iv v vi 1 2 3 4 5 class grade tier band step " +
	"intern interns internship trainee graduate apprentice resident fellow " +
	"acting interim deputy")

// seniority are the words dropped in that reading: rank, and words that
// qualify a title but are also occupations' head nouns ("Medical
// Assistant", "Sales Associate"), so they keep their weight. The text as
// written is always read too, so titles that need the word ("Lead
// Abatement Worker", "Staff Nurse") still match whole.
var seniority = union(rank, wordSet("associate assistant certified licensed principal"))

func union(a, b map[string]bool) map[string]bool {
	m := map[string]bool{}
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}

// noise are words on resumes that never help: employment terms and
// scheduling.
var noise = wordSet("remote hybrid onsite contract contractor temp temporary fulltime parttime seasonal " +
	"prn nights overnight weekend weekends per diem")

// stopwords carry no evidence in retrieval (they still count in exact keys).
var stopwords = wordSet("a an and the of for in at to with on by except all other or")

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// parseAbbreviations reads lexicon/abbreviations.tsv: folded abbreviation →
// folded expansions ("" drops the word).
func parseAbbreviations(b []byte) (map[string][]string, error) {
	out := map[string][]string{}
	err := eachLexiconRow(b, "abbreviations.tsv", 2, func(f []string) {
		key := string(fold(nil, strings.ReplaceAll(f[0], ".", "")))
		for _, e := range strings.Split(f[1], "|") {
			out[key] = append(out[key], string(fold(nil, e)))
		}
	})
	return out, err
}

// eachLexiconRow calls fn with the fields of each data row of a lexicon
// file: "#" comments and the header line are skipped.
func eachLexiconRow(b []byte, name string, fields int, fn func([]string)) error {
	sc := bufio.NewScanner(bytes.NewReader(b))
	line, header := 0, true
	for sc.Scan() {
		line++
		s := sc.Text()
		if strings.HasPrefix(s, "#") || strings.TrimSpace(s) == "" {
			continue
		}
		f := strings.Split(s, "\t")
		if len(f) != fields {
			return fmt.Errorf("onet: lexicon/%s:%d: %d fields, want %d", name, line, len(f), fields)
		}
		if header {
			header = false
			continue
		}
		fn(f)
	}
	return sc.Err()
}

// reading is one way to read a text: its words, folded, and how much was
// taken away to get there (1 for the text as given).
type reading struct {
	words  []string
	weight float32
	head   string // the head noun when the text says where it is: the first segment's
}

// Weights of readings that cut or drop part of the text: the text as given
// wins a tie.
const (
	weightPrefix  = 0.99 // the text up to a separator: "Barista at Starbucks"
	weightSegment = 0.95 // a later segment alone: "Walmart - Cashier"
	weightPart    = 0.97 // one side of a slash: "Server/Bartender"
	weightStrip   = 0.99 // without seniority words
)

// maxReadings bounds the work per text.
const maxReadings = 24

// readings cleans a job title or answer into the readings the classifier
// scores: the whole text; the text up to each separator that usually starts
// an employer, a place or a specialty (" at ", "@", " - ", " | ", ",", ":",
// ";", "(" …); each later segment alone, unless it completes the title
// ("… to the CEO"); an inverted title turned round ("Specialist,
// Procurement"); each side of a slash; each of these with abbreviations
// expanded and without words of seniority and level; and the whole text
// without the words the index does not know, and with its typos
// corrected. Credentials and employment terms are always dropped.
func (c *classifier) readings(text string) []reading {
	segs, completes := segments(joinInitials(stripMarkup(text)))
	if len(segs) == 0 {
		return nil
	}
	var raw []reading
	single := len(strings.Fields(string(fold(nil, strings.Join(segs, " "))))) == 1
	words := func(s string) []string {
		var out []string
		for _, w := range strings.Fields(string(fold(nil, s))) {
			// A lone letter is an initial or a grade ("FNP-C", "Class B"),
			// unless it is all the text says.
			if len(w) > 1 || single {
				out = append(out, w)
			}
		}
		return out
	}
	add := func(s string, w float32, head string) {
		if ws := words(s); len(ws) > 0 {
			raw = append(raw, reading{words: ws, weight: w, head: head})
		}
	}
	// The first segment names the occupation; later ones its place or
	// specialty, so the head noun is the first segment's. A reading that
	// leaves segments out costs what they said that the index knows: "at
	// Starbucks" costs nothing, ", Shipping Department" does.
	head := queryHead(strings.Fields(string(singular(nil, fold(nil, segs[0])))))
	add(strings.Join(segs, " "), 1, head)
	for k := 1; k < len(segs); k++ {
		add(strings.Join(segs[:k], " "), weightPrefix*c.dropCost(words(strings.Join(segs[k:], " "))), head)
	}
	for k, s := range segs[1:] {
		if !completes[k+1] {
			add(s, weightSegment*c.dropCost(words(strings.Join(segs[:k+1], " "))), "")
		}
	}
	// "Specialist, Procurement": a bare head noun first, its modifier after.
	if len(segs) > 1 && !completes[1] {
		if first := stripSeniority(reading{words: strings.Fields(string(fold(nil, segs[0])))}); len(first.words) == 1 {
			add(segs[1]+" "+first.words[0], 1, "")
		}
	}
	if strings.Contains(segs[0], "/") {
		for _, p := range strings.Split(segs[0], "/") {
			add(p, weightPart, "")
		}
	}
	var out []reading
	seen := map[string]int{}
	keep := func(r reading) {
		if len(r.words) == 0 || len(out) >= maxReadings {
			return
		}
		k := strings.Join(r.words, " ")
		if i, ok := seen[k]; ok {
			if r.weight > out[i].weight {
				out[i] = r
			}
			return
		}
		seen[k] = len(out)
		out = append(out, r)
	}
	for _, r := range raw {
		for _, e := range c.expand(r) {
			keep(e)
			if s := stripSeniority(e); len(s.words) != len(e.words) {
				keep(s)
			}
		}
	}
	// The whole text without the words the index does not know — mostly
	// employers' and people's names ("Walmart Associate", "UPS Driver") —
	// and with its typos corrected, so that an exact title still matches
	// ("Heavy Equiptment Operator").
	if len(out) > 0 {
		whole := out[0]
		if k := c.knownWords(whole); len(k.words) != len(whole.words) {
			keep(k)
		}
		if t, ok := c.corrected(whole); ok {
			keep(t)
			keep(stripSeniority(t))
		}
	}
	return out
}

// weightTypo is the weight of a reading with a typo corrected.
const weightTypo = 0.95

// corrected is r with each word the index does not know replaced by the
// word lookup corrects it to; ok is false when nothing was corrected.
func (c *classifier) corrected(r reading) (reading, bool) {
	out := reading{weight: r.weight * weightTypo, head: r.head}
	changed := false
	for _, w := range r.words {
		if id, typo := c.lookup(singularWord(w)); typo {
			w, changed = c.words[id], true
		}
		out.words = append(out.words, w)
	}
	return out, changed
}

// weightKnown is the weight of a reading without unknown words.
const weightKnown = 0.95

// knownWords is r without the words the index does not know, even with a
// typo corrected; r itself when all are known or none is.
func (c *classifier) knownWords(r reading) reading {
	var words []string
	for _, w := range r.words {
		if stopwords[w] {
			words = append(words, w)
			continue
		}
		if id, _ := c.lookup(singularWord(w)); id >= 0 {
			words = append(words, w)
		}
	}
	if len(content(words)) == 0 {
		return r
	}
	return reading{words: words, weight: r.weight * weightKnown, head: r.head}
}

// dropPenalty is what leaving out words the index knows well costs a
// reading at most.
const dropPenalty = 0.2

// dropCost is the weight factor of a reading that leaves out the given
// words: 1 minus dropPenalty times the share of their evidence (idf) that
// the index knows.
func (c *classifier) dropCost(words []string) float32 {
	var known, all float32
	for _, w := range content(words) {
		if noise[w] || rank[w] {
			continue
		}
		if id, ok := c.vocab[singularWord(w)]; ok {
			known += c.idf[id]
			all += c.idf[id]
		} else {
			all += unknownShare * c.maxIDF
		}
	}
	if all == 0 {
		return 1
	}
	return 1 - dropPenalty*known/all
}

// segments splits a text at the separators that end a title's occupation
// part. A parenthetical becomes its own segment.
func segments(s string) (segs []string, completes []bool) {
	next := false // the segment being cut completes the one before
	cut := func(part string) {
		if part = strings.TrimSpace(part); part != "" {
			segs = append(segs, part)
			completes = append(completes, next)
		}
	}
	for len(s) > 0 {
		i, n := nextSeparator(s)
		if i < 0 {
			cut(s)
			break
		}
		cut(s[:i])
		next = complement[strings.ToLower(s[i:i+n])]
		s = s[i+n:]
	}
	return segs, completes
}

// complement are the separators after which the text completes the title
// ("Executive Assistant to the CEO") rather than naming an employer: the
// text after them is never read alone.
var complement = map[string]bool{" for ": true, " with ": true, " to the ": true}

// separators, found case-insensitively; " at " and friends need spaces
// around them so "Patient" and "Caterer" stay whole.
var separators = []string{" at ", " @ ", "@", " - ", " – ", " — ", " | ", "|", ",", ";", ":", "(", ")", "[", "]",
	" for ", " with ", " to the ", " & "}

// joinInitials writes dotted or slashed initials as one word: "C.N.A." →
// "CNA", "A/R" → "AR", so the abbreviation table finds them.
func joinInitials(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		j, letters := i, 0
		for j+1 < len(s) && isLetter(s[j]) && (s[j+1] == '.' || s[j+1] == '/') && (j == 0 || !isLetter(s[j-1])) {
			j += 2
			letters++
			if j < len(s) && isLetter(s[j]) && (j+1 == len(s) || !isLetter(s[j+1])) {
				letters++
				j++
				break
			}
		}
		if letters >= 2 {
			for k := i; k < j; k++ {
				if isLetter(s[k]) {
					b.WriteByte(s[k])
				}
			}
			if j < len(s) && s[j] == '.' {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// nextSeparator returns where the first separator of s starts and its
// length, or -1.
func nextSeparator(s string) (int, int) {
	// Separators are ASCII: lowering only ASCII letters keeps byte offsets.
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	lower := string(b)
	best, n := -1, 0
	for _, sep := range separators {
		if i := strings.Index(lower, sep); i >= 0 && (best < 0 || i < best) {
			best, n = i, len(sep)
		}
	}
	return best, n
}

// expand returns r with noise words dropped, as written and with each
// abbreviation replaced by its expansions (at most two per abbreviation,
// five readings in all): "CEO" is an O*NET short title as it stands.
func (c *classifier) expand(r reading) []reading {
	out := c.expandWords(r)
	asIs := reading{weight: r.weight, head: r.head}
	for _, w := range r.words {
		if !noise[w] {
			asIs.words = append(asIs.words, w)
		}
	}
	if len(out) == 1 && slices.Equal(out[0].words, asIs.words) {
		return out
	}
	return append([]reading{asIs}, out...)
}

func (c *classifier) expandWords(r reading) []reading {
	out := []reading{{weight: r.weight, head: r.head}}
	for _, w := range r.words {
		if noise[w] {
			continue
		}
		exps, ok := c.abbrev[w]
		if !ok || len(r.words) == 1 && len(exps) == 1 && exps[0] == "" {
			for i := range out {
				out[i].words = append(out[i].words, w)
			}
			continue
		}
		var next []reading
		for _, o := range out {
			for k, e := range exps {
				if k == 2 || len(next) >= 4 {
					break
				}
				n := reading{words: append(append([]string(nil), o.words...), strings.Fields(e)...), weight: o.weight, head: o.head}
				next = append(next, n)
			}
		}
		out = next
	}
	return out
}

// stripSeniority drops the words of rank and level, unless nothing would
// be left.
func stripSeniority(r reading) reading {
	var words []string
	for i, w := range r.words {
		// A qualifier that ends the title, or that the text says is its
		// head, is its head noun ("Physical Therapist Assistant",
		// "Executive Assistant to the CEO"); ranks go wherever they stand.
		if !seniority[w] || !rank[w] && (i == len(r.words)-1 || singularWord(w) == r.head) {
			words = append(words, w)
		}
	}
	if len(words) == 0 || len(words) == len(r.words) {
		return r
	}
	return reading{words: words, weight: r.weight * weightStrip, head: r.head}
}
