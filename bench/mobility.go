package bench

import (
	"cmp"
	"hash/fnv"
	"math"
	"slices"

	"github.com/occbench/occbench/bench/onet"
)

// Mobility is how the careers of a data set move between occupations: what
// tells a limit of the data from a limit of a model. A transition is two
// consecutive jobs with codes, the target job included.
type Mobility struct {
	Transitions int `json:"transitions"`
	Changes     int `json:"occupation_changes"` // transitions to another occupation
	// CrossGroup is the share of changes into another SOC major group,
	// IntoManagement the share of those into 11 Management.
	CrossGroup     float64     `json:"cross_group_share"`
	IntoManagement float64     `json:"into_management_share"`
	StayInGroup    []GroupStay `json:"stay_in_group"` // per source major group, most changes first
	Entropy        Entropy     `json:"next_occupation_entropy"`
}

// GroupStay is the share of a major group's occupation changes that stay
// in the group.
type GroupStay struct {
	Group   string  `json:"group"` // "43-0000"
	Title   string  `json:"title"`
	Changes int     `json:"changes"`
	Stay    float64 `json:"stay"`
}

// Entropy is the cross-entropy, in bits, of the next occupation on the
// transitions of held-out users (one in HeldOutEvery, by a hash of the
// id) under smoothed counts of the other users' transitions: alone, given
// the last occupation, and given the last two. It bounds the conditional
// entropy from above; a small drop from the last to the last two says a
// second-order model has little to gain on this data.
type Entropy struct {
	HeldOut      int     `json:"held_out_transitions"`
	Alone        float64 `json:"alone"`
	GivenLast    float64 `json:"given_last"`
	GivenLastTwo float64 `json:"given_last_two"`
}

// HeldOutEvery: one user in this many is held out for the entropies.
const HeldOutEvery = 5

// mobility accumulates a Mobility one user at a time.
type mobility struct {
	m       Mobility
	groups  map[string]*GroupStay
	ids     map[string]int32
	counts  ngramCounts
	heldOut [][3]int32 // two back, last, next
}

// start stands before a career's first job in a two-job context.
const start = -1

func newMobility() *mobility {
	return &mobility{groups: map[string]*GroupStay{}, ids: map[string]int32{}, counts: newNgramCounts()}
}

func (z *mobility) id(code string) int32 {
	i, ok := z.ids[code]
	if !ok {
		i = int32(len(z.ids))
		z.ids[code] = i
	}
	return i
}

// add counts the transitions of one user's jobs, the target last.
func (z *mobility) add(userID string, codes []string) {
	h := fnv.New32a()
	h.Write([]byte(userID))
	held := h.Sum32()%HeldOutEvery == 0
	prev2 := int32(start)
	for i := 1; i < len(codes); i++ {
		a, b := codes[i-1], codes[i]
		if a == "" || b == "" {
			prev2 = start
			continue
		}
		z.m.Transitions++
		if a != b {
			z.change(a, b)
		}
		t := [3]int32{prev2, z.id(a), z.id(b)}
		if held {
			z.heldOut = append(z.heldOut, t)
		} else {
			z.counts.add(t)
		}
		prev2 = t[1]
	}
}

func (z *mobility) change(a, b string) {
	z.m.Changes++
	ga, gb := onet.MajorGroup(a), onet.MajorGroup(b)
	g := z.groups[ga]
	if g == nil {
		g = &GroupStay{Group: ga}
		z.groups[ga] = g
	}
	g.Changes++
	if ga == gb {
		g.Stay++
		return
	}
	z.m.CrossGroup++
	if gb == "11-0000" {
		z.m.IntoManagement++
	}
}

// result finishes the shares and estimates the entropies.
func (z *mobility) result() Mobility {
	m := z.m
	m.IntoManagement = share(m.IntoManagement, m.CrossGroup)
	m.CrossGroup = share(m.CrossGroup, float64(m.Changes))
	tax := onet.Default()
	m.StayInGroup = []GroupStay{}
	for _, g := range z.groups {
		g.Stay = share(g.Stay, float64(g.Changes))
		g.Title = tax.GroupTitle(g.Group)
		m.StayInGroup = append(m.StayInGroup, *g)
	}
	slices.SortFunc(m.StayInGroup, func(a, b GroupStay) int { return cmp.Or(b.Changes-a.Changes, cmp.Compare(a.Group, b.Group)) })
	m.Entropy = z.counts.crossEntropy(z.heldOut, len(tax.Occupations()))
	return m
}

func share(part, whole float64) float64 {
	if whole == 0 {
		return 0
	}
	return part / whole
}

// ngramCounts are the counts of next occupations alone, after one and
// after two occupations, and how many distinct ones follow each context
// (Witten–Bell smoothing needs both).
type ngramCounts struct {
	n    int
	uni  map[int32]int
	bi   map[[2]int32]int // last, next
	tri  map[[3]int32]int // two back, last, next
	ctx1 map[int32]*ctxCount
	ctx2 map[[2]int32]*ctxCount
}

type ctxCount struct{ n, distinct int }

func newNgramCounts() ngramCounts {
	return ngramCounts{uni: map[int32]int{}, bi: map[[2]int32]int{}, tri: map[[3]int32]int{},
		ctx1: map[int32]*ctxCount{}, ctx2: map[[2]int32]*ctxCount{}}
}

func (c *ngramCounts) add(t [3]int32) {
	a, b, next := t[0], t[1], t[2]
	c.n++
	c.uni[next]++
	bi := [2]int32{b, next}
	if c.bi[bi]++; c.bi[bi] == 1 {
		ctxOf(c.ctx1, b).distinct++
	}
	ctxOf(c.ctx1, b).n++
	if c.tri[t]++; c.tri[t] == 1 {
		ctxOf(c.ctx2, [2]int32{a, b}).distinct++
	}
	ctxOf(c.ctx2, [2]int32{a, b}).n++
}

func ctxOf[K comparable](m map[K]*ctxCount, k K) *ctxCount {
	c := m[k]
	if c == nil {
		c = &ctxCount{}
		m[k] = c
	}
	return c
}

// crossEntropy is the mean of −log2 p(next) over the held-out transitions
// under add-one unigram counts over the catalogue (vocab occupations) and
// Witten–Bell interpolation for one and two occupations of context.
func (c *ngramCounts) crossEntropy(held [][3]int32, vocab int) Entropy {
	e := Entropy{HeldOut: len(held)}
	if len(held) == 0 {
		return e
	}
	for _, t := range held {
		p0 := float64(c.uni[t[2]]+1) / float64(c.n+vocab)
		p1 := wittenBell(c.ctx1[t[1]], c.bi[[2]int32{t[1], t[2]}], p0)
		p2 := wittenBell(c.ctx2[[2]int32{t[0], t[1]}], c.tri[t], p1)
		e.Alone -= math.Log2(p0)
		e.GivenLast -= math.Log2(p1)
		e.GivenLastTwo -= math.Log2(p2)
	}
	n := float64(len(held))
	e.Alone, e.GivenLast, e.GivenLastTwo = e.Alone/n, e.GivenLast/n, e.GivenLastTwo/n
	return e
}

// wittenBell interpolates a context's counts with the lower order: the
// weight of the lower order is the share of distinct followers among the
// context's occurrences, so a context seen often with few followers trusts
// its own counts.
func wittenBell(ctx *ctxCount, count int, lower float64) float64 {
	if ctx == nil || ctx.n == 0 {
		return lower
	}
	return (float64(count) + float64(ctx.distinct)*lower) / float64(ctx.n+ctx.distinct)
}
