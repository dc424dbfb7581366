package llmtest

import (
	"time"
)

// Limits are a provider's per-minute rate limits, enforced the way
// OpenAI describes its own: token buckets refilled continuously, the
// requests bucket holding one second's worth (at least one request), the
// tokens bucket a minute's worth. A request is counted when it arrives as
// its prompt (a token per four bytes) plus max_tokens for each of its n
// choices, and corrected to the usage of its answer: a refund before the
// answer is sent, a charge after, so the server is never stricter than a
// client that settles when it reads the answer. Zero is no limit.
type Limits struct {
	RequestsPerMinute, TokensPerMinute int
}

// buckets are the levels of Limits at a time.
type buckets struct {
	requests, tokens float64
	at               time.Time
}

func (l Limits) capacities() (requests, tokens float64) {
	return max(float64(l.RequestsPerMinute)/60, 1), float64(l.TokensPerMinute)
}

// admitLocked takes a request's charge from the buckets, or says it is
// over the limits; the charge in tokens is settled once it is answered.
func (f *Server) admitLocked(req map[string]any) (charge int, ok bool) {
	l := f.Limits
	if l == (Limits{}) {
		return 0, true
	}
	now := time.Now()
	rc, tc := l.capacities()
	if f.buckets == nil {
		f.buckets = &buckets{requests: rc, tokens: tc, at: now}
	}
	b := f.buckets
	dt := now.Sub(b.at).Minutes()
	b.requests = min(rc, b.requests+dt*float64(l.RequestsPerMinute))
	b.tokens = min(tc, b.tokens+dt*float64(l.TokensPerMinute))
	b.at = now
	charge = len(promptOf(req))/4 + max(intField(req, "n"), 1)*intField(req, "max_tokens")
	overRequests := l.RequestsPerMinute > 0 && b.requests < 1
	overTokens := l.TokensPerMinute > 0 && b.tokens < float64(min(charge, l.TokensPerMinute))
	if overRequests || overTokens {
		return 0, false
	}
	b.requests--
	b.tokens -= float64(charge)
	return charge, true
}

// settleLocked replaces a request's charge by the tokens its answer used.
func (f *Server) settleLocked(charge, used int) {
	if f.buckets != nil && f.Limits.TokensPerMinute > 0 {
		_, tc := f.Limits.capacities()
		f.buckets.tokens = min(tc, f.buckets.tokens+float64(charge-used))
	}
}

func intField(req map[string]any, key string) int {
	v, _ := req[key].(float64)
	return int(v)
}
