package bench

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/occbench/occbench/bench/esco"
	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/internal/safefile"
)

// Import formats.
const (
	FormatCSV     = "csv"
	FormatJSONL   = "jsonl"
	FormatRecBole = "recbole"
	FormatJobHop  = "jobhop" // JobHop's CSV: one ESCO-coded job per row
)

// What an input's occupation field holds (ImportOptions.Codes).
const (
	TaxonomyONET = "onet" // O*NET-SOC 2019 codes or exact titles
	TaxonomyESCO = "esco" // ESCO concept URIs, occupation codes or labels, mapped by bench/esco
)

// ImportOptions control an import. The zero value is not useful; start from
// DefaultImport.
type ImportOptions struct {
	Format  string
	MinJobs int // users with fewer valid jobs are dropped
	MaxJobs int // users with more valid jobs are dropped
	// SkipInvalid drops malformed rows (reporting them) instead of failing.
	SkipInvalid bool
	// Dedupe drops exact copies of a user's record (the same CSV given
	// twice); they are counted either way.
	Dedupe bool
	// Codes says what the occupation field holds: TaxonomyONET or
	// TaxonomyESCO; "" means the format's own (ESCO for JobHop, else O*NET).
	Codes string
	// Classify assigns a job whose occupation field is empty, or is neither
	// an O*NET-SOC code nor an exact title, the occupation the classifier
	// reads in its title (or, without a title, in the occupation field).
	// A best score under MinScore (0 means onet.DefaultMinScore) leaves the
	// job unclassified; it is dropped and counted.
	Classify  bool
	MinScore  float64
	Taxonomy  *onet.Taxonomy   // nil means onet.Default()
	Crosswalk *esco.Crosswalk  // for TaxonomyESCO; nil means esco.Default()
	Now       func() time.Time // for the plausibility of dates; nil means time.Now
	// TestUsers, when positive, holds out that many users as the test set,
	// chosen as Split chooses them with SplitSeed (Imported.Each says which).
	TestUsers int
	SplitSeed uint64
	// Horizon is K, the number of target jobs (0 means 1): each user's last
	// K jobs are the target path, and a user needs the history MinJobs asks
	// for (MinJobs−1 jobs) plus K jobs. With SplitTime, the targets are the
	// first K jobs from the cutoff on.
	Horizon int
	// Split is how train and test users are told apart: SplitUser (or "")
	// holds out TestUsers users; SplitTime splits every career at Cutoff,
	// the first day of a month (ParseCutoff): the test set holds the users
	// with a job before it and Horizon jobs from it on, their history what
	// began before it; the train set holds every career cut at it, its
	// last job before the cutoff the target, so that nothing from the
	// cutoff on is trained on.
	Split  string
	Cutoff Date
	// Memory bounds the parsed records held in memory, in bytes (0 means
	// DefaultImportMemory): beyond it they are sorted by user and spilled
	// to temporary files in TempDir ("" means os.TempDir()), which are
	// merged afterwards. The output does not depend on it.
	Memory  int64
	TempDir string
}

// How an import splits train from test users (ImportOptions.Split).
const (
	SplitUser = "user" // hold out --test-users users, by a seeded hash of their id
	SplitTime = "time" // split every career at a global date
)

// ParseCutoff reads the month of a time split, YYYY-MM, as its first day.
func ParseCutoff(s string) (Date, error) {
	bad := fmt.Errorf("cutoff %q: want a month YYYY-MM, such as 2021-01", s)
	if len(s) != 7 || s[4] != '-' {
		return NoDate, bad
	}
	for i, c := range []byte(s) {
		if i != 4 && (c < '0' || c > '9') {
			return NoDate, bad
		}
	}
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return NoDate, bad
	}
	return DateOf(t.Year(), t.Month(), 1), nil
}

// DefaultImport holds the paper's preprocessing settings.
var DefaultImport = ImportOptions{Format: FormatCSV, MinJobs: 5, MaxJobs: 15}

// InputError is a malformed value in an input file.
type InputError struct {
	File  string
	Line  int
	Field string // column or JSON field; "" for whole-row problems
	Value string
	Want  string
}

func (e *InputError) Error() string {
	where := fmt.Sprintf("%s:%d", e.File, e.Line)
	if e.Field == "" {
		return fmt.Sprintf("%s: %s", where, e.Want)
	}
	return fmt.Sprintf("%s: field %q: value %q: %s", where, e.Field, e.Value, e.Want)
}

// InvalidRow is a row skipped under SkipInvalid.
type InvalidRow struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Field  string `json:"field,omitempty"`
	Value  string `json:"value,omitempty"`
	Reason string `json:"reason"`
}

// maxListedInvalid caps how many skipped rows the report lists one by one;
// the count covers all of them.
const maxListedInvalid = 20

