package reports

import (
	"fmt"
	"math"
	"strings"
)

// Options control a report. The zero value is usable: the best system by
// EM is the reference, McNemar exact with Bonferroni at 0.05, the embedded
// paper expectations, two examples of each kind per system.
type Options struct {
	// Reference is the runner Table 2 tests every other system against;
	// "" means the best by EM (the first in display order on a tie).
	Reference    string
	Significance Significance
	// Paper holds the published numbers shown beside ours; nil means
	// DefaultPaper(). NoPaper turns the comparison off.
	Paper   *Paper
	NoPaper bool
	Inputs  Inputs
	// Examples is how many best and how many worst predictions per system
	// the PDF shows; 0 means 2, negative none.
	Examples int
}

// DefaultExamples is the number of best and of worst examples per system.
const DefaultExamples = 2

func (o Options) withDefaults() Options {
	o.Significance = o.Significance.withDefaults()
	if o.Paper == nil && !o.NoPaper {
		o.Paper = DefaultPaper()
	}
	if o.NoPaper {
		o.Paper = nil
	}
	if o.Examples == 0 {
		o.Examples = DefaultExamples
	}
	return o
}

// Report is everything computed from a run for its tables, charts and PDF.
type Report struct {
	Run       *Run
	Opts      Options
	Reference *System
	// VsRef[i] tests the reference against Run.Systems[i] (zero for the
	// reference itself); the family is every other system.
	VsRef []Test
	// Pairs tests every pair of systems; the family is all pairs.
	Pairs []Test
	// HorizonVsRef[h-1] is VsRef on EM@h, for a path run (nil otherwise);
	// each horizon is its own family.
	HorizonVsRef [][]Test
	// Similarity is each system's reasons against the oracle reasons, where
	// both exist.
	Similarity map[string]*Similarity

	Table1, Table2, Table3, Table4, Scaling, McNemar, Rates, PaperDiff *Table
	// Horizons (accuracy by horizon) and Paths (whole-path measures) exist
	// for a path run only; nil for a single-step run.
	Horizons, Paths *Table
}

// Build computes a report from a loaded run.
func Build(run *Run, o Options) (*Report, error) {
	o = o.withDefaults()
	r := &Report{Run: run, Opts: o}
	if len(run.Systems) == 0 {
		return nil, fmt.Errorf("run %s has no scored runners", run.Dir)
	}
	if err := r.significance(); err != nil {
		return nil, err
	}
	if err := r.horizonSignificance(); err != nil {
		return nil, err
	}
	sim, err := similarities(run)
	if err != nil {
		return nil, err
	}
	r.Similarity = sim
	r.Table2 = r.table2()
	r.Horizons, r.Paths = r.horizonTable(), r.pathTable()
	r.McNemar = r.mcnemarTable()
	r.Rates = r.ratesTable()
	r.Table3 = r.table3()
	r.Table1 = r.table1()
	r.Table4 = r.table4()
	r.Scaling = r.scalingTable()
	r.PaperDiff = r.paperTable()
	return r, nil
}

// Tables lists the report's tables in the order they are written.
func (r *Report) Tables() []*Table {
	ts := []*Table{r.Table2}
	if r.Horizons != nil {
		ts = append(ts, r.Horizons, r.Paths)
	}
	ts = append(ts, r.McNemar, r.Rates, r.Table3, r.Table1, r.Table4, r.Scaling)
	if r.PaperDiff != nil {
		ts = append(ts, r.PaperDiff)
	}
	var out []*Table
	missing := &Table{
		ID:      NotInReportID,
		Title:   "Not in this report",
		Columns: []Column{{"Table", Left}, {"Why, and what would fill it", Left}},
	}
	for _, t := range ts {
		if len(t.Rows) > 0 {
			out = append(out, t)
			continue
		}
		missing.Rows = append(missing.Rows, Row{Cells: []string{tableName(t.Title), t.Empty}})
	}
	if len(missing.Rows) > 0 {
		out = append(out, missing)
	}
	return out
}

// NotInReportID is the table that lists, in one line each, the tables
// without data, rather than printing each one empty.
const NotInReportID = "not_in_report"

