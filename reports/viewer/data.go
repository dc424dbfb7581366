package viewer

import (
	"cmp"
	"slices"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/reasons"
	"github.com/occbench/occbench/reports"
	"github.com/occbench/occbench/rundir"
)

// The page's data. Field names are short where a field repeats per user or
// per prediction, since they are repeated in the JSON; the script in
// assets/viewer.js is their other reader.

// meta is what the page shows before any user is opened; it is embedded as
// plain JSON.
type meta struct {
	Run       string           `json:"run"`
	Manifest  *rundir.Manifest `json:"manifest"`
	Warnings  []string         `json:"warnings"`
	Reference string           `json:"reference"` // Table 2's
	// Family says how the pairwise tests were made (test, correction, m).
	Family   string    `json:"family"`
	Systems  []system  `json:"systems"`
	Pairs    []pair    `json:"pairs"`
	Tables   []table   `json:"tables"`
	Charts   []chart   `json:"charts"`
	Mappings []string  `json:"mappings"`
	Chunk    int       `json:"chunk"` // users per detail chunk
	Judge    judgeInfo `json:"judge"`
}

type system struct {
	Name     string  `json:"name"`
	Display  string  `json:"display"`
	Category string  `json:"category"`
	Kind     string  `json:"kind"`
	Mode     string  `json:"mode,omitempty"`
	EM       float64 `json:"em"` // the protocol's headline EM over the test users
	Failed   int     `json:"failed"`
	Missing  int     `json:"missing"`
	Judged   int     `json:"judged"` // users whose reason has a current judge record
}

// pair is McNemar's test of two systems: OnlyA users only A got right.
type pair struct {
	A     string  `json:"a"`
	B     string  `json:"b"`
	OnlyA int     `json:"only_a"`
	OnlyB int     `json:"only_b"`
	P     float64 `json:"p"`
	PAdj  float64 `json:"p_adj"`
	Sig   bool    `json:"sig"`
}

type table struct {
	ID      string     `json:"id"`
	Title   string     `json:"title"`
	Group   string     `json:"group,omitempty"`
	Columns []column   `json:"columns"`
	Rows    []tableRow `json:"rows"`
	Notes   []string   `json:"notes,omitempty"`
}

type column struct {
	Name  string `json:"name"`
	Right bool   `json:"right,omitempty"`
}

type tableRow struct {
	Group string   `json:"group,omitempty"`
	Cells []string `json:"cells"`
}

type chart struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	SVG   string `json:"svg"`
}

type judgeInfo struct {
	Files     []string `json:"files,omitempty"`
	Threshold int      `json:"threshold"`
	Stale     int      `json:"stale"` // records of a reason text that has since changed
}

// index is every user in a few bytes per system: the list, its filters,
// search and the McNemar cells read it. Occupations are indices into Occ.
type index struct {
	Occ    [][2]string `json:"occ"` // code, title
	ID     []string    `json:"id"`
	Target []int       `json:"target"`
	Hist   [][]int     `json:"hist"` // the history's job occupations
	Sys    []sysIndex  `json:"sys"`  // in meta.Systems order
}

// Per-user outcome letters of sysIndex.St.
const (
	stExact   = 'E' // exact match
	stRelated = 'R' // wrong, but on the true occupation's related list
	stWrong   = 'W'
	stFailed  = 'F' // recorded with an error; counts as wrong
	stMissing = 'M' // no record; counts as wrong
)

type sysIndex struct {
	St    string `json:"st"`    // one outcome letter per user
	Pred  []int  `json:"pred"`  // predicted occupation, -1 for none
	Map   []int  `json:"map"`   // mapping method, an index into meta.Mappings; -1 for none
	Score []int  `json:"score"` // classifier score in thousandths, -1 when not given
	Judge []int  `json:"judge"` // the lowest judge score, 0 when not judged
}

// userDetail is what a user page shows beyond the index.
type userDetail struct {
	History []record    `json:"history"`
	Related []int       `json:"related"` // the target's related occupations, as RM counts them
	Bayes   int         `json:"bayes"`   // the Bayes-optimal occupation of synthetic data, else -1
	Oracle  *oracleView `json:"oracle,omitempty"`
	Preds   []*predView `json:"preds"` // in meta.Systems order; null where there is no record
}