// ImportReport says what an import read, kept and dropped, and why.
type ImportReport struct {
	Format         string         `json:"format"`
	Inputs         []string       `json:"inputs"`
	Rows           int            `json:"rows"`
	InvalidRows    int            `json:"invalid_rows"`
	Invalid        []InvalidRow   `json:"invalid,omitempty"`
	IgnoredColumns []string       `json:"ignored_columns,omitempty"`
	DroppedRecords map[string]int `json:"dropped_records"`
	UsersRead      int            `json:"users_read"`
	UsersDropped   map[string]int `json:"users_dropped"`
	Users          int            `json:"users"`
	JobRecords     int            `json:"job_records"` // in kept users, history and targets
	EduRecords     int            `json:"education_records"`
	MinJobs        int            `json:"min_jobs"`
	MaxJobs        int            `json:"max_jobs"`
	// Horizon is K, the number of target jobs, when more than one.
	Horizon int          `json:"horizon,omitempty"`
	Split   *SplitReport `json:"split,omitempty"`
	// What was merged: exact copies of a record of the same user (dropped
	// with Dedupe), and users given on more than one JSONL line.
	DuplicateRecords int  `json:"duplicate_records"`
	DuplicatesKept   bool `json:"duplicates_kept,omitempty"`
	UsersOnManyLines int  `json:"users_on_several_lines,omitempty"`
	// Warnings are facts that do not stop the import (implausible dates).
	Warnings []string `json:"warnings,omitempty"`
	// Taxonomy is what the occupation field held (TaxonomyONET or
	// TaxonomyESCO); Crosswalk says how ESCO values were mapped.
	Taxonomy   string            `json:"taxonomy"`
	Crosswalk  *CrosswalkReport  `json:"crosswalk,omitempty"`
	Classifier *ClassifierReport `json:"classifier,omitempty"`
}

// ClassifierReport says how the classifier placed the jobs it was asked
// about (Classify): job records read whose occupation field was empty or
// free text, counted before --dedupe and the users' filters.
type ClassifierReport struct {
	MinScore float64 `json:"min_score"`
	Jobs     int     `json:"jobs"`
	// ByMethod counts the classified jobs by how the classifier found the
	// occupation: exact, normalised, code, alias, classified.
	ByMethod     map[string]int `json:"by_method"`
	Unclassified int            `json:"unclassified"`
	// UnclassifiedTitles are the most frequent texts left unclassified (at
	// most 20), most frequent first, ties in text order.
	UnclassifiedTitles []ValueCount `json:"unclassified_titles,omitempty"`
}

// CrosswalkReport counts how the jobs' ESCO occupations were mapped onto
// O*NET-SOC 2019 (see package esco for the rules). It counts the job records
// read with a non-empty occupation, after --dedupe and before the users'
// filters; Unmapped equals the records dropped as DropUnmapped.
type CrosswalkReport struct {
	Jobs int `json:"jobs"`
	// Mapped counts mapped jobs by rule: esco.KindURI, esco.KindLabel and
	// esco.KindISCO (an ESCO or ISCO code, through its ISCO group).
	Mapped map[string]int `json:"mapped"`
	// Ambiguous counts the code_via_isco mappings whose ISCO group's rows
	// disagree; Split the mappings through an O*NET-SOC 2010 code that
	// became several 2019 codes.
	Ambiguous int `json:"ambiguous"`
	Split     int `json:"split"`
	Unmapped  int `json:"unmapped"`
	// UnmappedValues are the most frequent values not mapped (at most 20),
	// most frequent first, ties in value order.
	UnmappedValues []ValueCount `json:"unmapped_values,omitempty"`
}

// ValueCount is an input value and the number of records that hold it.
type ValueCount struct {
	Value string `json:"value"`
	Jobs  int    `json:"jobs"`
}

// maxListedUnmapped caps how many unmapped values the report lists.
const maxListedUnmapped = 20

// SplitReport describes a train/test split: by user (Seed), or, with
// Method "time", at Cutoff, with the users that are in no test set or no
// train set by reason (NotTest, NotTrain). Train and Test count examples.
type SplitReport struct {
	Seed     uint64         `json:"seed"`
	Train    int            `json:"train"`
	Test     int            `json:"test"`
	Method   string         `json:"method,omitempty"`
	Cutoff   string         `json:"cutoff,omitempty"` // YYYY-MM
	NotTest  map[string]int `json:"not_test,omitempty"`
	NotTrain map[string]int `json:"not_train,omitempty"`
}

// Why a user of a time split has no test or no train example
// (SplitReport.NotTest, NotTrain).
const (
	NotTestNoHistory = "no job before the cutoff"
	NotTestShortPath = "fewer than horizon jobs from the cutoff on"
	NotTrainTooFew   = "fewer than 2 jobs before the cutoff"
)

