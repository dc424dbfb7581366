package synth

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/occbench/occbench/bench"
)

var fit = flag.Bool("fit", false, "TestCalibratedFit: fit the calibrated profile's leave odds and rewrite calibrated_fit.go")

// measureMobility draws cfg's users and measures their moves as data
// inspect does.
func measureMobility(t *testing.T, cfg Config) bench.Mobility {
	t.Helper()
	g, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	z := bench.NewSummarizer()
	err = g.Each(context.Background(), 0, cfg.Users, func(_ int, u *User) error {
		z.Add(&u.Example)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return z.Summary(0).Mobility
}

// calibratedTolerance is how far, in points, a group's measured
// stay-in-group share may be from the resumes'; groups with fewer changes
// than calibratedMinChanges are not held to it.
const (
	calibratedTolerance  = 10
	calibratedMinChanges = 200
)

// TestCalibratedMobility generates the calibrated profile's default data
// set and measures it with data inspect's mobility summary, over changes
// between different occupations (the target job included): the share of
// changes that cross major groups, the share of those into Management, and
// each group's share of changes that stay in it must match the resumes'.
func TestCalibratedMobility(t *testing.T) {
	m := measureMobility(t, profileSized(t, "calibrated", 11000, 1000))
	t.Logf("%d transitions, %d changes: %.1f%% cross groups (real %.1f%%), %.1f%% of those into Management (real %.1f%%)",
		m.Transitions, m.Changes, 100*m.CrossGroup, 100*realCrossGroup, 100*m.IntoManagement, 100*realIntoManagement)
	if math.Abs(m.CrossGroup-realCrossGroup) > 0.03 {
		t.Errorf("%.1f%% of changes cross major groups, want %.1f%% ± 3", 100*m.CrossGroup, 100*realCrossGroup)
	}
	if math.Abs(m.IntoManagement-realIntoManagement) > 0.03 {
		t.Errorf("%.1f%% of cross-group changes go into Management, want %.1f%% ± 3", 100*m.IntoManagement, 100*realIntoManagement)
	}
	tested := 0
	for _, g := range m.StayInGroup {
		i := slices.IndexFunc(realFlows, func(f realFlow) bool { return f.group+"-0000" == g.Group })
		if i < 0 {
			t.Logf("%s %s: %d changes, %.1f%% stay (no real figure)", g.Group, g.Title, g.Changes, 100*g.Stay)
			continue
		}
		want := realFlows[i].stay
		t.Logf("%s %s: %d changes, %.1f%% stay (real %.1f%%)", g.Group, g.Title, g.Changes, 100*g.Stay, 100*want)
		if g.Changes < calibratedMinChanges {
			continue
		}
		tested++
		if math.Abs(g.Stay-want) > calibratedTolerance/100.0 {
			t.Errorf("%s %s: %.1f%% of %d changes stay in the group, want %.1f%% ± %d", g.Group, g.Title, 100*g.Stay, g.Changes, 100*want, calibratedTolerance)
		}
	}
	if tested < 10 {
		t.Errorf("only %d groups have %d changes or more", tested, calibratedMinChanges)
	}
}

// TestCalibratedFit refits the calibrated profile with -fit and rewrites
// calibrated_fit.go; without -fit it is skipped. From odds 1 and no pull it
// measures 40,000 careers, moves each group's log odds of leaving by the
// gap between the real and the measured ones, the real ones shifted alike
// for every group until the share of all changes that cross groups is the
// real one, and the pull into Management by the gap between the real and
// the measured log odds of going there; and repeats. The groups' mix of
// changes is not the resumes' (more of them start in Management, whose
// changes cannot go into it), so the shift and the pull trade a few
// points of each group's stay share for the two totals.
func TestCalibratedFit(t *testing.T) {
	if !*fit {
		t.Skip("refits with -fit")
	}
	odds := map[string]float64{}
	for _, f := range realFlows {
		odds[f.group] = 1
	}
	pull := 1.0
	shift := 0.0 // added to every group's real log odds of leaving
	logit := func(p float64) float64 { p = min(max(p, 0.01), 0.99); return math.Log(p / (1 - p)) }
	cfg := profileSized(t, "calibrated", 40000, 1000)
	for iter := range 14 {
		for i := range cfg.Mobility.Groups {
			cfg.Mobility.Groups[i].LeaveOdds = odds[cfg.Mobility.Groups[i].Group]
		}
		cfg.Mobility.Pull["11"] = pull
		m := measureMobility(t, cfg)
		t.Logf("iteration %d: %.1f%% cross, %.1f%% into Management (shift %.3f, pull %.3f)", iter, 100*m.CrossGroup, 100*m.IntoManagement, shift, pull)
		for _, g := range m.StayInGroup {
			i := slices.IndexFunc(realFlows, func(f realFlow) bool { return f.group+"-0000" == g.Group })
			if i < 0 || g.Changes < 20 {
				continue
			}
			step := logit(1-realFlows[i].stay) + shift - logit(1-g.Stay)
			k := realFlows[i].group
			odds[k] = min(max(odds[k]*math.Exp(step), 1e-3), 1e3)
		}
		shift += (logit(realCrossGroup) - logit(m.CrossGroup)) / 2 // damped: the groups move too
		pull *= math.Exp(logit(realIntoManagement) - logit(m.IntoManagement))
	}
	var b strings.Builder
	b.WriteString(`package synth

// The calibrated profile's leave odds per major group and pull into 11
// Management, fitted by TestCalibratedFit -fit.

const calibratedManagementPull = `)
	fmt.Fprintf(&b, "%.4g\n\nvar calibratedLeaveOdds = map[string]float64{\n", pull)
	for _, f := range realFlows {
		fmt.Fprintf(&b, "\t%q: %.4g,\n", f.group, odds[f.group])
	}
	b.WriteString("}\n")
	if err := os.WriteFile("calibrated_fit.go", []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
