// Package browser drives a headless Chromium through the DevTools protocol
// (chromedp), for the tests of the pages occbench writes: they load the page
// as a person would, click, and read what it shows.
//
// Where no Chromium is installed the test is skipped with a message that
// says how to install one; with OCCBENCH_REQUIRE_BROWSER set (as .ci/run
// sets it) it fails instead, so CI cannot pass by skipping.
package browser

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// RequireEnv names the variable that turns a missing Chromium from a skip
// into a failure.
const RequireEnv = "OCCBENCH_REQUIRE_BROWSER"

// Timeout bounds everything one page does in a test.
const Timeout = 90 * time.Second

// Path finds a Chromium: $OCCBENCH_CHROMIUM, else the first of the usual
// names on $PATH; "" when there is none.
func Path() string {
	if p := os.Getenv("OCCBENCH_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Page is one browser tab.
type Page struct {
	t   testing.TB
	ctx context.Context

	mu      sync.Mutex
	console []string // errors and uncaught exceptions, in order
}

// Open starts a headless Chromium with a window of the given size and
// loads url in it. The browser ends with the test.
func Open(t testing.TB, url string, width, height int) *Page {
	t.Helper()
	path := Path()
	if path == "" {
		msg := "no Chromium on this machine (apt-get install chromium, or set OCCBENCH_CHROMIUM)"
		if os.Getenv(RequireEnv) != "" {
			t.Fatalf("%s, and %s is set", msg, RequireEnv)
		}
		t.Skip(msg)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.WindowSize(width, height),
		chromedp.Flag("allow-file-access-from-files", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tctx, cancelTimeout := context.WithTimeout(actx, Timeout)
	ctx, cancel := chromedp.NewContext(tctx)
	t.Cleanup(func() { cancel(); cancelTimeout(); cancelAlloc() })
	p := &Page{t: t, ctx: ctx}
	// Start the browser and subscribe before the page loads, so that no
	// message is lost.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				p.mu.Lock()
				p.console = append(p.console, fmt.Sprintf("%s:%d %s", m.URL, m.Line+1, m))
				p.mu.Unlock()
			}
		}
	}()
	p.Load(url)
	return p
}

// Load navigates the tab to url and waits for its load event.
func (p *Page) Load(url string) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.Navigate(url)); err != nil {
		p.t.Fatalf("loading %s: %v", url, err)
	}
}

// Errors are the console errors and uncaught exceptions so far.
func (p *Page) Errors() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.console...)
}

// Wait waits until the JavaScript expression is truthy.
func (p *Page) Wait(expr string) {
	p.t.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		p.t.Fatalf("waiting for %s: %v (console: %s)", expr, err, strings.Join(p.Errors(), "; "))
	}
}

// Eval evaluates a JavaScript expression in the page and decodes its value.
func Eval[T any](p *Page, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// Click clicks the first element the CSS selector finds, as a mouse would.
func (p *Page) Click(css string) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible)); err != nil {
		p.t.Fatalf("clicking %s: %v", css, err)
	}
}

// Screenshot is a PNG of the window as it is.
func (p *Page) Screenshot() []byte {
	p.t.Helper()
	b, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatalf("screenshot: %v", err)
	}
	return b
}

// Type sends keystrokes to the first element the CSS selector finds.
func (p *Page) Type(css, text string) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.SendKeys(chromedp.CSS(css), text, chromedp.NodeVisible)); err != nil {
		p.t.Fatalf("typing into %s: %v", css, err)
	}
}
