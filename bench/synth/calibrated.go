package synth

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
)

// Mobility sets where the hidden tracks' moves go by SOC major group, the
// calibrated profile: how often a move leaves its group and for which
// group, so that careers cross groups as often, and into the groups, that
// real resumes do. Inside a group a move still follows O*NET's neighbours.
type Mobility struct {
	Groups []GroupMoves `json:"groups"`
	// Fallback is how many occupations of a group a move can land in when
	// the occupation it leaves has no O*NET neighbour there: the group's
	// heaviest by pop^PopAlpha · e^(Climb·zone), the same order in which
	// neighbours weigh.
	Fallback int `json:"fallback"`
	// Pull multiplies a destination group's weight wherever a group's To
	// names it: how much more careers are drawn into it than each group's
	// figures say, which makes up for a mix of groups unlike the resumes'.
	Pull map[string]float64 `json:"pull,omitempty"`
}

// GroupMoves sets the moves out of one major group. A group without one
// moves as in the hidden-track profile.
type GroupMoves struct {
	Group string `json:"group"` // two digits: "13"
	// LeaveOdds multiplies every type's Switch:Within odds for moves out of
	// the group: a type leaves with LeaveOdds·Switch/(LeaveOdds·Switch +
	// Within) of its moves.
	LeaveOdds float64 `json:"leave_odds"`
	// To weighs the destination groups of a switch. Other is the weight of
	// all other groups together, shared among them as the leaving
	// occupation's O*NET neighbours in them weigh, and dropped when it has
	// none there.
	To    map[string]float64 `json:"to"`
	Other float64            `json:"other"`
}

func (m *Mobility) validate() []error {
	var errs []error
	if m.Fallback < 1 {
		errs = append(errs, fmt.Errorf("mobility fallback %d: want at least 1", m.Fallback))
	}
	for h, v := range m.Pull {
		if len(h) != 2 || !(v > 0) || math.IsInf(v, 0) {
			errs = append(errs, fmt.Errorf("mobility pull %q %v: want two digits and a weight > 0", h, v))
		}
	}
	seen := map[string]bool{}
	for _, g := range m.Groups {
		bad := len(g.Group) != 2 || seen[g.Group] || !(g.LeaveOdds > 0) || math.IsInf(g.LeaveOdds, 0) || !(g.Other >= 0) || math.IsInf(g.Other, 0)
		sum := g.Other
		for h, v := range g.To {
			bad = bad || len(h) != 2 || h == g.Group || !(v >= 0) || math.IsInf(v, 0)
			sum += v
		}
		if bad || !(sum > 0) {
			errs = append(errs, fmt.Errorf("mobility group %q: want two digits once, leave odds > 0, destination weights ≥ 0 with a positive sum, none to itself", g.Group))
		}
		seen[g.Group] = true
	}
	return errs
}

// groupMoves indexes a Mobility for the world: per group, its settings and
// the fallback destinations.
type groupMoves struct {
	by       map[string]*GroupMoves
	fallback map[string][]entry // group → its heaviest occupations, normalised
}

func (w *world) newGroupMoves() (*groupMoves, error) {
	m := w.cfg.Mobility
	gm := &groupMoves{by: map[string]*GroupMoves{}, fallback: map[string][]entry{}}
	for i := range m.Groups {
		gm.by[m.Groups[i].Group] = &m.Groups[i]
	}
	for c := range w.occ {
		if w.active[c] {
			g := w.group[c]
			gm.fallback[g] = append(gm.fallback[g], entry{int32(c), math.Pow(w.pop[c], w.cfg.PopAlpha) * math.Exp(w.cfg.Climb*float64(w.zone[c]))})
		}
	}
	for g, d := range gm.fallback {
		slices.SortStableFunc(d, func(a, b entry) int { return cmp.Compare(b.p, a.p) })
		gm.fallback[g] = d[:min(m.Fallback, len(d))]
	}
	for g := range gm.by {
		if gm.fallback[g] == nil {
			return nil, fmt.Errorf("synth: mobility group %s has no occupation the generator draws", g)
		}
		for h := range gm.by[g].To {
			if gm.fallback[h] == nil {
				return nil, fmt.Errorf("synth: mobility group %s moves to %s, which has no occupation the generator draws", g, h)
			}
		}
	}
	return gm, nil
}

