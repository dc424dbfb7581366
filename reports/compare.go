package reports

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/occbench/occbench/metrics"
	"github.com/occbench/occbench/rundir"
)

// ErrUnusable marks a comparison that cannot be made: runs over different
// test sets, missing samples, no runner in common. The compare command
// exits 2 on it.
var ErrUnusable = errors.New("unusable input")

type unusableError struct{ msg string }

func (e *unusableError) Error() string        { return e.msg }
func (e *unusableError) Is(target error) bool { return target == ErrUnusable }

func unusable(format string, args ...any) error {
	return &unusableError{fmt.Sprintf(format, args...)}
}

// Verdicts of a comparison.
const (
	VerdictRegression  = "regression"
	VerdictImprovement = "improvement"
	VerdictNoChange    = "no significant change"
	VerdictTolerated   = "tolerated drop" // significant, but no larger than --max-drop
)

// CompareOptions control Compare.
type CompareOptions struct {
	Significance Significance
	// MaxDrop, in EM percentage points, is the largest significant drop
	// that is tolerated rather than called a regression; 0 tolerates none.
	MaxDrop float64
	// Only compares these runners (each must be in both runs).
	Only []string
	// TestPath overrides where the runs' test set is read from.
	TestPath string
}

// RunRef identifies one side of a comparison.
type RunRef struct {
	Dir        string `json:"dir"`
	TestSHA256 string `json:"test_sha256"`
	Users      int    `json:"users"`
}

// Comparison is compare's result; its JSON form is what CI reads.
type Comparison struct {
	Base        RunRef         `json:"base"`
	New         RunRef         `json:"new"`
	Method      string         `json:"method"`     // exact, chi2, chi2_corrected
	Correction  Correction     `json:"correction"` // bonferroni, holm
	M           int            `json:"m"`          // family size: runners compared
	Alpha       float64        `json:"alpha"`
	MaxDrop     float64        `json:"max_drop"` // EM points
	Runners     []RunnerChange `json:"runners"`
	OnlyBase    []string       `json:"only_base"` // runners not compared: only in the base run
	OnlyNew     []string       `json:"only_new"`
	Regressions int            `json:"regressions"`
	Improve     int            `json:"improvements"`
	Tolerated   int            `json:"tolerated"` // significant drops within --max-drop
	Verdict     string         `json:"verdict"`
	// Horizon is K when both runs are path runs of K jobs: each runner is
	// then also tested on EM@h at every horizon h, a family of m per h.
	Horizon int `json:"horizon,omitempty"`
	// single says why a path run is gated on the next job only (the other
	// run is single-step); "" otherwise.
	single string
}

// RunnerChange is one runner's change from the base run to the new one.
// Fractions are 0–1; deltas are new − base.
type RunnerChange struct {
	Name      string            `json:"name"`
	N         int               `json:"n"`
	EMBase    metrics.Number    `json:"em_base"`
	EMNew     metrics.Number    `json:"em_new"`
	EMDelta   metrics.Number    `json:"em_delta"`
	RMBase    metrics.Number    `json:"rm_base"`
	RMNew     metrics.Number    `json:"rm_new"`
	RMDelta   metrics.Number    `json:"rm_delta"`
	RMDeltaCI [2]metrics.Number `json:"rm_delta_ci"` // 95% paired bootstrap
	B         int               `json:"b"`           // right in base, wrong in new
	C         int               `json:"c"`           // wrong in base, right in new
	Statistic metrics.Number    `json:"statistic"`
	P         metrics.Number    `json:"p"`
	PAdj      metrics.Number    `json:"p_adjusted"`
	// Verdict is the worst of the next job's verdict and, for path runs,
	// every horizon's.
	Verdict  string   `json:"verdict"`
	Warnings []string `json:"warnings"`
	// Horizons are the per-horizon tests of path runs, h = 1..K.
	Horizons []HorizonChange `json:"horizons,omitempty"`
}

// HorizonChange is one runner's change in EM@h (free running) at one
// horizon of path runs; its test is adjusted over the runners compared at
// that horizon.
type HorizonChange struct {
	H         int            `json:"h"`
	EMBase    metrics.Number `json:"em_base"`
	EMNew     metrics.Number `json:"em_new"`
	EMDelta   metrics.Number `json:"em_delta"`
	B         int            `json:"b"`
	C         int            `json:"c"`
	Statistic metrics.Number `json:"statistic"`
	P         metrics.Number `json:"p"`
	PAdj      metrics.Number `json:"p_adjusted"`
	Verdict   string         `json:"verdict"`
}

