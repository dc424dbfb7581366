// Package synth generates realistic synthetic careers over the O*NET-SOC 2019
// taxonomy, with the exact Bayes-optimal prediction of each person's next
// occupation.
//
// A profile (Profiles, Profile) is one process of careers:
//
//   - hidden-track, the default (Default): described below.
//   - three-track (ThreeTrack): the same process with three hidden tracks
//     that differ more, so that the track is worth more to the Bayes
//     predictor (testdata/synth/three-tracks.json but for its seed).
//   - calibrated (Calibrated): the default's hidden tracks, with moves
//     that leave each SOC major group as often as careers in real resumes
//     do and go to the groups they go to (Mobility, calibrated.go).
//   - second-order (SecondOrder): no hidden type; the next occupation
//     depends on the last two through sparse successor lists drawn per seed
//     from O*NET's neighbours (Chain, chain.go).
//
// Each knows its exact Bayes-optimal predictor.
//
// In the hidden-track profile each person has a hidden career track (a
// Type: stayer, climber, returner, switcher) that sets how often, at each
// job change, they stay in their occupation, return to an earlier one,
// move to a neighbour in the same SOC major group or switch to one in
// another group. The neighbours are O*NET's Related Occupations and Career
// Changers Matrix; where a move goes is the same for everyone: towards the
// top of O*NET's ranking, towards common occupations and towards higher
// job zones. First jobs are drawn from a popularity skewed towards common
// white-collar occupations, education from the first job's Required Level
// of Education. Because the track is hidden and the generator knows every
// probability, the posterior over tracks given a history, and so the
// Bayes-optimal next occupation, is computed exactly (bayes.go). Titles,
// dates, industries and salaries are drawn given the occupations only, so
// they carry no information about the track.
package synth

import (
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"slices"

	"github.com/occbench/occbench/bench/onet"
)

// Version is the generator's version, stored in the data set metadata. It
// changes whenever the same seed would give different data.
const Version = "1"

// Type is a hidden career track. At each job change a person stays in the
// occupation, returns to an earlier one, moves to a neighbour in the same
// SOC major group (Within) or switches to one in another group (Switch),
// with these chances. Return is dropped (and the others renormalised) while
// a person has held only one occupation, and a move kind with no neighbour
// folds into the other.
type Type struct {
	Name   string  `json:"name"`
	Weight float64 `json:"weight"` // prior share of people
	Stay   float64 `json:"stay"`
	Return float64 `json:"return"`
	Within float64 `json:"within"`
	Switch float64 `json:"switch"`
	// StartZone is the log-weight per job zone above 3 of the first
	// occupation: climbers start lower.
	StartZone float64 `json:"start_zone"`
	// Graduate multiplies the odds of a degree above the bachelor's.
	Graduate float64 `json:"graduate"`
}

