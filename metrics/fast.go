package metrics

import (
	"encoding/binary"
	"math/bits"
)

// The batch scorer's data structures. Every metric here only asks whether
// two tokens (or n-grams) of the same pair are equal, so tokens get small
// per-pair ids from a table that an epoch stamp empties in O(1); with ids
// below 2¹⁶ an n-gram of order ≤ 4 packs exactly into a uint64. Nothing is
// approximate: every hash hit is confirmed by comparing the bytes.

// byteTable maps byte strings to dense ids, open addressing, linear probing.
// New keys are copied into the table's arena, so slots stay small (20
// bytes) and the table stays in cache.
type byteTable struct {
	slots []bslot
	arena []byte
	shift uint
	epoch uint32 // stamps live slots; wraps, and then the slots are cleared
	gen   uint64 // counts resets; never wraps, so others may cache ids by it
	next  uint32
}

type bslot struct {
	hash  uint32
	epoch uint32
	off   uint32
	len   uint32
	id    uint32
}

// reset empties the table and sizes it for n keys.
func (t *byteTable) reset(n int) {
	size := 16
	for size < 2*n {
		size <<= 1
	}
	if size > len(t.slots) {
		t.slots = make([]bslot, size)
	}
	t.shift = uint(64 - bits.TrailingZeros(uint(size)))
	t.epoch++
	if t.epoch == 0 {
		clear(t.slots)
		t.epoch = 1
	}
	t.gen++
	t.next = 0
	t.arena = t.arena[:0]
}

// id returns key's id, assigning the next one to a new key. Once more than
// half the slots are taken the table doubles.
func (t *byteTable) id(key []byte, h uint64) uint32 {
	size := 1 << (64 - t.shift)
	m := size - 1
	h32 := uint32(h)
	for i := int(h >> t.shift); ; i = (i + 1) & m {
		s := &t.slots[i]
		if s.epoch != t.epoch {
			*s = bslot{hash: h32, epoch: t.epoch, off: uint32(len(t.arena)), len: uint32(len(key)), id: t.next}
			t.arena = append(t.arena, key...)
			t.next++
			if int(t.next)*2 > size {
				t.grow()
			}
			return t.next - 1
		}
		if s.hash == h32 && string(t.arena[s.off:s.off+s.len]) == string(key) {
			return s.id
		}
	}
}

// grow doubles the live part of the table, re-placing the current keys.
func (t *byteTable) grow() {
	size := 2 << (64 - t.shift)
	live := make([]bslot, 0, t.next)
	for _, s := range t.slots[:size/2] {
		if s.epoch == t.epoch {
			live = append(live, s)
		}
	}
	if size > len(t.slots) {
		t.slots = make([]bslot, size)
	} else {
		clear(t.slots[:size])
	}
	t.shift--
	m := size - 1
	for _, s := range live {
		key := t.arena[s.off : s.off+s.len]
		i := int(hashBytes(key) >> t.shift)
		for t.slots[i].epoch == t.epoch {
			i = (i + 1) & m
		}
		t.slots[i] = s
	}
}

// hashBytes is a fast 64-bit hash for short tokens (8 bytes per step, a
// final avalanche); equality is always confirmed, so quality matters only
// for speed.
func hashBytes(b []byte) uint64 {
	h := uint64(len(b)) * 0x9e3779b97f4a7c15
	for len(b) >= 8 {
		h = (h ^ binary.LittleEndian.Uint64(b)) * 0xbf58476d1ce4e5b9
		h ^= h >> 29
		b = b[8:]
	}
	var tail uint64
	for i, c := range b {
		tail |= uint64(c) << (8 * i)
	}
	h = (h ^ tail) * 0x94d049bb133111eb
	h ^= h >> 31
	h *= 0xbf58476d1ce4e5b9
	return h ^ h>>32
}

// stemCache remembers each word's Porter stem for the life of a worker;
// words and stems live in one arena.
type stemCache struct {
	slots []cslot
	n     int
	arena []byte
}

type cslot struct {
	hash       uint64
	off, len   uint32 // the word in the arena
	soff, slen uint32 // its stem
	stemHash   uint64
	gen        uint64 // the byteTable generation in which id is the stem's id
	id         uint32
	used       bool
}

func newStemCache() *stemCache {
	return &stemCache{slots: make([]cslot, 1<<12)}
}

// stemID returns the id in loc of word's stem; h is word's hash. The id is
// remembered for the rest of loc's epoch, so a word repeated within a pair
// costs one probe.
func (c *stemCache) stemID(word []byte, h uint64, loc *byteTable) uint32 {
	m := len(c.slots) - 1
	i := int(h) & m
	for ; c.slots[i].used; i = (i + 1) & m {
		s := &c.slots[i]
		if s.hash == h && string(c.arena[s.off:s.off+s.len]) == string(word) {
			if s.gen != loc.gen {
				s.gen, s.id = loc.gen, loc.id(c.arena[s.soff:s.soff+s.slen], s.stemHash)
			}
			return s.id
		}
	}
	st, sh := c.add(i, word, h)
	return loc.id(st, sh)
}

// add stores word's stem in slot i.
func (c *stemCache) add(i int, word []byte, h uint64) ([]byte, uint64) {
	st := Stem(string(word))
	s := &c.slots[i]
	*s = cslot{hash: h, used: true, off: uint32(len(c.arena)), len: uint32(len(word))}
	c.arena = append(c.arena, word...)
	s.soff, s.slen = uint32(len(c.arena)), uint32(len(st))
	c.arena = append(c.arena, st...)
	s.stemHash = hashBytes(c.arena[s.soff : s.soff+s.slen])
	out, sh := c.arena[s.soff:s.soff+s.slen], s.stemHash
	s.gen = 0 // the id is not known yet; it is set on the next lookup
	c.n++
	if 2*c.n > len(c.slots) {
		c.grow()
	}
	return out, sh
}