// Compare compares two run directories runner by runner.
func Compare(baseDir, newDir string, o CompareOptions) (*Comparison, error) {
	o.Significance = o.Significance.withDefaults()
	base, nw, err := loadPair(baseDir, newDir, o.TestPath)
	if err != nil {
		return nil, err
	}
	cmp := &Comparison{
		Base:       RunRef{baseDir, base.TestDigest(), len(base.Test)},
		New:        RunRef{newDir, nw.TestDigest(), len(nw.Test)},
		Method:     o.Significance.Method.String(),
		Correction: o.Significance.Correction,
		Alpha:      o.Significance.Alpha,
		MaxDrop:    o.MaxDrop,
		OnlyBase:   []string{},
		OnlyNew:    []string{},
	}
	var common []string
	for _, name := range base.Scores.Order {
		if nw.System(name) != nil && base.System(name) != nil {
			common = append(common, name)
		} else if base.System(name) != nil {
			cmp.OnlyBase = append(cmp.OnlyBase, name)
		}
	}
	for _, name := range nw.Scores.Order {
		if base.System(name) == nil && nw.System(name) != nil {
			cmp.OnlyNew = append(cmp.OnlyNew, name)
		}
	}
	if len(o.Only) > 0 {
		for _, name := range o.Only {
			if !slices.Contains(common, name) {
				return nil, unusable("--only %s: not a runner of both runs (in common: %s)", name, listOrNone(common))
			}
		}
		common = o.Only
	}
	switch kb, kn := base.Horizon(), nw.Horizon(); {
	case kb > 1 && kn > 1 && kb != kn:
		return nil, unusable("the runs predicted different horizons: base %s %d jobs ahead, new %s %d; compare path runs of the same horizon", baseDir, kb, newDir, kn)
	case kb > 1 && kn > 1:
		cmp.Horizon = kb
	case kb > 1:
		cmp.single = fmt.Sprintf("the base run predicts %d jobs ahead and the new run one: only the next job is compared", kb)
	case kn > 1:
		cmp.single = fmt.Sprintf("the new run predicts %d jobs ahead and the base run one: only the next job is compared", kn)
	}
	if len(common) == 0 {
		return nil, unusable("no runner in common: base %s has %s; new %s has %s", baseDir, listOrNone(names(base.Systems)), newDir, listOrNone(names(nw.Systems)))
	}
	for _, name := range common {
		for _, side := range []struct {
			label string
			run   *Run
		}{{"base", base}, {"new", nw}} {
			if err := complete(side.label, side.run, side.run.System(name)); err != nil {
				return nil, err
			}
		}
	}
	if err := cmp.test(base, nw, common, o); err != nil {
		return nil, err
	}
	return cmp, nil
}

func listOrNone(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, ", ")
}

// loadPair loads both runs over one test set, after checking their
// digests agree. Either run's copy of the test set will do.
func loadPair(baseDir, newDir, testPath string) (*Run, *Run, error) {
	var mans [2]*rundir.Manifest
	for i, dir := range []string{baseDir, newDir} {
		m, err := rundir.ReadManifest(filepath.Join(dir, rundir.ManifestFile))
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil, unusable("%s is not a run directory: no %s", dir, rundir.ManifestFile)
		}
		if err != nil {
			return nil, nil, unusable("%v", err)
		}
		if _, ok := m.Datasets["test"]; !ok {
			return nil, nil, unusable("%s: the manifest names no test set", dir)
		}
		mans[i] = m
	}
	bt, nt := mans[0].Datasets["test"], mans[1].Datasets["test"]
	if bt.SHA256 != nt.SHA256 {
		return nil, nil, unusable("the runs used different test sets: base %s scored %s (digest %s, %s), new %s scored %s (digest %s, %s); compare runs over the same test set",
			baseDir, bt.Path, short(bt.SHA256), plural(mans[0].Protocol.TestUsers, "user", "users"),
			newDir, nt.Path, short(nt.SHA256), plural(mans[1].Protocol.TestUsers, "user", "users"))
	}
	if testPath == "" {
		for i, dir := range []string{baseDir, newDir} {
			if p, err := rundir.TestSetPath(dir, mans[i], ""); err == nil {
				testPath = p
				break
			}
		}
	}
	base, err := LoadRun(baseDir, LoadOptions{TestPath: testPath})
	if err != nil {
		return nil, nil, unusable("base run: %v", err)
	}
	nw, err := LoadRun(newDir, LoadOptions{TestPath: testPath})
	if err != nil {
		return nil, nil, unusable("new run: %v", err)
	}
	if len(base.Test) != len(nw.Test) {
		return nil, nil, unusable("the runs scored different users of the test set: base %s (--limit %d), new %s (--limit %d)",
			plural(len(base.Test), "user", "users"), base.Manifest.Limit, plural(len(nw.Test), "user", "users"), nw.Manifest.Limit)
	}
	return base, nw, nil
}

