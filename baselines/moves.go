package baselines

// The moves of MoveFlags.
const (
	moveFirst int32 = iota
	moveStay
	moveBack     // to the last different item
	moveReturn   // to an item seen earlier still
	moveNew      // a new item, in the previous item's group (or without groups)
	moveNewOther // a new item in another group
	moveMasked   // BERT4Rec: a mask token, or the item after one
	moveKinds
)

// appendMoveFlags appends the move that led to each item of s; groups,
// when not nil, gives each item's group. Where the item or the one before
// it is the mask token (−1 for none) the move is unknown: moveMasked, so
// the flags never tell what a mask hides.
func appendMoveFlags(dst []int32, s []int32, groups []int32, mask int32) []int32 {
	for t, it := range s {
		f := moveFirst
		if it == mask || t > 0 && s[t-1] == mask {
			f = moveMasked
		} else if t > 0 {
			prev, pd := s[t-1], int32(-1)
			for j := t - 2; j >= 0; j-- {
				if s[j] != prev {
					pd = s[j]
					break
				}
			}
			switch {
			case it == prev:
				f = moveStay
			case it == pd:
				f = moveBack
			case contains(s[:t], it):
				f = moveReturn
			case groups != nil && groups[it] != groups[prev]:
				f = moveNewOther
			default:
				f = moveNew
			}
		}
		dst = append(dst, f)
	}
	return dst
}
