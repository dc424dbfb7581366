package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func careers(users [][]string) *Summarizer {
	z := NewSummarizer()
	for i, codes := range users {
		ex := &Example{UserID: fmt.Sprintf("u%d", i)}
		for _, c := range codes[:len(codes)-1] {
			ex.History = append(ex.History, Record{Kind: Job, Code: c})
		}
		ex.TargetCode = codes[len(codes)-1]
		z.Add(ex)
	}
	return z
}

func TestMobilityShares(t *testing.T) {
	const (
		accountant = "13-2011.00"
		auditor    = "13-2011.01" // same group, another occupation
		manager    = "11-1021.00"
		developer  = "15-1252.00"
	)
	m := careers([][]string{
		{accountant, accountant, auditor, manager}, // a stay, a change in group 13, a change 13 → 11
		{developer, manager, developer},            // 15 → 11, 11 → 15
		{developer, "", developer},                 // no code: no transition either side
	}).Summary(0).Mobility
	if m.Transitions != 5 || m.Changes != 4 {
		t.Fatalf("transitions %d, changes %d; want 5 and 4", m.Transitions, m.Changes)
	}
	if m.CrossGroup != 0.75 || math.Abs(m.IntoManagement-2.0/3) > 1e-12 {
		t.Errorf("cross-group %.3f (want 0.75), into Management %.3f (want 0.667)", m.CrossGroup, m.IntoManagement)
	}
	want := map[string]GroupStay{
		"13-0000": {Group: "13-0000", Title: "Business and Financial Operations Occupations", Changes: 2, Stay: 0.5},
		"15-0000": {Group: "15-0000", Title: "Computer and Mathematical Occupations", Changes: 1, Stay: 0},
		"11-0000": {Group: "11-0000", Title: "Management Occupations", Changes: 1, Stay: 0},
	}
	if len(m.StayInGroup) != len(want) || m.StayInGroup[0].Group != "13-0000" {
		t.Fatalf("stay in group: %+v", m.StayInGroup)
	}
	for _, g := range m.StayInGroup {
		if g != want[g.Group] {
			t.Errorf("group %s: %+v, want %+v", g.Group, g, want[g.Group])
		}
	}
}

// The entropies tell a first-order chain from a second-order one: the
// last two occupations help only where the next depends on both.
func TestMobilityEntropy(t *testing.T) {
	codes := []string{"11-1021.00", "13-2011.00", "15-1252.00", "29-1141.00", "41-2031.00", "43-4051.00"}
	chain := func(order int) [][]string {
		rng := rand.New(rand.NewPCG(1, uint64(order)))
		var users [][]string
		for range 3000 {
			a, b := -1, rng.IntN(len(codes)) // the first job at random
			u := []string{codes[b]}
			for range 7 {
				next := (b + 1 + rng.IntN(2)) % len(codes) // two successors of the last
				if order == 2 && a >= 0 {
					next = (a + b) % len(codes) // a function of the last two
					if rng.IntN(10) == 0 {
						next = rng.IntN(len(codes))
					}
				}
				a, b = b, next
				u = append(u, codes[next])
			}
			users = append(users, u)
		}
		return users
	}
	first := careers(chain(1)).Summary(0).Mobility.Entropy
	second := careers(chain(2)).Summary(0).Mobility.Entropy
	t.Logf("first order %+v; second order %+v", first, second)
	if first.HeldOut == 0 || second.HeldOut == 0 {
		t.Fatal("no held-out transitions")
	}
	// First order: one bit given the last (two equal successors), nothing more from the one before.
	if math.Abs(first.GivenLast-1) > 0.05 || math.Abs(first.GivenLastTwo-first.GivenLast) > 0.05 || first.Alone < 2.5 {
		t.Errorf("first-order chain: %+v", first)
	}
	// Second order: the last alone says little, the last two nearly all.
	if second.GivenLast < 2 || second.GivenLastTwo > 1 {
		t.Errorf("second-order chain: %+v", second)
	}
}

func TestMobilityEmpty(t *testing.T) {
	m := NewSummarizer().Summary(0).Mobility
	if m.Transitions != 0 || m.Entropy.HeldOut != 0 || m.StayInGroup == nil {
		t.Errorf("%+v", m)
	}
}