// complete checks that a runner has a prediction for every test user:
// comparing a partial run would count its gaps as regressions.
func complete(side string, run *Run, s *System) error {
	if s.Outcomes.Missing == 0 {
		return nil
	}
	var first []string
	for i, ok := range s.Outcomes.Recorded {
		if !ok {
			first = append(first, run.Test[i].UserID)
			if len(first) == 3 {
				break
			}
		}
	}
	return unusable("runner %s: the %s run %s has no prediction for %d of %s (first: %s); finish it with occbench run --resume %s",
		s.Name, side, run.Dir, s.Outcomes.Missing, plural(len(run.Test), "test user", "test users"), strings.Join(first, ", "), run.Dir)
}

// test runs McNemar's test per runner, adjusts over the runners compared
// and gives each its verdict.
func (cmp *Comparison) test(base, nw *Run, common []string, o CompareOptions) error {
	pairs := make([][2]*System, len(common))
	for i, name := range common {
		pairs[i] = [2]*System{base.System(name), nw.System(name)}
	}
	tests, err := testFamily(pairs, o.Significance)
	if err != nil {
		return err
	}
	cmp.M = len(tests)
	boot := metrics.DefaultBootstrap
	if r := base.Manifest.Protocol.Bootstrap; r > 0 {
		boot.Resamples = r
	}
	for i, t := range tests {
		b, n := pairs[i][0], pairs[i][1]
		emB, emN := mean(b.Outcomes.EM), mean(n.Outcomes.EM)
		rmB, rmN := meanF(b.Outcomes.RM), meanF(n.Outcomes.RM)
		rc := RunnerChange{
			Name: common[i], N: t.N,
			EMBase: metrics.Num(emB), EMNew: metrics.Num(emN), EMDelta: metrics.Num(emN - emB),
			RMBase: metrics.Num(rmB), RMNew: metrics.Num(rmN), RMDelta: metrics.Num(rmN - rmB),
			B: t.B, C: t.C, Statistic: metrics.Num(t.Statistic), P: metrics.Num(t.P), PAdj: metrics.Num(t.PAdj),
			Warnings: append([]string{}, t.Warnings...),
		}
		if iv, err := metrics.PairedBootstrapDiff(n.Outcomes.RM, b.Outcomes.RM, boot); err == nil {
			rc.RMDeltaCI = iv.CI()
		}
		rc.Verdict = verdict(t, emB-emN, o)
		cmp.Runners = append(cmp.Runners, rc)
	}
	if err := cmp.testHorizons(pairs, o); err != nil {
		return err
	}
	for _, rc := range cmp.Runners {
		switch rc.Verdict {
		case VerdictRegression:
			cmp.Regressions++
		case VerdictImprovement:
			cmp.Improve++
		case VerdictTolerated:
			cmp.Tolerated++
		}
	}
	// The worst change decides: a tolerated drop is still a drop.
	switch {
	case cmp.Regressions > 0:
		cmp.Verdict = VerdictRegression
	case cmp.Tolerated > 0:
		cmp.Verdict = VerdictTolerated
	case cmp.Improve > 0:
		cmp.Verdict = VerdictImprovement
	default:
		cmp.Verdict = VerdictNoChange
	}
	return nil
}

