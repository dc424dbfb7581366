// Package onet holds the O*NET-SOC 2019 occupation taxonomy that occbench
// predicts into: the 1,016 occupations of O*NET 29.3 with their descriptions
// and job zones, the ranked Related Occupations lists behind the
// related-match metric, the older Career Changers Matrix, alternate and
// reported job titles, the required level of education, and the SOC 2018
// hierarchy above them. It also maps free text onto an occupation
// (Normalize), saying which rule matched.
//
// The data is embedded in the binary (see data/ and internal/gen, which
// regenerates it from ../shared/data/onet with go generate). It includes
// information from the O*NET 29.3 Database by the U.S. Department of Labor,
// Employment and Training Administration (USDOL/ETA), used under the CC BY 4.0
// license; occbench has modified all or some of it, and USDOL/ETA has not
// approved, endorsed, or tested these modifications. See NOTICE.
package onet

//go:generate go run ./internal/gen -src ../../../shared/data/onet -out data

import (
	"embed"
	"fmt"
	"io/fs"
	"sync"
)

//go:embed data/*.tsv data/*.tsv.gz
var embedded embed.FS

// Occupation is one O*NET-SOC 2019 occupation.
type Occupation struct {
	Code        string // "15-1252.00"
	Title       string // "Software Developers"
	Description string
	JobZone     int // 1–5; 0 when O*NET gives none (the 93 non-data-level codes)
}

// Related is one entry of a ranked list of related occupations.
type Related struct {
	Code  string
	Tier  string // "Primary-Short", "Primary-Long", "Supplemental"; "" for Career Changers
	Index int    // 1-based rank
}

// Taxonomy is a loaded O*NET taxonomy. It is immutable and safe for
// concurrent use.
type Taxonomy struct {
	occ       []Occupation
	index     map[string]int32 // code → position in occ
	byTitle   map[string]int32
	related   [][]Related // by position; nil when O*NET gives no list
	relCodes  [][]string
	changers  [][]Related
	alternate [][]string
	short     [][]string // short forms of alternate titles ("CEO"), aliases only
	reported  [][]string
	shown     [][]bool // reported title shown in My Next Move
	education [][]float64
	groups    map[string]Group
	byLevel   [5][]Group
	zones     []JobZone

	normOnce  sync.Once
	norm      *normIndex
	classOnce sync.Once
	class     *classifier
}

var (
	defaultOnce sync.Once
	defaultTax  *Taxonomy
)

// Default returns the taxonomy embedded in the binary, parsed on first use.
// The embedded data is checked by the package tests, so a failure to parse it
// is a build defect and panics.
func Default() *Taxonomy {
	defaultOnce.Do(func() {
		t, err := Load(embedded)
		if err != nil {
			panic("onet: embedded data: " + err.Error())
		}
		defaultTax = t
	})
	return defaultTax
}

