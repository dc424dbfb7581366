package llm

import "context"

// Observer follows a client's requests, for a progress display. It comes
// with the context of each call (WithObserver), the way net/http/httptrace
// follows a request, so that one client can serve callers with different
// displays.
type Observer interface {
	// Retrying is called with +1 when a request starts waiting to be
	// retried, or for a server of its pool to come back, and with -1 when
	// the wait ends.
	Retrying(delta int)
	// Throttled is called with +1 when a request starts waiting for the
	// rate limit, named as the progress line shows it ("60 req/min"), and
	// with -1 when the wait ends.
	Throttled(limit string, delta int)
	// Tokens adds completion tokens the server generated.
	Tokens(n int)
}

type observerKey struct{}

// WithObserver is ctx carrying o to the calls made with it.
func WithObserver(ctx context.Context, o Observer) context.Context {
	return context.WithValue(ctx, observerKey{}, o)
}

func observerOf(ctx context.Context) Observer {
	o, _ := ctx.Value(observerKey{}).(Observer)
	return o
}