type record struct {
	Kind     string  `json:"kind"`
	Start    string  `json:"start,omitempty"`
	End      string  `json:"end,omitempty"`
	Title    string  `json:"title,omitempty"`
	Occ      int     `json:"occ"`
	Industry string  `json:"industry,omitempty"`
	Method   string  `json:"method,omitempty"`
	Score    float64 `json:"score,omitempty"`
	School   string  `json:"school,omitempty"`
	Degree   string  `json:"degree,omitempty"`
	Major    string  `json:"major,omitempty"`
	Grad     int     `json:"grad,omitempty"`
}

type oracleView struct {
	Reason string     `json:"reason"`
	Judge  *judgeView `json:"judge,omitempty"`
}

type predView struct {
	Answer  string     `json:"answer,omitempty"`
	Parse   string     `json:"parse,omitempty"`
	Mapping string     `json:"mapping,omitempty"`
	Score   float64    `json:"score,omitempty"`
	Occ     int        `json:"occ"`
	RM      float64    `json:"rm"`
	Ranked  []int      `json:"ranked,omitempty"`
	Scores  []float64  `json:"scores,omitempty"`
	Reason  string     `json:"reason,omitempty"`
	Raw     string     `json:"raw,omitempty"` // omitted when it is the reason alone
	PT      int        `json:"pt,omitempty"`
	CT      int        `json:"ct,omitempty"`
	RT      int        `json:"rt,omitempty"`
	Latency float64    `json:"ms"`
	Error   string     `json:"error,omitempty"`
	Calls   []callView `json:"calls,omitempty"`
	Judge   *judgeView `json:"judge,omitempty"`
	// StaleJudge says a judge record exists for an earlier text of the
	// reason; its scores are not shown.
	StaleJudge bool `json:"stale_judge,omitempty"`
}

type callView struct {
	Role    string  `json:"role"`
	Model   string  `json:"model"`
	Source  string  `json:"source"`
	Tries   int     `json:"tries,omitempty"`
	Finish  string  `json:"finish,omitempty"`
	PT      int     `json:"pt,omitempty"`
	CT      int     `json:"ct,omitempty"`
	Latency float64 `json:"ms"`
	Raw     string  `json:"raw,omitempty"`
	Error   string  `json:"error,omitempty"`
}

type judgeView struct {
	Pass bool          `json:"pass"`
	Dims [3]judgeScore `json:"dims"` // factuality, coherence, utility
}

type judgeScore struct {
	Score int    `json:"score"`
	Why   string `json:"why,omitempty"`
	Error string `json:"error,omitempty"`
}

// RankedShown is how many ranked occupations a user page lists per system.
const RankedShown = 10

// occupations numbers the occupations the page mentions, in order of first
// use, with their O*NET titles.
type occupations struct {
	tax   *onet.Taxonomy
	index map[string]int
	list  [][2]string
}

func newOccupations() *occupations {
	return &occupations{tax: onet.Default(), index: map[string]int{}}
}

// id returns code's number, or -1 for no code; title is used where the
// taxonomy does not know the code.
func (o *occupations) id(code, title string) int {
	if code == "" {
		return -1
	}
	if i, ok := o.index[code]; ok {
		return i
	}
	if occ, ok := o.tax.ByCode(code); ok {
		title = occ.Title
	}
	o.index[code] = len(o.list)
	o.list = append(o.list, [2]string{code, title})
	return len(o.list) - 1
}

func (o *occupations) ids(codes []string) []int {
	out := make([]int, len(codes))
	for i, c := range codes {
		out[i] = o.id(c, "")
	}
	return out
}

// known is code's number without numbering it, -1 for none: the detail
// chunks, written in parallel, only read the numbers the scan gave.
func (o *occupations) known(code string) int {
	if i, ok := o.index[code]; ok {
		return i
	}
	return -1
}

func (o *occupations) knownAll(codes []string) []int {
	out := make([]int, len(codes))
	for i, c := range codes {
		out[i] = o.known(c)
	}
	return out
}

