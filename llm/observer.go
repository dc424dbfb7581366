package llm

import "context"

// Observer follows a client's requests, for a progress display. It comes
// with the context of each call (WithObserver), the way net/http/httptrace
// follows a request, so that one client can serve callers with different
// displays.
type Observer interface {
	// Retrying is called with +1 when a request starts waiting to be
	// retried and with -1 when the wait ends.
	Retrying(delta int)
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