// Reasons for dropping records and users, as they appear in reports.
const (
	DropNoStart      = "job without start date"
	DropNoOccupation = "job without occupation"
	DropUnmapped     = "job whose occupation the crosswalk does not map"
	DropUnclassified = "job whose title the classifier leaves unclassified"
	DropAfterTarget  = "education after the last job"
	DropInPath       = "education within the target path"
	DropTooFewJobs   = "fewer valid jobs than min"
	DropShortPath    = "fewer valid jobs than min − 1 + horizon"
	DropTooManyJobs  = "more valid jobs than max"
	DropNoRecords    = "no records"
)

// WriteText prints the report for people.
func (r *ImportReport) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "import (%s): %d rows from %d file(s)\n", r.Format, r.Rows, len(r.Inputs))
	if r.InvalidRows > 0 {
		fmt.Fprintf(&b, "  skipped %d invalid rows:\n", r.InvalidRows)
		for _, inv := range r.Invalid {
			if inv.Field != "" {
				fmt.Fprintf(&b, "    %s:%d: field %q: value %q: %s\n", inv.File, inv.Line, inv.Field, inv.Value, inv.Reason)
			} else {
				fmt.Fprintf(&b, "    %s:%d: %s\n", inv.File, inv.Line, inv.Reason)
			}
		}
		if r.InvalidRows > len(r.Invalid) {
			fmt.Fprintf(&b, "    … and %d more\n", r.InvalidRows-len(r.Invalid))
		}
	}
	if len(r.IgnoredColumns) > 0 {
		what := "columns"
		if r.Format == FormatJSONL {
			what = "keys"
		}
		fmt.Fprintf(&b, "  ignored %s: %s\n", what, strings.Join(r.IgnoredColumns, ", "))
	}
	if r.DuplicateRecords > 0 {
		fate := "dropped (--dedupe)"
		if r.DuplicatesKept {
			fate = "kept; --dedupe drops them"
		}
		fmt.Fprintf(&b, "  duplicate records (exact copies of a record of the same user): %d, %s\n", r.DuplicateRecords, fate)
	}
	if r.UsersOnManyLines > 0 {
		fmt.Fprintf(&b, "  users given on more than one line, their records merged: %d\n", r.UsersOnManyLines)
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(&b, "  warning: %s\n", w)
	}
	if x := r.Crosswalk; x != nil {
		fmt.Fprintf(&b, "  ESCO occupations onto O*NET-SOC 2019 (crosswalk): %d jobs with an occupation\n", x.Jobs)
		fmt.Fprintf(&b, "    mapped by concept URI: %d\n", x.Mapped[string(esco.KindURI)])
		fmt.Fprintf(&b, "    mapped by label: %d\n", x.Mapped[string(esco.KindLabel)])
		fmt.Fprintf(&b, "    mapped by ESCO or ISCO code, through its ISCO group: %d (%d in groups whose occupations disagree)\n", x.Mapped[string(esco.KindISCO)], x.Ambiguous)
		fmt.Fprintf(&b, "    mapped through an O*NET-SOC 2010 code that split in 2019: %d\n", x.Split)
		fmt.Fprintf(&b, "    not mapped: %d", x.Unmapped)
		writeMostFrequent(&b, x.UnmappedValues)
	}
	if x := r.Classifier; x != nil {
		fmt.Fprintf(&b, "  occupations read from job titles (--classify, --min-score %g): %d jobs\n", x.MinScore, x.Jobs)
		for _, m := range slices.Sorted(maps.Keys(x.ByMethod)) {
			fmt.Fprintf(&b, "    %s: %d\n", m, x.ByMethod[m])
		}
		fmt.Fprintf(&b, "    unclassified: %d", x.Unclassified)
		writeMostFrequent(&b, x.UnclassifiedTitles)
	}
	for _, k := range slices.Sorted(maps.Keys(r.DroppedRecords)) {
		fmt.Fprintf(&b, "  dropped records, %s: %d\n", k, r.DroppedRecords[k])
	}
	fmt.Fprintf(&b, "  users read: %d\n", r.UsersRead)
	for _, k := range slices.Sorted(maps.Keys(r.UsersDropped)) {
		n := r.MinJobs
		switch k {
		case DropTooManyJobs:
			n = r.MaxJobs
		case DropShortPath:
			n = r.MinJobs - 1 + r.Horizon
		}
		if k == DropNoRecords {
			fmt.Fprintf(&b, "  dropped users, %s: %d\n", k, r.UsersDropped[k])
			continue
		}
		fmt.Fprintf(&b, "  dropped users, %s (%d): %d\n", k, n, r.UsersDropped[k])
	}
	fmt.Fprintf(&b, "  users kept: %d (%d job and %d education records)\n", r.Users, r.JobRecords, r.EduRecords)
	if r.Horizon > 1 {
		fmt.Fprintf(&b, "  horizon: %d target jobs per user\n", r.Horizon)
	}
	if s := r.Split; s != nil && s.Method == SplitTime {
		fmt.Fprintf(&b, "  split (time, cutoff %s): %d train, %d test\n", s.Cutoff, s.Train, s.Test)
		for _, k := range slices.Sorted(maps.Keys(s.NotTest)) {
			why := k
			if k == NotTestShortPath {
				why = fmt.Sprintf("fewer than %d jobs (the horizon) from the cutoff on", max(r.Horizon, 1))
			}
			fmt.Fprintf(&b, "    users not in test, %s: %d\n", why, s.NotTest[k])
		}
		for _, k := range slices.Sorted(maps.Keys(s.NotTrain)) {
			fmt.Fprintf(&b, "    users not in train, %s: %d\n", k, s.NotTrain[k])
		}
	} else if s != nil {
		fmt.Fprintf(&b, "  split (seed %d): %d train, %d test\n", s.Seed, s.Train, s.Test)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeMostFrequent ends a report line with the values it lists.
func writeMostFrequent(b *strings.Builder, vs []ValueCount) {
	for i, v := range vs {
		sep := ", "
		if i == 0 {
			sep = "; most frequent: "
		}
		fmt.Fprintf(b, "%s%q %d", sep, v.Value, v.Jobs)
	}
	b.WriteString("\n")
}

// importer turns parsed rows into examples, applying the preprocessing.
type importer struct {
	opts   ImportOptions
	tax    *onet.Taxonomy
	cw     *esco.Crosswalk // nil unless the input holds ESCO occupations
	report ImportReport
	groups *grouper              // the parsed records, by user
	mapped map[string]escoResult // ESCO value → its mapping, memoised
	// classified memoises the classifier by text; unclassified counts the
	// texts it left unclassified.
	classified   map[string]onet.Classification
	unclassified map[string]int
	// What the preprocessing counts as users stream past: unmapped ESCO
	// values, and dates before 1900 or after latest.
	unmapped    map[string]int
	implausible int
	latest      int
}

// escoResult is a memoised esco.Crosswalk.Map.
type escoResult struct {
	m     esco.Mapping
	title string // of m.Code
	ok    bool
}

func titleOf(tax *onet.Taxonomy, code string) (string, bool) {
	o, ok := tax.ByCode(code)
	return o.Title, ok
}

func newImporter(ctx context.Context, opts ImportOptions, inputs []string, tmp string) *importer {
	tax := opts.Taxonomy
	if tax == nil {
		tax = onet.Default()
	}
	im := &importer{
		opts: opts,
		tax:  tax,
		report: ImportReport{
			Format:         opts.Format,
			Inputs:         inputs,
			DroppedRecords: map[string]int{},
			UsersDropped:   map[string]int{},
			MinJobs:        opts.MinJobs,
			MaxJobs:        opts.MaxJobs,
			Taxonomy:       opts.Codes,
		},
		groups:   newGrouper(ctx, tmp, cmp.Or(opts.Memory, DefaultImportMemory)),
		unmapped: map[string]int{},
	}
	if opts.Codes == TaxonomyESCO {
		im.cw = opts.Crosswalk
		if im.cw == nil {
			im.cw = esco.Default()
		}
		im.mapped = map[string]escoResult{}
		im.report.Crosswalk = &CrosswalkReport{Mapped: map[string]int{}}
	}
	if opts.Horizon > 1 {
		im.report.Horizon = opts.Horizon
	}
	if opts.Split == SplitTime {
		im.report.Split = &SplitReport{Method: SplitTime, Cutoff: opts.Cutoff.String()[:7], NotTest: map[string]int{}, NotTrain: map[string]int{}}
	}
	if opts.Classify {
		if im.opts.MinScore == 0 {
			im.opts.MinScore = onet.DefaultMinScore
		}
		im.classified, im.unclassified = map[string]onet.Classification{}, map[string]int{}
		im.report.Classifier = &ClassifierReport{MinScore: im.opts.MinScore, ByMethod: map[string]int{}}
	}
	return im
}

// classify gives a job the occupation the classifier reads in text. An
// unclassified job keeps CodeMethod "classified" with no Code, so finish
// drops and counts it.
func (im *importer) classify(r *Record, text string) {
	c, seen := im.classified[text]
	if !seen {
		c = im.tax.Classify(text, onet.ClassifyOptions{MinScore: im.opts.MinScore})
		im.classified[text] = c
	}
	x := im.report.Classifier
	x.Jobs++
	r.CodeMethod, r.CodeScore = CodeClassified, c.Score
	if !c.OK() {
		x.Unclassified++
		im.unclassified[text]++
		return
	}
	x.ByMethod[c.Method.String()]++
	r.Code, r.Occupation = c.Code, c.Title
}

// suggest names the closest occupations of a value that is neither a code
// nor a title, for the error of an import without Classify.
func (im *importer) suggest(value string) string {
	c := im.tax.Classify(value, onet.ClassifyOptions{Top: 3})
	var parts []string
	for _, k := range c.Candidates {
		parts = append(parts, fmt.Sprintf("%s %s (%.2f)", k.Code, k.Title, k.Score))
	}
	if len(parts) == 0 {
		return ""
	}
	return "; closest: " + strings.Join(parts, ", ") + "; --classify maps free text"
}

// invalid handles a malformed row: an error, or a skip under SkipInvalid.
func (im *importer) invalid(e *InputError) error {
	if !im.opts.SkipInvalid {
		return e
	}
	im.report.InvalidRows++
	if len(im.report.Invalid) < maxListedInvalid {
		im.report.Invalid = append(im.report.Invalid, InvalidRow{File: e.File, Line: e.Line, Field: e.Field, Value: e.Value, Reason: e.Want})
	}
	return nil
}

// resolve maps an occupation field (an O*NET-SOC code or an exact O*NET
// title) to its code and title.
func (im *importer) resolve(s string) (code, title, method string, ok bool) {
	s = strings.TrimSpace(s)
	if o, ok := im.tax.ByCode(s); ok {
		return o.Code, o.Title, CodeGiven, true
	}
	if o, ok := im.tax.ByTitle(s); ok {
		return o.Code, o.Title, CodeTitle, true
	}
	return "", "", "", false
}

// setOccupation fills a job's occupation from a non-empty occupation field.
// With O*NET codes, a value that is neither a code nor a title is an error
// (the returned want says what was expected). With ESCO, a value the
// crosswalk does not map is no error: the job keeps it as SourceCode with no
// Code, and finish drops and counts it.
func (im *importer) setOccupation(r *Record, value string) (want string, ok bool) {
	value = strings.TrimSpace(value)
	if im.cw == nil {
		code, title, method, ok := im.resolve(value)
		if !ok {
			if onet.ValidCode(value) {
				return "not an O*NET-SOC 2019 occupation code", false
			}
			if im.opts.Classify {
				return "", true // toRecord classifies the job
			}
			return "want an O*NET-SOC 2019 title or code" + im.suggest(value), false
		}
		r.Code, r.Occupation, r.CodeMethod, r.CodeScore = code, title, method, 1
		return "", true
	}
	r.SourceCode = value
	res, seen := im.mapped[value]
	if !seen {
		res.m, res.ok = im.cw.Map(value)
		if res.ok {
			// The embedded crosswalk's codes are all the embedded taxonomy's;
			// another taxonomy may lack some.
			res.title, res.ok = titleOf(im.tax, res.m.Code)
		}
		im.mapped[value] = res
	}
	if res.ok {
		r.Code, r.Occupation, r.CodeMethod, r.CodeScore = res.m.Code, res.title, CodeCrosswalk, res.m.Score
	}
	return "", true
}

// countCrosswalk adds a job read with an ESCO occupation to the report.
func (im *importer) countCrosswalk(r Record) {
	x := im.report.Crosswalk
	x.Jobs++
	res := im.mapped[r.SourceCode]
	if !res.ok {
		x.Unmapped++
		im.unmapped[r.SourceCode]++
		return
	}
	x.Mapped[string(res.m.Kind)]++
	if res.m.Ambiguous {
		x.Ambiguous++
	}
	if res.m.Split {
		x.Split++
	}
}

// addLevel adds an education record holding a JobHop university level, once
// per user and level. A level the user's records spilled aside already
// hold is dropped when the user's records come together
// (dropRepeatedLevels).
func (im *importer) addLevel(user, level string) error {
	level = strings.TrimSpace(level)
	if isNull(level) || strings.EqualFold(level, "unknown") {
		return nil
	}
	u := im.groups.user(user)
	if slices.Contains(u.levels, level) {
		return nil
	}
	u.levels = append(u.levels, level)
	return im.add(user, Record{Kind: Education, Degree: level})
}

// dropRepeatedLevels keeps the first of a JobHop user's equal level
// records; a JobHop user's only education records are levels.
func dropRepeatedLevels(rs []Record) []Record {
	out := rs[:0]
	var seen []Record
	for _, r := range rs {
		if r.Kind == Education {
			if slices.Contains(seen, r) {
				continue
			}
			seen = append(seen, r)
		}
		out = append(out, r)
	}
	return out
}

// add records one parsed row.
func (im *importer) add(user string, r Record) error { return im.groups.add(user, r) }

// start readies the preprocessing, once the inputs are parsed.
func (im *importer) start() {
	now := time.Now
	if im.opts.Now != nil {
		now = im.opts.Now
	}
	im.latest = now().Year() + 1
	im.report.DuplicatesKept = !im.opts.Dedupe
}

// exampleSet is the set an example goes to: setAny for the user split to
// decide (or no split), setTrain or setTest under a time split.
type exampleSet uint8

const (
	setAny exampleSet = iota
	setTrain
	setTest
)

// prepared is one example of a user and its set.
type prepared struct {
	ex  *Example
	set exampleSet
}

// prepare applies the paper's filters to one user, counting what it drops
// into the report, and returns the user's examples: none when the user is
// dropped, one, or under a time split up to two (train first).
func (im *importer) prepare(u *rawUser) []prepared {
	rep := &im.report
	if u.lines > 1 {
		rep.UsersOnManyLines += u.lines - 1
	}
	if len(u.records) == 0 {
		if u.empty {
			rep.UsersRead++
			rep.UsersDropped[DropNoRecords]++
		}
		return nil // named only on invalid lines: not counted
	}
	rep.UsersRead++
	if im.opts.Format == FormatJobHop {
		u.records = dropRepeatedLevels(u.records)
	}
	kept := im.valid(u.records)
	// Stable: records with equal dates keep their input order.
	slices.SortStableFunc(kept, func(a, b Record) int {
		ka, kb := a.SortKey(), b.SortKey()
		switch {
		case ka.Before(kb):
			return -1
		case kb.Before(ka):
			return 1
		}
		return 0
	})
	jobs := 0
	for _, r := range kept {
		if r.IsJob() {
			jobs++
		}
	}
	k := max(im.opts.Horizon, 1)
	switch {
	case jobs < im.opts.MinJobs:
		rep.UsersDropped[DropTooFewJobs]++
		return nil
	case jobs > im.opts.MaxJobs:
		rep.UsersDropped[DropTooManyJobs]++
		return nil
	case im.opts.Split == SplitTime:
		return im.splitTime(u.id, kept)
	case jobs < im.opts.MinJobs-1+k:
		rep.UsersDropped[DropShortPath]++
		return nil
	}
	// The target path starts at the user's K-th job from the end.
	first, seen := -1, 0
	for i, r := range kept {
		if r.IsJob() {
			if seen == jobs-k {
				first = i
			}
			seen++
		}
	}
	ex := &Example{UserID: u.id, History: slices.Clone(kept[:first])}
	edu := len(ex.History) - (jobs - k)
	for _, r := range kept[first:] {
		switch {
		case r.IsJob():
			ex.TargetPath = append(ex.TargetPath, r)
		case len(ex.TargetPath) < k:
			rep.DroppedRecords[DropInPath]++
		default:
			rep.DroppedRecords[DropAfterTarget]++
		}
	}
	ex.TargetCode, ex.TargetTitle = ex.TargetPath[0].Code, ex.TargetPath[0].Occupation
	if k == 1 {
		ex.TargetPath = nil
	}
	rep.JobRecords += jobs
	rep.EduRecords += edu
	return []prepared{{ex, setAny}}
}

// splitTime makes a user's examples of a time split from their records
// kept, ordered by date: a train example of the career cut at the cutoff,
// when it holds two jobs or more, and a test example, when the user has a
// job before the cutoff and Horizon jobs from it on. Dates on or after the
// cutoff are cleared from the histories (a job held across it reads as
// ongoing), so that neither set tells what happened from the cutoff on.
func (im *importer) splitTime(id string, kept []Record) []prepared {
	rep := &im.report
	cut := im.opts.Cutoff
	k := max(im.opts.Horizon, 1)
	var hist, path []Record
	before, lastBefore := 0, -1
	for _, r := range kept {
		if r.SortKey().Before(cut) {
			if r.IsJob() {
				before++
				lastBefore = len(hist)
			}
			hist = append(hist, clipAt(r, cut))
		} else if r.IsJob() && len(path) < k {
			path = append(path, r)
		}
	}
	var out []prepared
	if before >= 2 {
		t := hist[lastBefore]
		out = append(out, prepared{&Example{UserID: id, History: slices.Clone(hist[:lastBefore]), TargetCode: t.Code, TargetTitle: t.Occupation}, setTrain})
	} else {
		rep.Split.NotTrain[NotTrainTooFew]++
	}
	switch {
	case before == 0:
		rep.Split.NotTest[NotTestNoHistory]++
	case len(path) < k:
		rep.Split.NotTest[NotTestShortPath]++
	default:
		ex := &Example{UserID: id, History: hist, TargetCode: path[0].Code, TargetTitle: path[0].Occupation}
		if k > 1 {
			ex.TargetPath = path
		}
		out = append(out, prepared{ex, setTest})
	}
	if len(out) > 0 {
		for _, r := range hist {
			if r.IsJob() {
				rep.JobRecords++
			} else {
				rep.EduRecords++
			}
		}
		if out[len(out)-1].set == setTest {
			rep.JobRecords += k
		}
	}
	return out
}

// clipAt clears the dates of a record that fall on or after the cutoff.
func clipAt(r Record, cut Date) Record {
	if r.End.Valid() && !r.End.Before(cut) {
		r.End = NoDate
	}
	if r.GradYear > 0 && !DateOf(r.GradYear, time.June, 1).Before(cut) {
		r.GradYear = 0
	}
	return r
}

// valid drops a user's duplicate records (with Dedupe) and jobs without an
// occupation or a start date, counting them, and returns the records kept,
// reusing the storage of rs.
func (im *importer) valid(rs []Record) []Record {
	rep := &im.report
	kept := rs[:0]
	seen := make(map[Record]bool, len(rs))
	for _, r := range rs {
		if seen[r] {
			rep.DuplicateRecords++
			if im.opts.Dedupe {
				continue
			}
		}
		seen[r] = true
		if im.cw != nil && r.IsJob() && r.SourceCode != "" {
			im.countCrosswalk(r)
		}
		for _, d := range []Date{r.Start, r.End} {
			if d.Valid() && (d.Year() < 1900 || d.Year() > im.latest) {
				im.implausible++
			}
		}
		switch {
		case r.IsJob() && r.Code == "" && r.SourceCode != "":
			rep.DroppedRecords[DropUnmapped]++
		case r.IsJob() && r.Code == "" && r.CodeMethod == CodeClassified:
			rep.DroppedRecords[DropUnclassified]++
		case r.IsJob() && r.Code == "":
			rep.DroppedRecords[DropNoOccupation]++
		case r.IsJob() && !r.Start.Valid():
			rep.DroppedRecords[DropNoStart]++
		default:
			kept = append(kept, r)
		}
	}
	return kept
}

// done completes the report once every user is prepared; users is the
// number kept.
func (im *importer) done(users int) {
	rep := &im.report
	rep.Users = users
	if x := rep.Crosswalk; x != nil {
		x.UnmappedValues = topValues(im.unmapped, maxListedUnmapped)
	}
	if x := rep.Classifier; x != nil {
		x.UnclassifiedTitles = topValues(im.unclassified, maxListedUnmapped)
	}
	if im.implausible > 0 {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("%d dates before 1900 or after %d: check the input's date format", im.implausible, im.latest))
	}
}

