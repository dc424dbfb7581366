package bench

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"hash/fnv"
	"math/rand/v2"
	"slices"
)

// Split divides examples into train and test sets. The test users are the
// nTest users with the smallest seeded hash of their id, so the split depends
// only on the ids and the seed, not on input order. Both sets keep the input
// order.
func Split(exs []*Example, nTest int, seed uint64) (train, test []*Example) {
	nTest = min(max(nTest, 0), len(exs))
	type keyed struct {
		h   uint64
		id  string
		pos int
	}
	keys := make([]keyed, len(exs))
	for i, ex := range exs {
		keys[i] = keyed{userHash(ex.UserID, seed), ex.UserID, i}
	}
	slices.SortFunc(keys, func(a, b keyed) int {
		return cmp.Or(cmp.Compare(a.h, b.h), cmp.Compare(a.id, b.id), cmp.Compare(a.pos, b.pos))
	})
	isTest := make([]bool, len(exs))
	for _, k := range keys[:nTest] {
		isTest[k.pos] = true
	}
	for i, ex := range exs {
		if isTest[i] {
			test = append(test, ex)
		} else {
			train = append(train, ex)
		}
	}
	return train, test
}

// userHash mixes FNV-1a of the id with the seed through the splitmix64
// finaliser: stable across versions and platforms.
func userHash(id string, seed uint64) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	x := h.Sum64() ^ (seed * 0x9e3779b97f4a7c15)
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// WriteExamples writes examples to a data set file atomically.
func WriteExamples(path string, exs []*Example, meta map[string]string) error {
	w, err := Create(path, meta)
	if err != nil {
		return err
	}
	defer w.Abort()
	for _, ex := range exs {
		if err := w.Write(ex); err != nil {
			return err
		}
	}
	return w.Close()
}

// UserRand is a generator for one user's draws: the same seed and key (a
// user id, with a purpose appended where a user has several draws) give
// the same draws whatever else is in the data set.
func UserRand(seed uint64, key string) *rand.Rand {
	h := sha256.Sum256([]byte(key))
	return rand.New(rand.NewPCG(seed, binary.BigEndian.Uint64(h[:8])))
}
