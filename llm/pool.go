package llm

import (
	"context"
	"sync"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// pool spreads a client's requests over the servers of endpoint.base_url.
// A request goes to the server with the fewest requests outstanding, ties
// in turn, so a slow server gets less work. A server that fails the way a
// dead or overloaded one does (see endpointFault) is taken out for
// backoff.Base: requests go to the others, and one that failed there may
// be retried on another at once. When its time out is over, one request
// probes it: a success brings it back in, a failure doubles its time out,
// up to backoff.Max. Any answer from it, even to a request sent before it
// went out, brings it back in. When every server is out, a request waits
// for the first to come back and goes there, so a dead pool fails its
// requests the way a dead server does, after the retries.
//
// A pool of one never takes its server out: the retry backoff alone
// spaces the retries, as it did before pools.
type pool struct {
	backoff Backoff
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error

	mu      sync.Mutex
	members []*member
	next    int           // where the search for the least loaded starts: ties go round
	changed chan struct{} // closed when a server comes back in
}

// member is one server of a pool.
type member struct {
	name        string // the base URL, as calls[].endpoint names it
	api         *openai.Client
	outstanding int
	faults      int       // consecutive faults; 0 is in
	until       time.Time // out until then
	probing     bool      // a probe is in flight
}

func newPool(members []*member, backoff Backoff, now func() time.Time, sleep func(context.Context, time.Duration) error) *pool {
	return &pool{members: members, backoff: backoff, now: now, sleep: sleep, changed: make(chan struct{})}
}

// pick is the server the next try goes to; probe says the try is the
// probe of a server coming back. It waits while every server is out, and
// fails only when ctx ends.
func (p *pool) pick(ctx context.Context) (m *member, probe bool, err error) {
	waiting := false
	defer func() {
		if o := observerOf(ctx); o != nil && waiting {
			o.Retrying(-1)
		}
	}()
	for {
		p.mu.Lock()
		m, probe, wait := p.choose(p.now())
		if m != nil {
			m.outstanding++
			p.mu.Unlock()
			return m, probe, nil
		}
		changed := p.changed
		p.mu.Unlock()
		if o := observerOf(ctx); o != nil && !waiting {
			waiting = true
			o.Retrying(1)
		}
		if err := sleepUntil(ctx, p.sleep, wait, changed); err != nil {
			return nil, false, err
		}
	}
}

// choose is the server for the next try, or how long to wait for one.
func (p *pool) choose(now time.Time) (m *member, probe bool, wait time.Duration) {
	n := len(p.members)
	best := -1
	for i := range n {
		j := (p.next + i) % n
		if c := p.members[j]; c.usable(now) && (best < 0 || c.outstanding < p.members[best].outstanding) {
			best = j
		}
	}
	if best >= 0 {
		m = p.members[best]
		p.next = (best + 1) % n
		if m.faults > 0 {
			m.probing = true
			return m, true, 0
		}
		return m, false, 0
	}
	// Every server is out: the request goes to the one back first (whose
	// probe is in flight, if its time is up).
	first := p.members[0]
	for _, c := range p.members[1:] {
		if c.until.Before(first.until) {
			first = c
		}
	}
	if d := first.until.Sub(now); d > 0 {
		return nil, false, d
	}
	return first, false, 0
}

// usable: in, or out with its time up and no probe in flight.
func (m *member) usable(now time.Time) bool {
	return m.faults == 0 || (!m.probing && !now.Before(m.until))
}

// release ends a try on m. fault says it failed the way a dead server
// does; probe is pick's.
func (p *pool) release(m *member, probe, fault bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	m.outstanding--
	if len(p.members) == 1 {
		return
	}
	switch {
	case !fault:
		if m.faults > 0 {
			m.faults, m.probing = 0, false
			close(p.changed)
			p.changed = make(chan struct{})
		}
	case probe || m.faults == 0:
		m.faults++
		m.until = p.now().Add(p.backoff.ceiling(m.faults))
		m.probing = false
	}
	// Otherwise the try was sent before m went out: m is out already.
}

// failover says a try that failed on m may go to another server now. A
// nil pool, or a pool of one, has none.
func (p *pool) failover(m *member) bool {
	if p == nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	for _, o := range p.members {
		if o != m && o.usable(now) {
			return true
		}
	}
	return false
}
