package runners

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Progress counts a runner's samples and shows them on stderr: done, in
// flight, retrying, failed, tokens per second and the time left. It keeps
// redrawing on a timer, so a run waiting in backoff visibly moves.
type Progress struct {
	name     string
	total    int64
	done     atomic.Int64
	inFlight atomic.Int64
	retrying atomic.Int64
	failed   atomic.Int64
	tokens   atomic.Int64
	start    time.Time
	now      func() time.Time

	w     io.Writer
	tty   bool
	every time.Duration
	stop  chan struct{}
	wg    sync.WaitGroup
}

// newProgress starts showing progress on w. On a terminal the line is
// redrawn in place; elsewhere (CI logs) a line is printed every 10 seconds.
func newProgress(w io.Writer, name string, total int, now func() time.Time) *Progress {
	p := &Progress{name: name, total: int64(total), w: w, now: now, start: now(), stop: make(chan struct{})}
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

func (p *Progress) loop() {
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

// Started marks a sample in flight.
func (p *Progress) Started() { p.inFlight.Add(1) }

// Finished marks a sample recorded, failed or not.
func (p *Progress) Finished(failed bool) {
	p.inFlight.Add(-1)
	p.done.Add(1)
	if failed {
		p.failed.Add(1)
	}
}

// Retrying is called with +1 when a request waits to be retried and -1 when
// the retry starts.
func (p *Progress) Retrying(delta int) { p.retrying.Add(int64(delta)) }

// Tokens adds generated tokens.
func (p *Progress) Tokens(n int) { p.tokens.Add(int64(n)) }

// Line is the current progress line.
func (p *Progress) Line() string {
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
	return s + ", " + el.Round(100*time.Millisecond).String()
}

func (p *Progress) draw(final bool) {
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
func (p *Progress) Close() {
	if p.w == nil {
		return
	}
	close(p.stop)
	p.wg.Wait()
	p.draw(true)
}
