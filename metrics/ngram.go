package metrics

import (
	"math/bits"
	"slices"
)

// BLEU's matched and total n-gram counts and ROUGE-N's overlap are the same
// quantity: for each hypothesis n-gram, its count clipped by the largest
// count in any reference. ngramTable computes it over interned token ids
// with an open-addressing hash table that is reused between segments (an
// epoch stamp empties it in O(1)), which is what makes 10,000 long pairs
// cheap. An entry points into the hypothesis instead of copying the n-gram,
// so any order works.

type ngramSlot struct {
	hash  uint64
	epoch uint32
	pos   int32 // start of the n-gram in the hypothesis
	n     int32
	hyp   int32
	ref   int32 // max count over the references seen so far
	cur   int32 // count in the reference being read
}

type ngramTable struct {
	slots []ngramSlot
	shift uint
	epoch uint32
	used  []int32
	hyp   []uint32
}

func mixID(h uint64, id uint32) uint64 {
	h ^= uint64(id) + 0x9e3779b97f4a7c15
	h *= 0xbf58476d1ce4e5b9
	return h ^ h>>31
}

func (t *ngramTable) reset(nHyp int) {
	need := 2 * nHyp
	if need < 16 {
		need = 16
	}
	size := 1 << bits.Len(uint(need-1))
	if size > len(t.slots) {
		t.slots = make([]ngramSlot, size)
		t.epoch = 0
	}
	t.shift = uint(64 - bits.Len(uint(size-1)))
	t.epoch++
	if t.epoch == 0 { // wrapped: clear stale stamps
		clear(t.slots)
		t.epoch = 1
	}
	t.used = t.used[:0]
}

// mask is the index mask for the current table size.
func (t *ngramTable) mask() int { return (1 << (64 - t.shift)) - 1 }

func (t *ngramTable) find(h uint64, n int, seq []uint32, at int, insert bool) int {
	m := t.mask()
	i := int(h >> t.shift)
	for {
		s := &t.slots[i]
		if s.epoch != t.epoch {
			if !insert {
				return -1
			}
			*s = ngramSlot{hash: h, epoch: t.epoch, pos: int32(at), n: int32(n)}
			t.used = append(t.used, int32(i))
			return i
		}
		if s.hash == h && int(s.n) == n && slices.Equal(t.hyp[s.pos:int(s.pos)+n], seq[at:at+n]) {
			return i
		}
		i = (i + 1) & m
	}
}

// count adds, for orders 1..maxN, the clipped matches and the hypothesis
// n-gram totals of hyp against refs to correct and total (index n-1).
func (t *ngramTable) count(hyp []uint32, refs [][]uint32, maxN int, correct, total []int) {
	nHyp := 0
	for n := 1; n <= maxN && n <= len(hyp); n++ {
		nHyp += len(hyp) - n + 1
	}
	t.reset(nHyp)
	t.hyp = hyp
	for i := range hyp {
		h := uint64(0)
		for n := 1; n <= maxN && i+n <= len(hyp); n++ {
			h = mixID(h, hyp[i+n-1])
			t.slots[t.find(h, n, hyp, i, true)].hyp++
		}
	}
	for _, ref := range refs {
		for j := range ref {
			h := uint64(0)
			for n := 1; n <= maxN && j+n <= len(ref); n++ {
				h = mixID(h, ref[j+n-1])
				if k := t.find(h, n, ref, j, false); k >= 0 {
					t.slots[k].cur++
				}
			}
		}
		for _, k := range t.used {
			s := &t.slots[k]
			s.ref = max(s.ref, s.cur)
			s.cur = 0
		}
	}
	for _, k := range t.used {
		s := &t.slots[k]
		total[s.n-1] += int(s.hyp)
		correct[s.n-1] += int(min(s.hyp, s.ref))
	}
	t.hyp = nil
}

// interner maps token strings to dense ids; ids are only compared, never
// decoded, so one interner can serve every metric of a worker.
type interner struct {
	ids map[string]uint32
}

func newInterner() *interner { return &interner{ids: make(map[string]uint32, 1<<12)} }

func (in *interner) idString(s string) uint32 {
	if id, ok := in.ids[s]; ok {
		return id
	}
	id := uint32(len(in.ids))
	in.ids[s] = id
	return id
}

func (in *interner) ids2(tokens []string, dst []uint32) []uint32 {
	dst = dst[:0]
	for _, s := range tokens {
		dst = append(dst, in.idString(s))
	}
	return dst
}
