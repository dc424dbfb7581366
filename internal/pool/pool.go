// Package pool runs a function over items on a bounded number of
// goroutines: the one worker pool of the engine and of the paper's method
// steps.
package pool

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// Each calls fn on every item, at most n at a time (at least one), and
// stops feeding items at the first error, which cancels the context the
// others see. It returns that first error, else the error of ctx if it
// ended early, else nil. A failure that should not stop the work belongs
// in what fn records, not in its error.
func Each[T any](ctx context.Context, items []T, n int, fn func(context.Context, T) error) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, n))
	for _, it := range items {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error { return fn(gctx, it) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}
