// Package progress shows how a long stage moves on stderr: items done, in
// flight, retrying and failed, tokens per second, the time left, and the
// rate limit while it holds requests back. The
// engine's runners and the method steps use it; model clients feed it
// through the llm.Observer it implements.
package progress

import (
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Display counts a stage's items and shows them on stderr. It keeps
// redrawing on a timer, so a run waiting in backoff visibly moves. Every
// method may be called on a nil *Display, which shows nothing.
type Display struct {
	name     string
	total    int64
	done     atomic.Int64
	inFlight atomic.Int64
	retrying atomic.Int64
	failed   atomic.Int64
	tokens   atomic.Int64
	start    time.Time
	now      func() time.Time

	mu        sync.Mutex
	throttled map[string]int // requests waiting for each rate limit

	w     io.Writer
	tty   bool
	every time.Duration
	stop  chan struct{}
	wg    sync.WaitGroup
}

// New starts showing progress on w (nil: count without showing). On a
// terminal the line is redrawn in place; elsewhere (CI logs) a line is
// printed every 10 seconds.
func New(w io.Writer, name string, total int, now func() time.Time) *Display {
	p := &Display{name: name, total: int64(total), w: w, now: now, start: now(), stop: make(chan struct{})}
	p.tty = isTerminal(w)
	p.every = 10 * time.Second
	if p.tty {
		p.every = 200 * time.Millisecond
	}
	if w != nil {
		p.wg.Add(1)
		go p.loop()
	}
	return p
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (p *Display) loop() {
	defer p.wg.Done()
	t := time.NewTicker(p.every)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.draw(false)
		}
	}
}

// Started marks an item in flight.
func (p *Display) Started() {
	if p != nil {
		p.inFlight.Add(1)
	}
}

// Finished marks an item done, failed or not.
func (p *Display) Finished(failed bool) {
	if p == nil {
		return
	}
	p.inFlight.Add(-1)
	p.done.Add(1)
	if failed {
		p.failed.Add(1)
	}
}

// Dropped marks an item no longer in flight that neither finished nor
// failed: its work was stopped (a cancelled run) and will be redone.
func (p *Display) Dropped() {
	if p != nil {
		p.inFlight.Add(-1)
	}
}

// Retrying is called with +1 when a request waits to be retried and -1 when
// the retry starts.
func (p *Display) Retrying(delta int) {
	if p != nil {
		p.retrying.Add(int64(delta))
	}
}

// Tokens adds generated tokens.
func (p *Display) Tokens(n int) {
	if p != nil {
		p.tokens.Add(int64(n))
	}
}

// Throttled is called with +1 when a request starts waiting for a rate
// limit ("60 req/min") and -1 when it goes; the line names the limits that
// hold requests back.
func (p *Display) Throttled(limit string, delta int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.throttled == nil {
		p.throttled = map[string]int{}
	}
	if p.throttled[limit] += delta; p.throttled[limit] <= 0 {
		delete(p.throttled, limit)
	}
}

// binding are the rate limits requests wait for now, sorted.
func (p *Display) binding() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Sorted(maps.Keys(p.throttled))
}

// Line is the current progress line.
func (p *Display) Line() string {
	done, total := p.done.Load(), p.total
	el := p.now().Sub(p.start)
	s := fmt.Sprintf("%s: %d/%d done, %d in flight, %d retrying, %d failed", p.name, done, total, p.inFlight.Load(), p.retrying.Load(), p.failed.Load())
	if tok := p.tokens.Load(); tok > 0 && el > 0 {
		s += fmt.Sprintf(", %.0f tok/s", float64(tok)/el.Seconds())
	}
	if done > 0 && done < total {
		left := time.Duration(float64(el) / float64(done) * float64(total-done))
		s += ", " + left.Round(time.Second).String() + " left"
	}
	s += ", " + el.Round(100*time.Millisecond).String()
	if limits := p.binding(); len(limits) > 0 {
		s += ", rate-limited: " + strings.Join(limits, " and ")
	}
	return s
}

func (p *Display) draw(final bool) {
	if p.w == nil {
		return
	}
	switch {
	case p.tty && final:
		fmt.Fprintf(p.w, "\r\033[K%s\n", p.Line())
	case p.tty:
		fmt.Fprintf(p.w, "\r\033[K%s", p.Line())
	default:
		fmt.Fprintln(p.w, p.Line())
	}
}

// Close stops the display and prints the final line.
func (p *Display) Close() {
	if p == nil || p.w == nil {
		return
	}
	close(p.stop)
	p.wg.Wait()
	p.draw(true)
}