// testHorizons tests each runner on EM@h at every horizon of path runs,
// the family at each h being the runners compared, and folds the worst
// horizon's verdict into the runner's.
func (cmp *Comparison) testHorizons(pairs [][2]*System, o CompareOptions) error {
	for h := range cmp.Horizon {
		tests, err := testFamilyOn(pairs, o.Significance, func(s *System) []bool { return s.Outcomes.PathEM[h] })
		if err != nil {
			return fmt.Errorf("horizon %d: %w", h+1, err)
		}
		for i, t := range tests {
			emB, emN := mean(pairs[i][0].Outcomes.PathEM[h]), mean(pairs[i][1].Outcomes.PathEM[h])
			hc := HorizonChange{
				H: h + 1, EMBase: metrics.Num(emB), EMNew: metrics.Num(emN), EMDelta: metrics.Num(emN - emB),
				B: t.B, C: t.C, Statistic: metrics.Num(t.Statistic), P: metrics.Num(t.P), PAdj: metrics.Num(t.PAdj),
				Verdict: verdict(t, emB-emN, o),
			}
			rc := &cmp.Runners[i]
			rc.Horizons = append(rc.Horizons, hc)
			if severity(hc.Verdict) > severity(rc.Verdict) {
				rc.Verdict = hc.Verdict
			}
		}
	}
	return nil
}

// verdictAt is the runner's verdict, naming the horizons it comes from in
// path runs ("regression at h = 2, 3").
func (r RunnerChange) verdictAt() string {
	if r.Verdict == VerdictNoChange {
		return r.Verdict
	}
	var hs []string
	for _, h := range r.Horizons {
		if h.Verdict == r.Verdict {
			hs = append(hs, fmt.Sprint(h.H))
		}
	}
	if len(hs) == 0 {
		return r.Verdict
	}
	return r.Verdict + " at h = " + strings.Join(hs, ", ")
}

// severity orders verdicts: a regression outweighs a tolerated drop, which
// outweighs an improvement.
func severity(v string) int {
	switch v {
	case VerdictRegression:
		return 3
	case VerdictTolerated:
		return 2
	case VerdictImprovement:
		return 1
	}
	return 0
}

// verdict of one runner; drop is base EM − new EM as a fraction.
func verdict(t Test, drop float64, o CompareOptions) string {
	if !t.Significant(o.Significance.Alpha) || t.B == t.C {
		return VerdictNoChange
	}
	if t.C > t.B {
		return VerdictImprovement
	}
	// Compare in points rounded to 1e-9, so a 2.00-point drop with
	// --max-drop 2 is tolerated despite binary fractions.
	if o.MaxDrop > 0 && 100*drop <= o.MaxDrop+1e-9 {
		return VerdictTolerated
	}
	return VerdictRegression
}

func meanF(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// WriteJSON writes the comparison as indented JSON; non-finite numbers are
// null.
func (cmp *Comparison) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(cmp, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// Table renders the comparison for people.
func (cmp *Comparison) Table() *Table {
	t := &Table{
		ID:    "compare",
		Title: fmt.Sprintf("Comparison: %s (base) → %s (new)", cmp.Base.Dir, cmp.New.Dir),
		Columns: []Column{
			{"Runner", Left}, {"EM base (%)", Right}, {"EM new (%)", Right}, {"Δ EM", Right},
			{"RM base (%)", Right}, {"RM new (%)", Right}, {"Δ RM", Right},
			{"b", Right}, {"c", Right}, {"p", Right}, {"p adj.", Right}, {"Verdict", Left},
		},
	}
	for _, r := range cmp.Runners {
		t.Rows = append(t.Rows, Row{Cells: []string{
			r.Name, pct(r.EMBase.Float()), pct(r.EMNew.Float()), signedPts(r.EMDelta.Float()),
			pct(r.RMBase.Float()), pct(r.RMNew.Float()), signedPts(r.RMDelta.Float()),
			count(r.B), count(r.C), pval(r.P.Float()), pval(r.PAdj.Float()), r.verdictAt(),
		}})
	}
	sig := Significance{Correction: cmp.Correction, Alpha: cmp.Alpha}
	sig.Method, _ = ParseMethod(cmp.Method)
	t.Notes = append(t.Notes,
		fmt.Sprintf("Protocol: test set %s (%s), the same in both runs.", short(cmp.Base.TestSHA256), plural(cmp.Base.Users, "user", "users")),
		fmt.Sprintf("b: users right in base and wrong in new; c: the reverse. Δ in percentage points (new − base). %s over the runners compared.", upperFirst(sig.describe(cmp.M))))
	if cmp.MaxDrop > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("Significant EM drops of at most %s points are tolerated (--max-drop).", fixed(cmp.MaxDrop, 2)))
	}
	if len(cmp.OnlyBase) > 0 {
		t.Notes = append(t.Notes, "Only in base, not compared: "+strings.Join(cmp.OnlyBase, ", ")+".")
	}
	if len(cmp.OnlyNew) > 0 {
		t.Notes = append(t.Notes, "Only in new, not compared: "+strings.Join(cmp.OnlyNew, ", ")+".")
	}
	for _, r := range cmp.Runners {
		for _, w := range r.Warnings {
			t.Notes = append(t.Notes, fmt.Sprintf("Warning: %s: %s.", r.Name, w))
		}
	}
	if cmp.Horizon > 1 {
		t.Notes = append(t.Notes, fmt.Sprintf("Path runs of %d jobs: each runner is also tested on EM@h at every horizon (the next table), and its verdict is the worst of them.", cmp.Horizon))
	}
	if cmp.single != "" {
		t.Notes = append(t.Notes, "Note: "+cmp.single+".")
	}
	t.Notes = append(t.Notes, "Verdict: "+cmp.Summary())
	return t
}