// tableName is a title's name part: "Table 3" of "Table 3: Reasoning…".
func tableName(title string) string {
	name, _, _ := strings.Cut(title, ":")
	return name
}

// significance picks the reference and runs the two families of tests.
func (r *Report) significance() error {
	ss := r.Run.Systems
	if r.Opts.Reference != "" {
		r.Reference = r.Run.System(r.Opts.Reference)
		if r.Reference == nil {
			return fmt.Errorf("--reference %s: the run has no such runner (it has %s)", r.Opts.Reference, strings.Join(names(ss), ", "))
		}
	} else {
		best := math.Inf(-1)
		for _, s := range ss {
			if em := headlineEM(r.Run, s); em > best {
				best, r.Reference = em, s
			}
		}
		if r.Reference == nil {
			r.Reference = ss[0]
		}
	}
	var pairs [][2]*System
	for _, s := range ss {
		if s != r.Reference {
			pairs = append(pairs, [2]*System{r.Reference, s})
		}
	}
	fam, err := testFamily(pairs, r.Opts.Significance)
	if err != nil {
		return err
	}
	r.VsRef = make([]Test, len(ss))
	k := 0
	for i, s := range ss {
		if s != r.Reference {
			r.VsRef[i] = fam[k]
			k++
		}
	}
	r.Pairs, err = testFamily(allPairs(ss), r.Opts.Significance)
	return err
}

func names(ss []*System) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Name
	}
	return out
}

// strictEM reports whether the run's headline EM is the paper's title
// match rather than code equality.
func strictEM(run *Run) bool {
	switch run.Manifest.Protocol.EM {
	case "strict", "title", "em_strict":
		return true
	}
	return false
}

// headlineEM is the EM the protocol names, with its interval.
func headlineEM(run *Run, s *System) float64 {
	v, _, _ := headlineEMCI(run, s)
	return v
}

func headlineEMCI(run *Run, s *System) (v, lo, hi float64) {
	sc := s.Scores
	if strictEM(run) {
		return sc.EMStrict.Float(), sc.EMStrictCI[0].Float(), sc.EMStrictCI[1].Float()
	}
	return sc.EM.Float(), sc.EMCI[0].Float(), sc.EMCI[1].Float()
}

// protocolNote states how the run was scored; tables over the test users
// carry it.
func (r *Report) protocolNote() string {
	p := r.Run.Manifest.Protocol
	em := "EM on O*NET codes (the answer mapped onto the taxonomy)"
	if strictEM(r.Run) {
		em = "EM on title strings (the paper's released code)"
	}
	boot := ""
	if p.Bootstrap > 0 {
		boot = fmt.Sprintf("; 95%% percentile bootstrap intervals, %s resamples", count(p.Bootstrap))
	}
	return fmt.Sprintf("Protocol: test set %s, %s; %s; RM over the true occupation and %d O*NET related occupations%s.",
		short(r.Run.TestDigest()), r.usersScored("user", "users"), em, p.Related, boot)
}

// usersScored says how many test users the run scored ("1,000 users"),
// and for a run limited with --limit that it was limited ("the first 200
// of 1,000 users (--limit 200)") or one made with --shard that it is a
// shard ("330 users of shard 0/3"), so no caption passes part of a test
// set off as the whole.
func (r *Report) usersScored(one, many string) string {
	m := r.Run.Manifest
	n := m.Protocol.TestUsers
	if n == 0 {
		n = len(r.Run.Test)
	}
	if m.Shard != nil {
		return fmt.Sprintf("%s of shard %s", plural(n, one, many), m.Shard)
	}
	if m.Limit <= 0 {
		return plural(n, one, many)
	}
	if all := m.Datasets["test"].Users; all > n {
		return fmt.Sprintf("the first %s of %s %s (--limit %d)", count(n), count(all), many, m.Limit)
	}
	return fmt.Sprintf("%s (--limit %d, which kept them all)", plural(n, one, many), m.Limit)
}

// systemLabel is how tables name a system.
func systemLabel(s *System) string { return s.Display }
