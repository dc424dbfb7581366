package viewer

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/occbench/occbench/internal/browser"
	"github.com/occbench/occbench/rundir"
)

// shown waits for the view of hash to be drawn.
func shown(p *browser.Page, hash string) {
	p.Wait(fmt.Sprintf(`location.hash === %q && document.body.dataset.hash === location.hash`, hash))
}

// visit follows a link to hash, as a shared link would be opened.
func visit(p *browser.Page, hash string) {
	browser.Eval[bool](p, fmt.Sprintf(`(location.hash = %q, true)`, hash))
	shown(p, hash)
}

func listed(p *browser.Page) []string {
	return browser.Eval[[]string](p, `[...document.querySelectorAll("#user-list tr[data-user]")].map(r => r.dataset.user)`)
}

// TestPageInBrowser loads the fixture's page from disk in headless
// Chromium and uses it as a person would.
func TestPageInBrowser(t *testing.T) {
	dir, test := newFixture(t)
	rep := buildReport(t, dir)
	path := filepath.Join(dir, "report", Dir, File)
	if err := Write(context.Background(), path, rep, Options{Chunk: 25}); err != nil {
		t.Fatal(err)
	}
	p := browser.Open(t, "file://"+path, 1280, 1000)
	p.Wait(`document.body.dataset.hash !== undefined`)

	// Table 2 has a row per system, and sorts by a column on a click.
	var displays []string
	for _, s := range rep.Run.Systems {
		displays = append(displays, s.Display)
	}
	rows := browser.Eval[[]string](p, `[...document.querySelectorAll("#table2 tbody tr")].map(r => r.cells[1].textContent)`)
	if !slices.Equal(rows, displays) {
		t.Errorf("Table 2 rows %q, want %q", rows, displays)
	}
	p.Click(`#table2 th:nth-child(3)`) // EM (%), sorted high to low
	em := browser.Eval[[]float64](p, `[...document.querySelectorAll("#table2 tbody tr")].map(r => parseFloat(r.cells[2].textContent))`)
	if len(em) != len(displays) || !slices.IsSortedFunc(em, func(a, b float64) int { return int(b*100) - int(a*100) }) {
		t.Errorf("Table 2 sorted by EM: %v", em)
	}

	// A McNemar cell lists exactly its users: qwen right, last wrong.
	qwen, last := rep.Run.System("qwen"), rep.Run.System("last")
	var want []string
	for i, ex := range test {
		if qwen.Outcomes.EM[i] && !last.Outcomes.EM[i] {
			want = append(want, ex.UserID)
		}
	}
	cell := browser.Eval[string](p, `document.querySelector('td[data-a="qwen"][data-b="last"]').textContent`)
	if cell != fmt.Sprint(len(want)) {
		t.Errorf("the cell says %s users, the outcomes %d", cell, len(want))
	}
	p.Click(`td[data-a="qwen"][data-b="last"] a`)
	shown(p, "#users&right=qwen&wrong=last")
	if got := listed(p); !slices.Equal(got, want) {
		t.Errorf("the cell's users: %q, want %q", got, want)
	}

	// A filter narrows the list: failed predictions of qwen.
	p.Click(`a[href="#users"]`)
	shown(p, "#users")
	if got := listed(p); len(got) != len(test) {
		t.Errorf("the unfiltered list has %d users, want %d", len(got), len(test))
	}
	browser.Eval[bool](p, `(() => { const s = document.querySelector('select[name="sys"]'); s.value = "qwen"; s.dispatchEvent(new Event("change")); return true })()`)
	shown(p, "#users&sys=qwen")
	p.Click(`input[name="errors"]`)
	shown(p, "#users&sys=qwen&errors=1")
	want = nil
	for i, ex := range test {
		if qwen.Outcomes.Failed[i] {
			want = append(want, ex.UserID)
		}
	}
	if got := listed(p); len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("failed users of qwen: %q, want %q", got, want)
	}

	// Search by occupation title, typed.
	p.Click(`a[href="#users"]`)
	shown(p, "#users")
	p.Type(`input[name="q"]`, "nurse practitioners")
	shown(p, "#users&q=nurse%20practitioners")
	got := listed(p)
	if len(got) == 0 || len(got) == len(test) {
		t.Errorf("searching a title found %d of %d users", len(got), len(test))
	}

	// A user page shows the history, the reason and the judge's scores.
	p.Click(fmt.Sprintf(`tr[data-user=%q] a`, got[0]))
	p.Wait(`document.body.dataset.view === "user" && document.body.dataset.hash === location.hash`)
	visit(p, "#user=u0003&system=qwen")
	text := browser.Eval[string](p, `document.getElementById("user").innerText`)
	u3 := test[3]
	preds, err := rundir.ReadPredictions(rundir.PredictionsPath(dir, "qwen"))
	if err != nil || preds["u0003"].Reason == "" {
		t.Fatalf("the fixture's reason of u0003: %v", err)
	}
	for _, w := range []string{
		"User u0003", u3.History[2].Title, "true next occupation", u3.TargetCode + " " + u3.TargetTitle,
		preds["u0003"].Reason, u3.OracleReason,
		"factuality of u0003's reason: 4", "coherence of u0003's reason: 5", "utility of u0003's reason: 4", "Passes: every score at least 4.",
		"Repeat-last", "Markov-2",
	} {
		if !strings.Contains(text, w) {
			t.Errorf("the user page lacks %q", w)
		}
	}
	if pwned := browser.Eval[bool](p, `window.pwned !== undefined`); pwned || !strings.Contains(text, hostile) {
		t.Errorf("markup in a reason ran (%v) or was not shown as text", pwned)
	}
	if focus := browser.Eval[string](p, `document.querySelector(".card.focus").dataset.system`); focus != "qwen" {
		t.Errorf("the card in focus is %q, want qwen", focus)
	}
	// A judge record of an earlier reason text is not shown as this one's.
	visit(p, "#user=u0004")
	if text := browser.Eval[string](p, `document.getElementById("user").innerText`); !strings.Contains(text, "earlier text of this reason") || strings.Contains(text, "u0004's reason") {
		t.Errorf("user u0004's stale verdict: %s", text)
	}
	if errs := p.Errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
}