// Config holds the generator's settings. Start from Default or Profile.
type Config struct {
	// Profile names the preset the settings come from (see Profile). The
	// default profile, hidden-track, leaves it empty, so that its data sets
	// keep the bytes they had before there were profiles.
	Profile string `json:"profile,omitempty"`

	Users     int    `json:"users"`      // all users, test users included
	TestUsers int    `json:"test_users"` // the last TestUsers users are the test set
	Seed      uint64 `json:"seed"`

	// Jobs per person, target included, drawn independently of everything
	// else: P(n) ∝ JobsDecay^(n−MinJobs) on MinJobs..MaxJobs.
	MinJobs   int     `json:"min_jobs"`
	MaxJobs   int     `json:"max_jobs"`
	JobsDecay float64 `json:"jobs_decay"`

	// Horizon is K, the number of target jobs: each career goes on K−1
	// jobs past the target (the number of jobs above counts the history and
	// the first target), every user gets a target path of K jobs and every
	// test user the Bayes-optimal occupation at each horizon. 0 and 1 mean
	// single-step data, whose files keep their bytes; at most MaxHorizon.
	Horizon int `json:"horizon,omitempty"`

	// Types are the hidden career tracks; a Chain has none.
	Types []Type `json:"types,omitempty"`
	// Chain, when set, replaces the hidden tracks by a second-order chain
	// (chain.go).
	Chain *Chain `json:"chain,omitempty"`
	// Mobility, when set, sets where the tracks' moves go by SOC major
	// group (calibrated.go).
	Mobility *Mobility `json:"group_mobility,omitempty"`

	// Where a move goes is the same for all types. The neighbours of an
	// occupation are its O*NET related occupations and career changers; one
	// at related Index i weighs RelatedDecay^(i−1), at career changers Index
	// j ChangerWeight·ChangerDecay^(j−1) (summed if on both lists), times
	// pop^PopAlpha · e^(Climb·Δzone). Within and Switch moves share these
	// weights among the neighbours in the same and in other major groups.
	RelatedDecay  float64 `json:"related_decay"`
	ChangerDecay  float64 `json:"changer_decay"`
	ChangerWeight float64 `json:"changer_weight"`

	// A return goes to an earlier occupation other than the current one,
	// each earlier job weighing ReturnRecency^(jobs since): recent and
	// long-held occupations are likelier.
	ReturnRecency float64 `json:"return_recency"`
	Climb         float64 `json:"climb"`
	PopAlpha      float64 `json:"pop_alpha"`

	// Popularity of an occupation: group share × ZoneWeights[zone−1] ×
	// its weight on the popular list (OtherWeight if unlisted) × a fixed
	// log-normal factor of spread PopSigma (hashed from the code, so the
	// same in every data set).
	ZoneWeights [5]float64 `json:"zone_weights"`
	OtherWeight float64    `json:"other_weight"`
	PopSigma    float64    `json:"pop_sigma"`

	// Workers is the number of goroutines; 0 means GOMAXPROCS. It never
	// changes the output.
	Workers int `json:"-"`
	// Taxonomy is the O*NET taxonomy; nil means onet.Default().
	Taxonomy *onet.Taxonomy `json:"-"`
}

// Default returns the settings of the embedded default data set: 11,000
// users of whom 1,000 are test users, seed 1.
func Default() Config {
	return Config{
		Users: 11000, TestUsers: 1000, Seed: 1,
		MinJobs: 5, MaxJobs: 15, JobsDecay: 0.88,
		// Four tracks, each with a habit but all of them staying, returning
		// and moving: the history says which track a person is on, but only
		// gradually. Stronger tracks raise the ceiling but make it harder to
		// learn from 10,000 careers (see the package tests).
		Types: []Type{
			{Name: "stayer", Weight: 0.3, Stay: 0.42, Return: 0.20, Within: 0.30, Switch: 0.08, StartZone: -0.6, Graduate: 0.8},
			{Name: "climber", Weight: 0.3, Stay: 0.20, Return: 0.20, Within: 0.50, Switch: 0.10, StartZone: -1, Graduate: 1.5},
			{Name: "returner", Weight: 0.2, Stay: 0.21, Return: 0.42, Within: 0.26, Switch: 0.11, StartZone: -0.6, Graduate: 1},
			{Name: "switcher", Weight: 0.2, Stay: 0.20, Return: 0.20, Within: 0.18, Switch: 0.42, StartZone: -0.6, Graduate: 1},
		},
		// Moves concentrate on the top of O*NET's lists and on common
		// occupations, as careers in resume data do; this also keeps the
		// process learnable from 10,000 careers.
		RelatedDecay: 0.35, ChangerDecay: 0.35, ChangerWeight: 1, ReturnRecency: 0.2, Climb: 2, PopAlpha: 1.5,
		ZoneWeights: [5]float64{0.2, 0.6, 1, 1.3, 0.7},
		OtherWeight: 4,
		PopSigma:    1,
	}
}

// MaxHorizon is the longest target path the generator draws. The
// Bayes-optimal answer at horizon h sums over every path of h−1
// intermediate jobs: about 45^(h−1) of them per test user and track in the
// hidden-track profiles (O*NET neighbours, staying and returning), so
// each step ahead costs some 45 times the one before (see BenchmarkMarginals).
const MaxHorizon = 4

