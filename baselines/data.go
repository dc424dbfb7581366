package baselines

import "math/rand/v2"

// DataOptions says how PrepareData builds training and validation sets.
type DataOptions struct {
	// ValidFrac is the share of users (with at least two items) held out
	// for early stopping: their last item is predicted from the rest.
	ValidFrac float64
	// Seed picks the validation users.
	Seed uint64
	// Transductive adds the histories of the test users, and those of the
	// validation users without their last item, as training sequences, as
	// the paper does ("for both training and test users, we use the
	// observed history occupations"). Nothing held out is ever trained on.
	Transductive bool
}

// DefaultData is the paper's setting with a 10% validation split.
var DefaultData = DataOptions{ValidFrac: 0.1, Seed: 1, Transductive: true}

// PrepareData splits users (full sequences: history then target) into
// training and validation sequences and, when o.Transductive, adds
// testHistories (histories without their targets) to the training set.
func PrepareData(users, testHistories []Sequence, o DataOptions) (train, valid []Sequence) {
	train, valid = SplitValid(users, o.ValidFrac, o.Seed)
	if o.Transductive {
		for _, v := range valid {
			train = append(train, v[:len(v)-1])
		}
		train = append(train, testHistories...)
	}
	return train, valid
}

// SplitValid holds out round(frac·len(users)) users with at least two
// items, chosen by seed, and returns the rest (in their original order)
// and the held-out users (in the order drawn).
func SplitValid(users []Sequence, frac float64, seed uint64) (train, valid []Sequence) {
	want := int(frac*float64(len(users)) + 0.5)
	if want <= 0 {
		return append([]Sequence(nil), users...), nil
	}
	rng := rand.New(rand.NewPCG(seed, 0x5a1d))
	held := make([]bool, len(users))
	for _, i := range rng.Perm(len(users)) {
		if len(valid) == want {
			break
		}
		if len(users[i]) >= 2 {
			held[i] = true
			valid = append(valid, users[i])
		}
	}
	for i, u := range users {
		if !held[i] {
			train = append(train, u)
		}
	}
	return train, valid
}
