package reasons

import (
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/bench/onet"
)

// Files of a perturbation run directory.
const (
	PerturbationJudgeFile = "judge_perturbation.jsonl" // every judged version
	PerturbationsFile     = "perturbations.jsonl"      // what each version changed
)

// Perturbation is one perturbed version of a reason: which dimension it
// attacks, how hard (minor or major), the text and occupation the judge
// sees, and what was changed.
type Perturbation struct {
	UserID     string   `json:"user_id"`
	Type       string   `json:"type"`      // minor or major
	Dimension  string   `json:"dimension"` // factuality, coherence or utility
	Reason     string   `json:"reason"`
	Occupation string   `json:"occupation,omitempty"` // utility: the occupation the judge is told came next
	Changes    []string `json:"changes"`
}

// Source is the perturbation's label in judge records: minor-factuality, ….
func (p Perturbation) Source() string { return p.Type + "-" + p.Dimension }

// Perturb makes the six deterministic perturbations of a user's oracle
// reason (paper §4): factuality, 1 (minor) or 2–3 (major) facts taken from
// the history changed — a year, a school, a title; coherence, 20% or 50%
// of the sentences shuffled; utility, the true next occupation replaced by
// its first related occupation in O*NET's ranking (minor) or by an
// occupation of another major group (major). The same seed gives the same
// versions.
func Perturb(ex *bench.Example, tax *onet.Taxonomy, seed uint64) []Perturbation {
	var out []Perturbation
	for _, typ := range []string{"minor", "major"} {
		rng := bench.UserRand(seed, ex.UserID+"/factuality/"+typ)
		n := 1
		if typ == "major" {
			n = 2 + rng.IntN(2)
		}
		text, changes := changeFacts(ex, ex.OracleReason, n, rng, tax)
		out = append(out, Perturbation{UserID: ex.UserID, Type: typ, Dimension: "factuality", Reason: text, Changes: changes})
	}
	for _, typ := range []string{"minor", "major"} {
		frac := 0.2
		if typ == "major" {
			frac = 0.5
		}
		text, changes := shuffleSentences(ex.OracleReason, frac, bench.UserRand(seed, ex.UserID+"/coherence/"+typ))
		out = append(out, Perturbation{UserID: ex.UserID, Type: typ, Dimension: "coherence", Reason: text, Changes: changes})
	}
	rel := relatedOccupation(ex.TargetCode, tax)
	unrel := unrelatedOccupation(ex.TargetCode, tax, bench.UserRand(seed, ex.UserID+"/utility/major"))
	for _, v := range []struct{ typ, title string }{{"minor", rel}, {"major", unrel}} {
		out = append(out, Perturbation{UserID: ex.UserID, Type: v.typ, Dimension: "utility", Reason: ex.OracleReason,
			Occupation: v.title, Changes: []string{"next occupation: " + v.title}})
	}
	return out
}

// A fact is a value from the history that the reason states.
type fact struct {
	kind, value string
}

var yearRe = regexp.MustCompile(`\b(19|20)\d\d\b`)

// Made-up values to put in place of a fact.
var (
	fakeSchools = []string{"Northfield Institute of Technology", "Lakeshore State College", "Ridgeway University", "Eastbrook Polytechnic"}
	fakeMajors  = []string{"Marine Biology", "Art History", "Petroleum Engineering", "Classics"}
	fakeDegrees = []string{"PhD", "Associate degree", "MBA", "high school diploma"}
)

// changeFacts changes n facts of the history stated in text. Facts not
// stated in the reason cannot be changed in it; when the reason states
// fewer than n, fabricated claims make up the difference, so that the
// version always carries n factual errors.
func changeFacts(ex *bench.Example, text string, n int, rng *rand.Rand, tax *onet.Taxonomy) (string, []string) {
	var facts []fact
	seen := map[string]bool{}
	add := func(kind, v string) {
		v = strings.TrimSpace(v)
		if len(v) < 3 || seen[v] || !containsWord(text, v) {
			return
		}
		seen[v] = true
		facts = append(facts, fact{kind, v})
	}
	for _, r := range ex.History {
		if r.IsJob() {
			add("title", r.Title)
			add("occupation", r.Occupation)
		} else {
			add("school", r.School)
			add("major", r.Major)
			add("degree", r.Degree)
			if r.GradYear > 0 {
				add("year", strconv.Itoa(r.GradYear))
			}
		}
		for _, d := range []bench.Date{r.Start, r.End} {
			if d.Valid() {
				add("year", strconv.Itoa(d.Year()))
			}
		}
	}
	// Years the reason states that the history holds are facts too, even
	// in other forms ("since 2015").
	for _, y := range yearRe.FindAllString(text, -1) {
		for _, r := range ex.History {
			if (r.Start.Valid() && strconv.Itoa(r.Start.Year()) == y) || (r.End.Valid() && strconv.Itoa(r.End.Year()) == y) || strconv.Itoa(r.GradYear) == y {
				add("year", y)
			}
		}
	}
	order := rng.Perm(len(facts))
	var changes []string
	for _, i := range order[:min(n, len(facts))] {
		f := facts[i]
		repl := replacement(f, ex, rng, tax)
		text = replaceWord(text, f.value, repl)
		changes = append(changes, fmt.Sprintf("%s: %q → %q", f.kind, f.value, repl))
	}
	fabricated := []string{
		"They also earned a PhD from " + fakeSchools[rng.IntN(len(fakeSchools))] + " in 1998.",
		"Before that, they spent six years as a commercial airline pilot.",
		"They were promoted to chief financial officer in their second year.",
	}
	for k := len(changes); k < n; k++ {
		s := fabricated[k%len(fabricated)]
		text = strings.TrimRight(text, " \n") + " " + s
		changes = append(changes, "added: "+s)
	}
	return text, changes
}