// topValues returns the n most frequent values, most frequent first, ties
// in value order.
func topValues(counts map[string]int, n int) []ValueCount {
	out := make([]ValueCount, 0, len(counts))
	for v, c := range counts {
		out = append(out, ValueCount{v, c})
	}
	slices.SortFunc(out, func(a, b ValueCount) int {
		if a.Jobs != b.Jobs {
			return b.Jobs - a.Jobs
		}
		return strings.Compare(a.Value, b.Value)
	})
	return out[:min(n, len(out))]
}

// Import reads the input files in the given format and returns the examples
// that survive the preprocessing, ordered by user id, with the report. It
// holds them all in memory: for small inputs; ImportFiles streams.
func Import(inputs []string, opts ImportOptions) ([]*Example, *ImportReport, error) {
	x, err := ImportFiles(context.Background(), inputs, opts)
	if err != nil {
		return nil, nil, err
	}
	defer x.Close()
	var exs []*Example
	err = x.Each(context.Background(), func(ex *Example, _ bool) error {
		exs = append(exs, ex)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return exs, x.Report, nil
}

// parser reads one input file into the importer.
type parser func(im *importer, path string, in io.Reader) error

// parserFor checks the format and taxonomy of opts and returns the format's
// parser, with opts.Codes filled in.
func parserFor(opts *ImportOptions) (parser, error) {
	if opts.MinJobs < 1 || opts.MaxJobs < opts.MinJobs {
		return nil, fmt.Errorf("job bounds %d..%d: want 1 <= min <= max", opts.MinJobs, opts.MaxJobs)
	}
	var parse parser
	own := TaxonomyONET
	switch opts.Format {
	case FormatCSV:
		parse = func(im *importer, path string, in io.Reader) error { return im.parseCSV(path, in, csvLong) }
	case FormatJobHop:
		parse = func(im *importer, path string, in io.Reader) error { return im.parseCSV(path, in, csvJobHop) }
		own = TaxonomyESCO
	case FormatJSONL:
		parse = (*importer).parseJSONL
	case FormatRecBole:
		parse = (*importer).parseRecBole
	default:
		return nil, fmt.Errorf("import format %q: want csv, jobhop, jsonl or recbole", opts.Format)
	}
	switch opts.Codes {
	case "":
		opts.Codes = own
	case TaxonomyONET, TaxonomyESCO:
	default:
		return nil, fmt.Errorf("taxonomy %q: want onet or esco", opts.Codes)
	}
	if opts.Format == FormatJobHop && opts.Codes != TaxonomyESCO {
		return nil, fmt.Errorf("taxonomy %q: JobHop's matched_code holds ESCO codes; want esco", opts.Codes)
	}
	if opts.Memory < 0 || opts.TestUsers < 0 {
		return nil, fmt.Errorf("memory %d, test users %d: want 0 or more", opts.Memory, opts.TestUsers)
	}
	if opts.Horizon < 0 || opts.Horizon > MaxHorizon {
		return nil, fmt.Errorf("horizon %d: want 1 to %d target jobs", opts.Horizon, MaxHorizon)
	}
	switch opts.Split {
	case "", SplitUser:
		if opts.Cutoff.Valid() {
			return nil, fmt.Errorf("cutoff %s: a cutoff splits by time; want split %q", opts.Cutoff, SplitTime)
		}
	case SplitTime:
		if !opts.Cutoff.Valid() {
			return nil, fmt.Errorf("split %q: want a cutoff month", SplitTime)
		}
		if opts.TestUsers > 0 {
			return nil, fmt.Errorf("test users %d: a time split takes as test users all those with a job before the cutoff and horizon jobs from it on; want none", opts.TestUsers)
		}
	default:
		return nil, fmt.Errorf("split %q: want %s or %s", opts.Split, SplitUser, SplitTime)
	}
	return parse, nil
}

// Imported is what an import kept: its report, and the examples that
// survived the preprocessing, in a temporary file until Close.
type Imported struct {
	Report   *ImportReport
	dir      string       // the import's temporary directory
	remove   func() error // removes dir
	examples string
	test     []int // positions of the test users among the examples, ascending
}

// ImportFiles reads the input files in the given format and applies the
// preprocessing. Memory stays within about opts.Memory whatever the size of
// the inputs: records are grouped by user with an external sort, and the
// examples kept wait in a temporary file for Each, which streams them. The
// caller closes the result; on error, and on cancellation of ctx, nothing
// is left behind.
func ImportFiles(ctx context.Context, inputs []string, opts ImportOptions) (_ *Imported, err error) {
	parse, err := parserFor(&opts)
	if err != nil {
		return nil, err
	}
	tmp, remove, err := safefile.MkdirTemp(opts.TempDir, "occbench-import-*")
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	x := &Imported{dir: tmp, remove: remove}
	defer func() {
		if err != nil {
			x.Close()
		}
	}()
	im := newImporter(ctx, opts, inputs, tmp)
	for _, path := range inputs {
		if err := im.parseFile(parse, path); err != nil {
			return nil, err
		}
	}
	if err := im.keep(x); err != nil {
		return nil, err
	}
	return x, nil
}

// parseFile reads one input; an input without records is an error.
func (im *importer) parseFile(parse parser, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	rows := im.report.Rows
	if err := parse(im, path, f); err != nil {
		return err
	}
	if im.report.Rows == rows {
		return &InputError{File: path, Line: 1, Want: "no records: want at least one row after the header (CSV, RecBole) or one user line (JSONL)"}
	}
	return nil
}

// keep prepares every user in id order, writes the examples kept to x's
// temporary file and chooses the test users among them.
func (im *importer) keep(x *Imported) error {
	w, err := createSpill(x.dir, "examples-*")
	if err != nil {
		return err
	}
	defer w.abort()
	im.start()
	sel := newTestSelector(im.opts.TestUsers, im.opts.SplitSeed)
	n, users := 0, 0
	var train, test int
	err = im.groups.each(func(u *rawUser) error {
		exs := im.prepare(u)
		if len(exs) > 0 {
			users++
		}
		for _, p := range exs {
			switch p.set {
			case setAny:
				sel.add(p.ex.UserID, n)
			case setTrain:
				train++
			case setTest:
				test++
			}
			n++
			if err := w.example(p.ex, p.set); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := w.close(); err != nil {
		return err
	}
	im.done(users)
	x.Report, x.examples = &im.report, w.path
	switch {
	case im.opts.Split == SplitTime:
		im.report.Split.Train, im.report.Split.Test = train, test
	case im.opts.TestUsers > 0:
		x.test = sel.positions()
		im.report.Split = &SplitReport{Seed: im.opts.SplitSeed, Train: n - len(x.test), Test: len(x.test)}
	}
	return nil
}

// Each calls fn on every example kept, in user id order, saying whether it
// is one of the test users (never, without ImportOptions.TestUsers or a
// time split). Under a time split a user may have two examples, the train
// one first. fn may keep the example.
func (x *Imported) Each(ctx context.Context, fn func(ex *Example, test bool) error) error {
	r, err := openSpill(x.examples)
	if err != nil {
		return err
	}
	defer r.close()
	test := x.test
	for pos := 0; ; pos++ {
		ex, set, err := r.example()
		if err != nil || ex == nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		isTest := set == setTest || len(test) > 0 && test[0] == pos
		if len(test) > 0 && test[0] == pos {
			test = test[1:]
		}
		if err := fn(ex, isTest); err != nil {
			return err
		}
	}
}

// Close removes the import's temporary files. Those of an import that was
// killed go at the next import.
func (x *Imported) Close() error { return x.remove() }

// ReportJSON encodes a report for the data set metadata.
func (r *ImportReport) ReportJSON() string {
	b, _ := json.Marshal(r) // plain structs and maps: cannot fail
	return string(b)
}