// horizon is K, at least 1.
func (c *Config) horizon() int { return max(c.Horizon, 1) }

// clone is a copy of c that shares no memory with it.
func (c Config) clone() Config {
	c.Types = slices.Clone(c.Types)
	if c.Chain != nil {
		ch := *c.Chain
		c.Chain = &ch
	}
	if c.Mobility != nil {
		m := *c.Mobility
		m.Groups = slices.Clone(m.Groups)
		for i := range m.Groups {
			m.Groups[i].To = maps.Clone(m.Groups[i].To)
		}
		c.Mobility = &m
	}
	return c
}

// Validate checks that the settings describe a usable generator.
func (c *Config) Validate() error {
	var errs []error
	if c.Users < 2 {
		errs = append(errs, fmt.Errorf("users %d: want at least 2", c.Users))
	}
	if c.TestUsers < 1 || c.TestUsers >= c.Users {
		errs = append(errs, fmt.Errorf("test users %d: want 1 to users−1 (%d)", c.TestUsers, c.Users-1))
	}
	if c.MinJobs < 2 || c.MaxJobs < c.MinJobs {
		errs = append(errs, fmt.Errorf("jobs %d–%d: want 2 ≤ min ≤ max", c.MinJobs, c.MaxJobs))
	}
	if !(c.JobsDecay > 0) {
		errs = append(errs, fmt.Errorf("jobs decay %v: want > 0", c.JobsDecay))
	}
	if c.Horizon < 0 || c.Horizon > MaxHorizon {
		errs = append(errs, fmt.Errorf("horizon %d: want 1 to %d jobs (the exact Bayes answer at horizon h enumerates every path of h−1 jobs, about 45^(h−1) per user and track)", c.Horizon, MaxHorizon))
	}
	switch {
	case c.Chain != nil && len(c.Types) > 0:
		errs = append(errs, errors.New("types: a chain has no hidden types; want none"))
	case c.Chain != nil:
		errs = append(errs, c.Chain.validate()...)
	case len(c.Types) == 0:
		errs = append(errs, errors.New("types: want at least one"))
	}
	if c.Mobility != nil {
		if c.Chain != nil {
			errs = append(errs, errors.New("group mobility: a chain has no track moves to set"))
		}
		errs = append(errs, c.Mobility.validate()...)
	}
	for i, t := range c.Types {
		for _, v := range []float64{t.Weight, t.Stay, t.Return, t.Within, t.Switch, t.Graduate} {
			if !(v >= 0) || math.IsInf(v, 0) {
				errs = append(errs, fmt.Errorf("type %d (%s): weights and move chances must be finite and ≥ 0", i, t.Name))
				break
			}
		}
		if t.Weight == 0 || t.Stay+t.Within+t.Switch == 0 || t.Return >= 1 || t.Graduate == 0 {
			errs = append(errs, fmt.Errorf("type %d (%s): want weight > 0, graduate > 0, return < 1 and stay+within+switch > 0", i, t.Name))
		}
	}
	for _, v := range []float64{c.RelatedDecay, c.ChangerDecay, c.ReturnRecency, c.OtherWeight, c.ChangerWeight + 1, c.PopSigma + 1, c.PopAlpha + 1} {
		if !(v > 0) || math.IsInf(v, 0) {
			errs = append(errs, errors.New("related/changer decay, return recency and other weight must be > 0; changer weight, pop alpha and sigma ≥ 0"))
			break
		}
	}
	for _, v := range c.ZoneWeights {
		if !(v > 0) {
			errs = append(errs, errors.New("zone weights must be > 0"))
			break
		}
	}
	return errors.Join(errs...)
}

// entry is one possible next occupation and its probability.
type entry struct {
	y int32
	p float64
}