func newTable(t *reports.Table) table {
	out := table{ID: t.ID, Title: t.Title, Group: t.Group, Notes: t.Notes}
	for _, c := range t.Columns {
		out.Columns = append(out.Columns, column{Name: c.Name, Right: c.Align == reports.Right})
	}
	for _, r := range t.Rows {
		out.Rows = append(out.Rows, tableRow{Group: r.Group, Cells: r.Cells})
	}
	return out
}

func newRecord(r bench.Record, occ *occupations) record {
	out := record{Kind: r.Kind.String(), Start: r.Start.String(), End: r.End.String(), Occ: -1}
	if r.IsJob() {
		out.Title, out.Industry, out.Method, out.Score = r.Title, r.Industry, r.CodeMethod, r.CodeScore
		out.Occ = occ.known(r.Code)
		return out
	}
	out.School, out.Degree, out.Major, out.Grad = r.School, r.Degree, r.Major, r.GradYear
	return out
}

func newJudgeView(r *reasons.JudgeRecord) *judgeView {
	v := &judgeView{Pass: r.Pass}
	for i, s := range []reasons.JudgeScore{r.Factuality, r.Coherence, r.Utility} {
		v.Dims[i] = judgeScore{Score: s.Score, Why: s.Justification, Error: s.Error}
	}
	return v
}

// lowest is the lowest of a verdict's scores; an unscored dimension is 0.
func (v *judgeView) lowest() int {
	return slices.Min([]int{v.Dims[0].Score, v.Dims[1].Score, v.Dims[2].Score})
}

func newPredView(p *rundir.Prediction, rm float64, occ *occupations) *predView {
	v := &predView{
		Answer: p.Answer, Parse: p.Parse, Mapping: p.Mapping, Score: p.MapScore,
		Occ: occ.known(p.Code), RM: rm, Reason: p.Reason,
		PT: p.PromptTokens, CT: p.CompletionTokens, RT: p.ReasoningTokens,
		Latency: p.LatencyMS, Error: p.Error,
	}
	if p.Raw != p.Reason {
		v.Raw = p.Raw
	}
	n := min(len(p.Ranked), RankedShown)
	v.Ranked = occ.knownAll(p.Ranked[:n])
	if len(p.Scores) >= n && n > 0 {
		v.Scores = p.Scores[:n]
	}
	for _, c := range p.Calls {
		cv := callView{Role: c.Role, Model: c.Model, Source: c.Source, Tries: c.Tries, Finish: c.FinishReason,
			PT: c.PromptTokens, CT: c.CompletionTokens, Latency: c.LatencyMS, Error: c.Error}
		if c.Raw != p.Raw {
			cv.Raw = c.Raw
		}
		v.Calls = append(v.Calls, cv)
	}
	return v
}

// status is a user's outcome letter for one system.
func status(o *reports.Outcomes, i int) byte {
	switch {
	case !o.Recorded[i]:
		return stMissing
	case o.Failed[i]:
		return stFailed
	case o.EM[i]:
		return stExact
	case o.RM[i] > 0:
		return stRelated
	}
	return stWrong
}

// mappings lists the mapping methods in a fixed order, known ones first,
// so that the page's filter offers them in the same order every time.
var knownMappings = []string{"exact", "normalised", "code", "alias", "classified", "reranked", "none"}

func mappingIndex(list *[]string, m string) int {
	if m == "" {
		return -1
	}
	if i := slices.Index(*list, m); i >= 0 {
		return i
	}
	*list = append(*list, m)
	return len(*list) - 1
}

// sortedMappings orders the methods met: known ones in knownMappings order,
// others after them by name. It returns the order and, for each method's
// old index, its new one.
func sortedMappings(met []string) ([]string, []int) {
	order := slices.Clone(met)
	rank := func(m string) int {
		if i := slices.Index(knownMappings, m); i >= 0 {
			return i
		}
		return len(knownMappings)
	}
	slices.SortFunc(order, func(a, b string) int { return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a, b)) })
	remap := make([]int, len(met))
	for i, m := range met {
		remap[i] = slices.Index(order, m)
	}
	return order, remap
}