// Load reads a taxonomy from files laid out as the embedded data/ directory
// (as written by internal/gen). Most callers want Default.
func Load(fsys fs.FS) (*Taxonomy, error) {
	t := &Taxonomy{}
	steps := []func(fs.FS) error{
		t.loadOccupations, t.loadRelated, t.loadChangers, t.loadTitles,
		t.loadEducation, t.loadGroups, t.loadJobZones,
	}
	for _, step := range steps {
		if err := step(fsys); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Len returns the number of occupations (1,016 in O*NET 29.3).
func (t *Taxonomy) Len() int { return len(t.occ) }

// Occupations returns all occupations sorted by code. The slice is shared:
// do not modify it.
func (t *Taxonomy) Occupations() []Occupation { return t.occ }

// Index returns the position of code in Occupations().
func (t *Taxonomy) Index(code string) (int, bool) {
	i, ok := t.index[code]
	return int(i), ok
}

// ByCode returns the occupation with the given O*NET-SOC code.
func (t *Taxonomy) ByCode(code string) (Occupation, bool) {
	i, ok := t.index[code]
	if !ok {
		return Occupation{}, false
	}
	return t.occ[i], true
}

// ByTitle returns the occupation whose O*NET title equals title after
// trimming surrounding space. Titles are unique in O*NET, so this is the
// paper's strict matching; Normalize is the lenient one.
func (t *Taxonomy) ByTitle(title string) (Occupation, bool) {
	i, ok := t.byTitle[trimSpace(title)]
	if !ok {
		return Occupation{}, false
	}
	return t.occ[i], true
}

// Related returns the O*NET Related Occupations of code, ranked by Index
// 1..20: 1–5 Primary-Short, 6–10 Primary-Long, 11–20 Supplemental. It is nil
// for unknown codes and for the 93 occupations without a list. The result is
// a fresh copy.
func (t *Taxonomy) Related(code string) []Related {
	i, ok := t.index[code]
	if !ok || t.related[i] == nil {
		return nil
	}
	return append([]Related(nil), t.related[i]...)
}

// RelatedCodes returns the codes of the first k related occupations of code,
// best first (all of them when k <= 0). The slice is shared: do not modify it.
func (t *Taxonomy) RelatedCodes(code string, k int) []string {
	i, ok := t.index[code]
	if !ok {
		return nil
	}
	r := t.relCodes[i]
	if k > 0 && k < len(r) {
		r = r[:k:k]
	}
	return r
}

// RelatedRank returns the Index (1-based) of other in the Related Occupations
// list of code, or 0 when other is not on it. The related-match metric scores
// a prediction at rank k as 1/(k+1).
func (t *Taxonomy) RelatedRank(code, other string) int {
	i, ok := t.index[code]
	if !ok {
		return 0
	}
	for k, c := range t.relCodes[i] {
		if c == other {
			return k + 1
		}
	}
	return 0
}

// CareerChangers returns the Career Changers Matrix entries of code (O*NET
// 25.x; Index 1..10 with Tier ""), or nil when it has none. The matrix was
// derived from similarity data, not observed moves, and is no longer
// published by O*NET. The result is a fresh copy.
func (t *Taxonomy) CareerChangers(code string) []Related {
	i, ok := t.index[code]
	if !ok || t.changers[i] == nil {
		return nil
	}
	return append([]Related(nil), t.changers[i]...)
}

// AlternateTitles returns the O*NET alternate titles of code in the order of
// the O*NET file. The slice is shared: do not modify it.
func (t *Taxonomy) AlternateTitles(code string) []string {
	i, ok := t.index[code]
	if !ok {
		return nil
	}
	return t.alternate[i]
}

// ReportedTitles returns the Sample of Reported Titles of code (job titles
// incumbents reported), in the order of the O*NET file. The slice is shared:
// do not modify it.
func (t *Taxonomy) ReportedTitles(code string) []string {
	i, ok := t.index[code]
	if !ok {
		return nil
	}
	return t.reported[i]
}

// ShownReportedTitles returns the reported titles of code that O*NET shows in
// My Next Move, its most recognisable ones. The result is a fresh slice.
func (t *Taxonomy) ShownReportedTitles(code string) []string {
	i, ok := t.index[code]
	if !ok {
		return nil
	}
	var out []string
	for k, s := range t.reported[i] {
		if t.shown[i][k] {
			out = append(out, s)
		}
	}
	return out
}

// Education returns, for each Required Level of Education category (index 0 =
// category 1, see EducationLevels), the share of respondents who said the
// occupation requires it, as a fraction 0–1. The shares sum to 1 within
// O*NET's rounding (±0.0003). It is nil for the 158 occupations O*NET gives
// no education data for. The slice is shared: do not modify it.
func (t *Taxonomy) Education(code string) []float64 {
	i, ok := t.index[code]
	if !ok {
		return nil
	}
	return t.education[i]
}

// JobZone describes one O*NET job zone, a level of preparation needed.
type JobZone struct {
	Zone       int    // 1–5
	Name       string // "Job Zone One: Little or No Preparation Needed"
	Experience string
	Education  string
	Training   string
	Examples   string
	SVPRange   string
}

// JobZones returns the five job zones of the O*NET Job Zone Reference. The
// slice is shared: do not modify it.
func (t *Taxonomy) JobZones() []JobZone { return t.zones }

func errorf(file string, line int, format string, args ...any) error {
	return fmt.Errorf("onet: %s:%d: %s", file, line, fmt.Sprintf(format, args...))
}