// world is everything the generator derives from the taxonomy and the
// settings; it is fixed for a Config and shared by all persons.
type world struct {
	cfg    *Config
	tax    *onet.Taxonomy
	occ    []onet.Occupation
	zone   []int8
	group  []string // two-digit SOC major group
	active []bool   // data-level occupations (with a related list) only
	pop    []float64

	moves  [][][]entry   // [type][code]: next occupation without the return move
	chain  *chain        // instead of moves, for a Chain
	groups *groupMoves   // for a Mobility
	start  [][]float64   // [type]: P(first occupation)
	cdf    [][]float64   // [type]: cumulative start
	degree [][][]float64 // [type][code]: P(highest degree level | first occupation)
	words  *words
	typeW  []float64 // normalised type prior
}

func newWorld(cfg *Config) (*world, error) {
	wd, err := loadWords()
	if err != nil {
		return nil, err
	}
	tax := cfg.Taxonomy
	if tax == nil {
		tax = onet.Default()
	}
	occ := tax.Occupations()
	n := len(occ)
	w := &world{
		cfg: cfg, tax: tax, occ: occ, words: wd,
		zone: make([]int8, n), group: make([]string, n), active: make([]bool, n), pop: make([]float64, n),
	}
	for i, o := range occ {
		w.zone[i] = int8(o.JobZone)
		w.group[i] = o.Code[:2]
		// The 93 occupations without a related list (the "All Other" codes)
		// have no job zone either and are never a related or changer target:
		// careers stay among the 923 data-level occupations.
		w.active[i] = o.JobZone > 0 && len(tax.RelatedCodes(o.Code, 0)) > 0
		if w.active[i] {
			boost := wd.popular[o.Code]
			if boost == 0 {
				boost = cfg.OtherWeight
			}
			w.pop[i] = wd.groupShare[w.group[i]] * cfg.ZoneWeights[o.JobZone-1] * boost * math.Exp(cfg.PopSigma*hashNormal(o.Code))
		}
	}
	if cfg.Mobility != nil {
		if w.groups, err = w.newGroupMoves(); err != nil {
			return nil, err
		}
	}
	tot := 0.0
	for _, t := range cfg.tracks() {
		tot += t.Weight
	}
	for _, t := range cfg.tracks() {
		w.typeW = append(w.typeW, t.Weight/tot)
		if err := w.addType(t); err != nil {
			return nil, err
		}
	}
	if cfg.Chain != nil {
		if w.chain, err = w.newChain(); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// tracks are the types the world is built for: Types, or the one type
// everyone on a chain shares, which sets only the first job and the
// education.
func (c *Config) tracks() []Type {
	if c.Chain != nil {
		return []Type{{Name: "chain", Weight: 1, StartZone: c.Chain.StartZone, Graduate: c.Chain.Graduate}}
	}
	return c.Types
}

func (w *world) addType(t Type) error {
	n := len(w.occ)
	mv := make([][]entry, n)
	start := make([]float64, n)
	deg := make([][]float64, n)
	tot := 0.0
	for c := range n {
		if !w.active[c] {
			continue
		}
		if w.cfg.Chain == nil {
			m, err := w.movesOf(t, c)
			if err != nil {
				return err
			}
			mv[c] = m
		}
		start[c] = w.pop[c] * math.Exp(t.StartZone*float64(w.zone[c]-3))
		tot += start[c]
		deg[c] = w.degreeOf(t, c)
	}
	cdf := make([]float64, n)
	acc := 0.0
	for c := range start {
		start[c] /= tot
		acc += start[c]
		cdf[c] = acc
	}
	w.moves = append(w.moves, mv)
	w.start = append(w.start, start)
	w.cdf = append(w.cdf, cdf)
	w.degree = append(w.degree, deg)
	return nil
}

// movesOf is the next-occupation distribution of a person of type t in
// occupation c, before the return move is mixed in, sorted by occupation.
func (w *world) movesOf(t Type, c int) ([]entry, error) {
	if w.groups != nil {
		if gm := w.groups.by[w.group[c]]; gm != nil {
			return w.calibratedMoves(t, c, gm)
		}
	}
	nb, err := w.neighbours(c)
	if err != nil {
		return nil, err
	}
	var sumIn, sumOut float64
	for i := range nb {
		if w.group[nb[i].y] == w.group[c] {
			sumIn += nb[i].p
		} else {
			sumOut += nb[i].p
		}
	}
	within, switches := t.Within, t.Switch
	if sumIn == 0 {
		switches += within
		within = 0
	}
	if sumOut == 0 {
		within += switches
		switches = 0
	}
	tot := t.Stay + within + switches
	out := append(nb, entry{int32(c), 0})
	for i := range nb {
		if w.group[nb[i].y] == w.group[c] {
			out[i].p = within / tot * nb[i].p / sumIn
		} else {
			out[i].p = switches / tot * nb[i].p / sumOut
		}
	}
	out[len(out)-1].p = t.Stay / tot
	slices.SortFunc(out, func(a, b entry) int { return int(a.y - b.y) })
	return out, nil
}

// neighbours are the occupations a move from c can go to, O*NET's related
// occupations and career changers, each with its weight before the move
// kind shares it out: by rank on the lists, times pop^PopAlpha ·
// e^(Climb·Δzone). They are in the order of the lists.
func (w *world) neighbours(c int) ([]entry, error) {
	code := w.occ[c].Code
	var nb []entry
	add := func(list []string, decay, weight float64) error {
		for i, r := range list {
			j, ok := w.tax.Index(r)
			if !ok || !w.active[j] {
				return fmt.Errorf("synth: %s lists %s, which has no related list or job zone", code, r)
			}
			nb = addTo(nb, int32(j), weight*math.Pow(decay, float64(i)))
		}
		return nil
	}
	if err := add(w.tax.RelatedCodes(code, 0), w.cfg.RelatedDecay, 1); err != nil {
		return nil, err
	}
	var chg []string
	for _, r := range w.tax.CareerChangers(code) {
		chg = append(chg, r.Code)
	}
	if w.cfg.ChangerWeight > 0 {
		if err := add(chg, w.cfg.ChangerDecay, w.cfg.ChangerWeight); err != nil {
			return nil, err
		}
	}
	for i := range nb {
		j := nb[i].y
		nb[i].p *= math.Pow(w.pop[j], w.cfg.PopAlpha) * math.Exp(w.cfg.Climb*float64(w.zone[j]-w.zone[c]))
	}
	return nb, nil
}

func addTo(d []entry, y int32, p float64) []entry {
	for i := range d {
		if d[i].y == y {
			d[i].p += p
			return d
		}
	}
	return append(d, entry{y, p})
}

// returns is where a return move goes after the occupations hist: the
// earlier occupations other than the current one, weighted by recency. It
// reuses buf.
func (w *world) returns(hist []int, buf []entry) []entry {
	buf = buf[:0]
	c := hist[len(hist)-1]
	wt, sum := 1.0, 0.0
	for t := len(hist) - 2; t >= 0; t-- {
		wt *= w.cfg.ReturnRecency
		if hist[t] != c {
			buf = addTo(buf, int32(hist[t]), wt)
			sum += wt
		}
	}
	for i := range buf {
		buf[i].p /= sum
	}
	return buf
}

// prob is P(next = y | current c, return distribution ret, type k).
func (w *world) prob(k, c int, ret []entry, y int) float64 {
	q := 0.0
	for _, e := range w.moves[k][c] {
		if int(e.y) == y {
			q = e.p
			break
		}
	}
	if len(ret) == 0 {
		return q
	}
	r := w.cfg.Types[k].Return
	q *= 1 - r
	for _, e := range ret {
		if int(e.y) == y {
			q += r * e.p
			break
		}
	}
	return q
}

// hashNormal is a standard normal number fixed by s, so that an
// occupation's popularity is the same in every data set.
func hashNormal(s string) float64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	a := h.Sum64()
	h.Write([]byte{0})
	b := h.Sum64()
	u1 := (float64(a>>11) + 0.5) / (1 << 53)
	u2 := (float64(b>>11) + 0.5) / (1 << 53)
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}
