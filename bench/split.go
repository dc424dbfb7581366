package bench

import (
	"cmp"
	"container/heap"
	"crypto/sha256"
	"encoding/binary"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
)

// Split divides examples into train and test sets. The test users are the
// nTest users with the smallest seeded hash of their id, so the split depends
// only on the ids and the seed, not on input order. Both sets keep the input
// order.
func Split(exs []*Example, nTest int, seed uint64) (train, test []*Example) {
	sel := newTestSelector(nTest, seed)
	for i, ex := range exs {
		sel.add(ex.UserID, i)
	}
	isTest := make([]bool, len(exs))
	for _, pos := range sel.positions() {
		isTest[pos] = true
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

// testSelector chooses the test users of a split as users stream past: the
// n least by (seeded hash of the id, id, position), kept in a max-heap, so
// it holds n users, not all of them.
type testSelector struct {
	n    int
	seed uint64
	h    *sliceHeap[splitKey] // greatest first: the next to drop
}

// splitKey is a user's place in the order of the split.
type splitKey struct {
	h   uint64
	id  string
	pos int
}

func (a splitKey) compare(b splitKey) int {
	return cmp.Or(cmp.Compare(a.h, b.h), cmp.Compare(a.id, b.id), cmp.Compare(a.pos, b.pos))
}

func newTestSelector(n int, seed uint64) *testSelector {
	greatest := func(a, b splitKey) int { return b.compare(a) }
	return &testSelector{n: max(n, 0), seed: seed, h: &sliceHeap[splitKey]{cmp: greatest}}
}

// add offers the user at position pos.
func (s *testSelector) add(id string, pos int) {
	if s.n == 0 {
		return
	}
	k := splitKey{userHash(id, s.seed), id, pos}
	switch {
	case s.h.Len() < s.n:
		heap.Push(s.h, k)
	case k.compare(s.h.items[0]) < 0:
		s.h.items[0] = k
		heap.Fix(s.h, 0)
	}
}

// positions returns the positions of the test users, ascending.
func (s *testSelector) positions() []int {
	out := make([]int, s.h.Len())
	for i, k := range s.h.items {
		out[i] = k.pos
	}
	slices.Sort(out)
	return out
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

// WriteExamples writes examples to a data set file atomically. Examples
// with target paths keep them: without MetaHorizon in meta, the file's
// horizon is their longest path.
func WriteExamples(path string, exs []*Example, meta map[string]string) error {
	k := 0
	for _, ex := range exs {
		k = max(k, len(ex.TargetPath))
	}
	if _, set := meta[MetaHorizon]; k > 1 && !set {
		meta = maps.Clone(meta)
		if meta == nil {
			meta = map[string]string{}
		}
		meta[MetaHorizon] = strconv.Itoa(k)
	}
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
