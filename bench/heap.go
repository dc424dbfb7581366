package bench

// sliceHeap is a container/heap of T, least first by cmp.
type sliceHeap[T any] struct {
	items []T
	cmp   func(a, b T) int
}

func (h *sliceHeap[T]) Len() int           { return len(h.items) }
func (h *sliceHeap[T]) Less(i, j int) bool { return h.cmp(h.items[i], h.items[j]) < 0 }
func (h *sliceHeap[T]) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *sliceHeap[T]) Push(x any)         { h.items = append(h.items, x.(T)) }
func (h *sliceHeap[T]) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}
