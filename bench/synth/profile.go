package synth

import (
	"fmt"
	"maps"
	"math"
	"strings"
)

// A profile is a named generator: the settings of one process of careers.
// Every profile draws 11,000 users of whom 1,000 are test users, seed 1,
// unless the caller changes them.
type profile struct {
	name, about string
	config      func() Config
}

// profiles are the generators by name, the default first.
var profiles = []profile{
	{"hidden-track", "hidden career tracks (stayer, climber, returner, switcher) over O*NET's neighbours", Default},
	{"three-track", "three stronger hidden tracks (loyal, mover, wanderer): the track is worth more to the Bayes predictor", ThreeTrack},
	{"calibrated", "hidden tracks whose moves cross SOC major groups as often, and into the groups, that real resumes do", Calibrated},
	{"second-order", "no hidden type: the next job depends on the last two through sparse successor lists", SecondOrder},
}

// DefaultProfile is the profile of Default.
const DefaultProfile = "hidden-track"

// Profiles returns the names of the generator profiles, the default first.
func Profiles() []string {
	names := make([]string, len(profiles))
	for i, p := range profiles {
		names[i] = p.name
	}
	return names
}

// ProfileAbout is a one-line description of a profile, "" for an unknown
// name.
func ProfileAbout(name string) string {
	for _, p := range profiles {
		if p.name == name {
			return p.about
		}
	}
	return ""
}

// Profile returns the settings of the named profile.
func Profile(name string) (Config, error) {
	for _, p := range profiles {
		if p.name == name {
			return p.config(), nil
		}
	}
	return Config{}, fmt.Errorf("synth: unknown profile %q: want one of %s", name, strings.Join(Profiles(), ", "))
}

// ProfileName is the profile that cfg's settings come from: cfg.Profile, or
// the default profile's name when it is empty.
func (c *Config) ProfileName() string {
	if c.Profile == "" {
		return DefaultProfile
	}
	return c.Profile
}

// ThreeTrack returns the settings of the three-track profile: three hidden
// tracks that differ more than the default's, so that knowing the track is
// worth more EM to the Bayes predictor. They are the settings of
// testdata/synth/three-tracks.json, which the baselines' accuracy report
// reads, except for the seed: the file seeds 4242, every profile 1.
func ThreeTrack() Config {
	c := Default()
	c.Profile = "three-track"
	c.MinJobs, c.MaxJobs, c.JobsDecay = 5, 14, 0.85
	c.Types = []Type{
		{Name: "loyal", Weight: 0.35, Stay: 0.5, Return: 0.15, Within: 0.27, Switch: 0.08, StartZone: -0.4, Graduate: 0.9},
		{Name: "mover", Weight: 0.4, Stay: 0.15, Return: 0.25, Within: 0.45, Switch: 0.15, StartZone: -1.2, Graduate: 1.4},
		{Name: "wanderer", Weight: 0.25, Stay: 0.15, Return: 0.3, Within: 0.15, Switch: 0.4, StartZone: -0.5, Graduate: 1},
	}
	c.RelatedDecay, c.ChangerDecay, c.ReturnRecency, c.Climb, c.PopAlpha = 0.45, 0.3, 0.3, 1.5, 1.2
	return c
}

// SecondOrder returns the settings of the second-order profile: a Chain in
// which the job two back weighs as much as the last one (Lambda 0.5). The
// lists are six long; S_o is nearly flat and T_o peaked, so the last job
// says which few occupations may come next and the one before says which
// of them. Noise 2 spreads the lists over more of O*NET's neighbours than
// the popular ones, so that a count model meets many pairs of jobs once;
// a Markov-2 model fitted on 10,000 careers stays about 6 points of EM
// below the Bayes predictor (see the package tests).
func SecondOrder() Config {
	c := Default()
	c.Profile = "second-order"
	c.Types = nil
	c.Chain = &Chain{
		Lambda: 0.5, Size: 6, Decay: 0.9, Decay2: 0.15, Stay: 0.1, Return: 0.05, Noise: 2,
		StartZone: -0.6, Graduate: 1,
	}
	return c
}

// Calibrated returns the settings of the calibrated profile: the default's
// hidden tracks, whose moves leave each SOC major group as often as
// careers in Lightcast resumes do and go where they go (realFlows): to
// each group's three commonest destination groups with their shares, the
// rest where the occupation's O*NET neighbours lead; inside a group they
// follow O*NET's neighbours as in the default.
//
// The figures are matched over changes between different occupations, the
// target job included, as data inspect's mobility summary counts them:
// 47.5% of changes cross major groups, 35.3% of those go into 11
// Management, and each group keeps its share of changes. The resumes count
// transitions between jobs and do not say whether a new job in the same
// occupation counts as one; how often a synthetic person keeps the
// occupation is their track's Stay, a setting of its own, so the
// calibration leaves it out. The leave odds and the pull into Management
// are fitted to the generated careers (TestCalibratedFit -fit): the
// groups' mix is not the resumes' (careers here run 5–15 jobs, not five
// years, and more changes start in Management), so the two totals are
// matched at the price of a few points of each group's stay share.
func Calibrated() Config {
	c := Default()
	c.Profile = "calibrated"
	m := &Mobility{Fallback: 5, Pull: map[string]float64{"11": calibratedManagementPull}}
	for _, f := range realFlows {
		other := 1 - f.stay
		for _, v := range f.to {
			other -= v
		}
		m.Groups = append(m.Groups, GroupMoves{
			Group: f.group, LeaveOdds: calibratedLeaveOdds[f.group],
			To: maps.Clone(f.to), Other: math.Round(other*1000) / 1000,
		})
	}
	c.Mobility = m
	return c
}