// calibratedMoves is movesOf for an occupation c of a group with settings
// gm: the type's stay, then its moves split between c's group and the
// others by the group's leave odds, the others by the group's destination
// weights, and each group's share among c's neighbours there, or the
// group's fallback.
func (w *world) calibratedMoves(t Type, c int, gm *GroupMoves) ([]entry, error) {
	nb, err := w.neighbours(c)
	if err != nil {
		return nil, err
	}
	g := w.group[c]
	byGroup := map[string][]entry{} // c's neighbours by group
	for _, e := range nb {
		byGroup[w.group[e.y]] = append(byGroup[w.group[e.y]], e)
	}
	// In-group destinations; c itself is the type's stay, not a move.
	in := byGroup[g]
	if in == nil {
		for _, e := range w.groups.fallback[g] {
			if int(e.y) != c {
				in = append(in, e)
			}
		}
	}
	// Destination groups of a switch.
	to := maps.Clone(gm.To)
	for h, v := range w.cfg.Mobility.Pull {
		if _, ok := to[h]; ok {
			to[h] *= v
		}
	}
	var other float64
	for h, d := range byGroup {
		if h != g && gm.To[h] == 0 {
			other += sumEntries(d)
		}
	}
	if other > 0 {
		for h, d := range byGroup {
			if h != g && gm.To[h] == 0 {
				to[h] = gm.Other * sumEntries(d) / other
			}
		}
	}
	sumTo := 0.0
	for _, v := range to {
		sumTo += v
	}
	// The share of the type's moves that leave the group.
	var leave float64
	switch {
	case sumTo == 0:
	case len(in) == 0 || t.Within == 0:
		leave = 1
	default:
		s := gm.LeaveOdds * t.Switch
		leave = s / (s + t.Within)
	}
	tot := t.Stay + t.Within + t.Switch
	move := (t.Within + t.Switch) / tot
	if len(in) == 0 && sumTo == 0 {
		move = 0 // nowhere to go
	}
	out := []entry{{int32(c), 1 - move}}
	add := func(d []entry, p float64) {
		if p == 0 {
			return
		}
		s := sumEntries(d)
		for _, e := range d {
			out = addTo(out, e.y, p*e.p/s)
		}
	}
	add(in, move*(1-leave))
	for _, h := range slices.Sorted(maps.Keys(to)) {
		d := byGroup[h]
		if d == nil {
			d = w.groups.fallback[h]
		}
		add(d, move*leave*to[h]/sumTo)
	}
	slices.SortFunc(out, func(a, b entry) int { return cmp.Compare(a.y, b.y) })
	return out, nil
}

func sumEntries(d []entry) float64 {
	s := 0.0
	for _, e := range d {
		s += e.p
	}
	return s
}

// realFlow is how careers leave one SOC major group in years 1–5 of US
// college graduates' careers, from Lightcast resume profiles (228,710
// transitions between jobs; ../shared/research/real-mobility.md, from
// Achananuparp, Lim et al.'s major_occupation_transitions_y1-5.csv): the
// share of the group's transitions that stay in it, and its three
// commonest destination groups with their shares.
type realFlow struct {
	group string
	stay  float64
	to    map[string]float64
}

var realFlows = []realFlow{
	{"11", .670, map[string]float64{"13": .101, "41": .058, "43": .029}},
	{"13", .503, map[string]float64{"11": .298, "41": .048, "15": .044}},
	{"15", .667, map[string]float64{"11": .146, "13": .073, "17": .032}},
	{"17", .683, map[string]float64{"11": .141, "15": .053, "13": .033}},
	{"19", .481, map[string]float64{"11": .122, "17": .071, "13": .067}},
	{"21", .430, map[string]float64{"11": .219, "13": .079, "25": .057}},
	{"23", .785, map[string]float64{"11": .083, "13": .046, "43": .020}},
	{"25", .465, map[string]float64{"11": .137, "13": .070, "19": .063}},
	{"27", .527, map[string]float64{"11": .196, "13": .066, "41": .045}},
	{"29", .708, map[string]float64{"11": .105, "13": .036, "19": .025}},
	{"31", .167, map[string]float64{"29": .320, "11": .138, "21": .081}},
	{"33", .467, map[string]float64{"11": .141, "13": .088, "15": .051}},
	{"35", .229, map[string]float64{"11": .224, "43": .097, "13": .093}},
	{"37", .301, map[string]float64{"11": .221, "13": .070, "43": .050}},
	{"39", .201, map[string]float64{"11": .220, "13": .087, "43": .075}},
	{"41", .372, map[string]float64{"11": .297, "13": .128, "43": .059}},
	{"43", .274, map[string]float64{"11": .225, "13": .217, "41": .070}},
	{"45", .190, map[string]float64{"11": .190, "13": .124, "25": .066}},
	{"47", .250, map[string]float64{"11": .201, "17": .129, "13": .070}},
	{"49", .382, map[string]float64{"11": .146, "15": .099, "17": .086}},
	{"51", .281, map[string]float64{"11": .210, "17": .090, "13": .066}},
	{"53", .273, map[string]float64{"11": .186, "13": .127, "41": .077}},
}

// The same source's totals: the share of transitions that cross major
// groups, and of those the share into 11 Management.
const (
	realCrossGroup     = .475
	realIntoManagement = .353
)
