package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestDisplay(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	var buf bytes.Buffer
	p := New(&buf, "sasrec", 4, clock)
	for range 3 {
		p.Started()
	}
	p.Finished(false)
	p.Finished(true)
	p.Retrying(1)
	p.Tokens(200)
	now = now.Add(10 * time.Second)
	want := "sasrec: 2/4 done, 1 in flight, 1 retrying, 1 failed, 20 tok/s, 10s left, 10s"
	if got := p.Line(); got != want {
		t.Errorf("Line() = %q\nwant %q", got, want)
	}
	// The rate limit shows while requests wait for it, and only then.
	p.Throttled("60 req/min", 1)
	p.Throttled("60 req/min", 1)
	p.Throttled("90000 tok/min", 1)
	p.Throttled("60 req/min", -1)
	if got := p.Line(); got != want+", rate-limited: 60 req/min and 90000 tok/min" {
		t.Errorf("rate-limited: Line() = %q", got)
	}
	p.Throttled("60 req/min", -1)
	p.Throttled("90000 tok/min", -1)
	p.Close()
	if !strings.HasSuffix(buf.String(), want+"\n") {
		t.Errorf("final output %q", buf.String())
	}
}

// A nil display takes every call and shows nothing, so that code run
// outside a run need not check.
func TestNilDisplay(t *testing.T) {
	var p *Display
	p.Started()
	p.Finished(true)
	p.Retrying(1)
	p.Throttled("60 req/min", 1)
	p.Tokens(3)
	p.Close()
}
