package pool

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
)

func TestEach(t *testing.T) {
	items := make([]int, 100)
	for i := range items {
		items[i] = i
	}
	t.Run("all items, bounded", func(t *testing.T) {
		var sum, running, peak atomic.Int64
		err := Each(context.Background(), items, 4, func(_ context.Context, i int) error {
			if r := running.Add(1); r > peak.Load() {
				peak.Store(r)
			}
			defer running.Add(-1)
			sum.Add(int64(i))
			return nil
		})
		if err != nil || sum.Load() != 4950 {
			t.Fatalf("sum %d, err %v", sum.Load(), err)
		}
		if peak.Load() > 4 {
			t.Errorf("%d at once, want at most 4", peak.Load())
		}
	})
	t.Run("first error stops the feed", func(t *testing.T) {
		boom := errors.New("boom")
		var calls atomic.Int64
		err := Each(context.Background(), items, 1, func(_ context.Context, i int) error {
			calls.Add(1)
			if i == 10 {
				return boom
			}
			return nil
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		if calls.Load() > 12 {
			t.Errorf("%d calls after the error at item 10", calls.Load())
		}
	})
	t.Run("cancelled context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := Each(ctx, items, 2, func(context.Context, int) error { return nil })
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("zero workers means one", func(t *testing.T) {
		n := 0
		if err := Each(context.Background(), items[:3], 0, func(context.Context, int) error { n++; return nil }); err != nil || n != 3 {
			t.Fatalf("n %d, err %v", n, err)
		}
	})
}