func replacement(f fact, ex *bench.Example, rng *rand.Rand, tax *onet.Taxonomy) string {
	pick := func(list []string) string {
		for {
			if v := list[rng.IntN(len(list))]; v != f.value {
				return v
			}
		}
	}
	switch f.kind {
	case "year":
		y, _ := strconv.Atoi(f.value)
		d := 2 + rng.IntN(4)
		if rng.IntN(2) == 0 {
			d = -d
		}
		return strconv.Itoa(y + d)
	case "school":
		return pick(fakeSchools)
	case "major":
		return pick(fakeMajors)
	case "degree":
		return pick(fakeDegrees)
	}
	// A title or occupation: an occupation of another major group.
	code := ex.TargetCode
	if o, ok := tax.ByTitle(f.value); ok {
		code = o.Code
	}
	return unrelatedOccupation(code, tax, rng)
}

// containsWord reports whether v occurs in s between word boundaries.
func containsWord(s, v string) bool {
	return wordRe(v).MatchString(s)
}

func replaceWord(s, v, repl string) string {
	return wordRe(v).ReplaceAllLiteralString(s, repl)
}

func wordRe(v string) *regexp.Regexp {
	isWord := func(c byte) bool {
		return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	re := regexp.QuoteMeta(v)
	if isWord(v[0]) {
		re = `\b` + re
	}
	if isWord(v[len(v)-1]) {
		re += `\b`
	}
	return regexp.MustCompile(re)
}

// splitSentences splits at ., ! or ? followed by white space, and at line
// ends; the pieces keep their punctuation.
func splitSentences(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		end := -1
		switch {
		case s[i] == '\n':
			end = i
		case (s[i] == '.' || s[i] == '!' || s[i] == '?') && i+1 < len(s) && (s[i+1] == ' ' || s[i+1] == '\n'):
			end = i + 1
		}
		if end >= 0 {
			if t := strings.TrimSpace(s[start:end]); t != "" {
				out = append(out, t)
			}
			start = end
		}
	}
	if t := strings.TrimSpace(s[start:]); t != "" {
		out = append(out, t)
	}
	return out
}

// shuffleSentences moves frac of the sentences (at least two, when there
// are two) to other sentences' places: the chosen positions are rotated,
// so every chosen sentence moves.
func shuffleSentences(s string, frac float64, rng *rand.Rand) (string, []string) {
	sents := splitSentences(s)
	if len(sents) < 2 {
		return s, []string{"unchanged: fewer than two sentences"}
	}
	k := min(len(sents), max(2, int(math.Round(frac*float64(len(sents))))))
	pos := rng.Perm(len(sents))[:k]
	slices.Sort(pos)
	moved := slices.Clone(sents)
	for j, p := range pos {
		moved[p] = sents[pos[(j+1)%k]]
	}
	return strings.Join(moved, " "), []string{fmt.Sprintf("shuffled %d of %d sentences", k, len(sents))}
}

// relatedOccupation is the first occupation in code's O*NET related list,
// else one of the same minor group.
func relatedOccupation(code string, tax *onet.Taxonomy) string {
	if rel := tax.RelatedCodes(code, 1); len(rel) > 0 {
		if o, ok := tax.ByCode(rel[0]); ok {
			return o.Title
		}
	}
	for _, o := range tax.Occupations() {
		if o.Code != code && len(code) >= 4 && strings.HasPrefix(o.Code, code[:4]) {
			return o.Title
		}
	}
	return unrelatedOccupation(code, tax, rand.New(rand.NewPCG(1, 2)))
}

// unrelatedOccupation is a seeded pick among the occupations of other
// major groups that are not in code's related list.
func unrelatedOccupation(code string, tax *onet.Taxonomy, rng *rand.Rand) string {
	related := map[string]bool{}
	for _, r := range tax.RelatedCodes(code, 0) {
		related[r] = true
	}
	group := onet.MajorGroup(code)
	var pool []string
	for _, o := range tax.Occupations() {
		if onet.MajorGroup(o.Code) != group && !related[o.Code] {
			pool = append(pool, o.Title)
		}
	}
	return pool[rng.IntN(len(pool))]
}