func (c *stemCache) grow() {
	old := c.slots
	c.slots = make([]cslot, 2*len(old))
	m := len(c.slots) - 1
	for _, s := range old {
		if !s.used {
			continue
		}
		i := int(s.hash) & m
		for c.slots[i].used {
			i = (i + 1) & m
		}
		c.slots[i] = s
	}
}

// packTable counts packed n-grams: clipped matches of a hypothesis against
// references, the BLEU and ROUGE-N statistic. Keys are (id+1) in 16-bit
// groups, so n-grams of different orders never collide and 0 marks an empty
// slot; the probed key array is 8 bytes a slot and stays in L1 for
// reason-length texts. Used slots are zeroed after each count.
type packTable struct {
	uh   []int32 // unigram counts by id: hypothesis, max reference, current reference
	ur   []int32
	uc   []int32
	keys []uint64
	hyp  []int32
	ref  []int32
	cur  []int32
	used []int32
}

func mix64(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	return k
}

// maxPackedID bounds the ids count can pack: ids+1 take 16 bits each.
const maxPackedID = 1<<16 - 2

// count adds the clipped matches and hypothesis totals of orders 1..maxN
// (maxN ≤ 4) to correct and total; ids are below vocab ≤ maxPackedID+1.
// Unigrams are counted in dense arrays indexed by id, higher orders in the
// hash table. Only n-grams that can match are hashed: a hypothesis n-gram
// enters the table only if each of its tokens occurs in some reference, and
// a reference n-gram is looked up only while its prefix is in the table.
// Totals are arithmetic.
func (t *packTable) count(hyp []uint32, refs [][]uint32, maxN, vocab int, correct, total []int) {
	if len(t.uh) < vocab {
		t.uh = make([]int32, vocab)
		t.ur = make([]int32, vocab)
		t.uc = make([]int32, vocab)
	}
	uh, ur, uc := t.uh[:vocab], t.ur[:vocab], t.uc[:vocab]
	for _, id := range hyp {
		uh[id]++
	}
	for _, ref := range refs {
		for _, id := range ref {
			uc[id]++
		}
		for _, id := range ref {
			if uc[id] != 0 {
				ur[id] = max(ur[id], uc[id])
				uc[id] = 0
			}
		}
	}
	for n := 1; n <= maxN; n++ {
		total[n-1] += max(0, len(hyp)-n+1)
	}
	if maxN >= 1 {
		for _, id := range hyp {
			if uh[id] > 0 {
				correct[0] += int(min(uh[id], ur[id]))
				uh[id] = -uh[id] // visited; the sign still says "in the hypothesis"
			}
		}
	}
	if maxN >= 2 {
		t.higher(hyp, refs, maxN, correct)
	}
	for _, id := range hyp {
		uh[id] = 0
	}
	for _, ref := range refs {
		for _, id := range ref {
			ur[id] = 0
		}
	}
}

// higher counts orders 2..maxN; uh is non-zero for hypothesis tokens and ur
// for reference tokens.
func (t *packTable) higher(hyp []uint32, refs [][]uint32, maxN int, correct []int) {
	uh, ur := t.uh, t.ur
	nh := 0
	for n := 2; n <= maxN && n <= len(hyp); n++ {
		nh += len(hyp) - n + 1
	}
	size := 64
	for size < 2*nh {
		size <<= 1
	}
	if size > len(t.keys) {
		t.keys = make([]uint64, size)
		t.hyp = make([]int32, size)
		t.ref = make([]int32, size)
		t.cur = make([]int32, size)
	}
	shift := uint(64 - bits.TrailingZeros(uint(size)))
	m := size - 1
	// Locals, so the compiler keeps them in registers and drops bounds checks.
	keys, hc, rc, cc := t.keys[:size], t.hyp[:size], t.ref[:size], t.cur[:size]
	used := t.used[:0]
	for i, id := range hyp {
		if ur[id] == 0 {
			continue
		}
		key := uint64(id + 1)
		for n := 2; n <= maxN && i+n <= len(hyp); n++ {
			next := hyp[i+n-1]
			if ur[next] == 0 {
				break // no reference has this token, so no longer n-gram matches
			}
			key = key<<16 | uint64(next+1)
			j := int(mix64(key)>>shift) & m
			for keys[j] != key {
				if keys[j] == 0 {
					keys[j] = key
					used = append(used, int32(j))
					break
				}
				j = (j + 1) & m
			}
			hc[j]++
		}
	}
	if len(used) > 0 {
		for _, ref := range refs {
			for i, id := range ref {
				if uh[id] == 0 {
					continue
				}
				key := uint64(id + 1)
				for n := 2; n <= maxN && i+n <= len(ref); n++ {
					key = key<<16 | uint64(ref[i+n-1]+1)
					j := int(mix64(key)>>shift) & m
					for keys[j] != key && keys[j] != 0 {
						j = (j + 1) & m
					}
					if keys[j] == 0 {
						break // no hypothesis n-gram extends a missing prefix
					}
					cc[j]++
				}
			}
			for _, j := range used {
				rc[j] = max(rc[j], cc[j])
				cc[j] = 0
			}
		}
	}
	for _, j := range used {
		n := (bits.Len64(keys[j]) + 15) >> 4
		correct[n-1] += int(min(hc[j], rc[j]))
		keys[j], hc[j], rc[j] = 0, 0, 0
	}
	t.used = used
}