// Tables are the comparison's tables: Table, and for path runs
// HorizonTable.
func (cmp *Comparison) Tables() []*Table {
	ts := []*Table{cmp.Table()}
	if cmp.Horizon > 1 {
		ts = append(ts, cmp.HorizonTable())
	}
	return ts
}

// HorizonTable gives each runner's change in EM@h at every horizon of path
// runs.
func (cmp *Comparison) HorizonTable() *Table {
	t := &Table{
		ID:    "compare_horizon",
		Title: fmt.Sprintf("Comparison by horizon: EM@h of the next %d jobs, %s (base) → %s (new)", cmp.Horizon, cmp.Base.Dir, cmp.New.Dir),
		Group: "Runner",
		Columns: []Column{
			{"h", Right}, {"EM@h base (%)", Right}, {"EM@h new (%)", Right}, {"Δ EM@h", Right},
			{"b", Right}, {"c", Right}, {"p", Right}, {"p adj.", Right}, {"Verdict", Left},
		},
	}
	for _, r := range cmp.Runners {
		for _, h := range r.Horizons {
			t.Rows = append(t.Rows, Row{Group: r.Name, Cells: []string{
				fmt.Sprint(h.H), pct(h.EMBase.Float()), pct(h.EMNew.Float()), signedPts(h.EMDelta.Float()),
				count(h.B), count(h.C), pval(h.P.Float()), pval(h.PAdj.Float()), h.Verdict,
			}})
		}
	}
	sig := Significance{Correction: cmp.Correction, Alpha: cmp.Alpha}
	sig.Method, _ = ParseMethod(cmp.Method)
	t.Notes = append(t.Notes,
		fmt.Sprintf("EM@h: the h-th job of each runner's free-running path against the h-th true job. b: users right at h in base and wrong in new; c: the reverse. %s over the runners compared, one family per horizon (%d families).", upperFirst(sig.describe(cmp.M)), cmp.Horizon),
		"A significant drop in EM@h at any h is a regression of the runner (unless within --max-drop) and fails the gate.")
	return t
}

// Summary says the verdict in one line, naming the runners that regressed.
func (cmp *Comparison) Summary() string {
	var regs []string
	for _, r := range cmp.Runners {
		if r.Verdict != VerdictRegression {
			continue
		}
		var at []string
		for _, h := range r.Horizons {
			if h.Verdict == VerdictRegression {
				at = append(at, fmt.Sprintf("at h = %d (EM@%d %s points, p adj. %s)", h.H, h.H, signedPts(h.EMDelta.Float()), pval(h.PAdj.Float())))
			}
		}
		if len(at) == 0 {
			regs = append(regs, fmt.Sprintf("%s (EM %s points, p adj. %s)", r.Name, signedPts(r.EMDelta.Float()), pval(r.PAdj.Float())))
		} else {
			regs = append(regs, r.Name+" "+strings.Join(at, ", "))
		}
	}
	switch cmp.Verdict {
	case VerdictRegression:
		return "significant regression in " + strings.Join(regs, ", ")
	case VerdictTolerated:
		return fmt.Sprintf("significant drop of at most %g EM points, tolerated, in %d of %d runners; no regression", cmp.MaxDrop, cmp.Tolerated, len(cmp.Runners))
	case VerdictImprovement:
		return fmt.Sprintf("significant improvement in %d of %d runners, no regression", cmp.Improve, len(cmp.Runners))
	}
	return fmt.Sprintf("no significant change in %s at α = %g", plural(len(cmp.Runners), "runner", "runners"), cmp.Alpha)
}
