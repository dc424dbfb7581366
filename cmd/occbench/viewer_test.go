package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/internal/browser"
	"github.com/occbench/occbench/internal/fixture"
	goldenfile "github.com/occbench/occbench/internal/golden"
	"github.com/occbench/occbench/rundir"
)

// smallDataWithReplay is smallData with DIR/replay.jsonl, a replayed
// model's raw outputs with reasons: the true occupation for every third
// test user, the last one for the others.
func smallDataWithReplay(t *testing.T) (dir, data string, test []*bench.Example) {
	t.Helper()
	dir, data = smallData(t)
	test, _, err := bench.ReadAll(filepath.Join(data, "test.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	var replay bytes.Buffer
	for i, ex := range test {
		last := ex.History[len(ex.History)-1]
		answer := last.Occupation
		if i%3 == 0 {
			answer = ex.TargetTitle
		}
		reason := fmt.Sprintf("After %d jobs, most recently as %s, the natural next step is %s (score%d).", len(ex.History), last.Occupation, answer, 2+i%4)
		line, _ := json.Marshal(map[string]string{"user_id": ex.UserID, "raw": "<think>" + reason + "</think>\n<answer>" + answer + "</answer>"})
		replay.Write(append(line, '\n'))
	}
	fixture.Write(t, filepath.Join(dir, "replay.jsonl"), replay.String())
	return dir, data, test
}

// viewerRun makes a run the way a user does: synthetic careers, a suite
// of repeat-last, Markov-2 and a replayed model with reasons, the judge
// over the replayed reasons (a fake endpoint), and the report.
func viewerRun(t *testing.T) (run string, test []*bench.Example) {
	t.Helper()
	dir, data, test := smallDataWithReplay(t)
	suite := filepath.Join(dir, "suite.yaml")
	os.WriteFile(suite, []byte("name: viewer\ntrain: data/train.arrow\ntest: data/test.arrow\nout: run\nrunners:\n"+
		"  - {name: last, kind: last, display: Repeat-last}\n"+
		"  - {name: markov2, kind: markov, order: 2, display: Markov-2}\n"+
		"  - {name: qwen, kind: replay, file: replay.jsonl, display: Qwen3-8B-Joint, category: Proposed models}\n"), 0o644)
	run = filepath.Join(dir, "run")
	if _, stderr, err := runCLI(t, "run", "--suite", suite); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	srv := judgeServer(t)
	if _, stderr, err := runCLI(t, "judge", "--reasons", rundir.PredictionsPath(run, "qwen"), "--data", filepath.Join(data, "test.arrow"),
		"-o", filepath.Join(run, "judge-qwen.jsonl"), "--endpoint", srv.URL+"/v1", "--model", "judge"); err != nil {
		t.Fatalf("judge: %v\n%s", err, stderr)
	}
	if _, stderr, err := runCLI(t, "report", run, "--no-pdf"); err != nil {
		t.Fatalf("report: %v\n%s", err, stderr)
	}
	return run, test
}

// TestViewerInBrowser is the check: headless Chromium loads
// report/viewer/index.html from disk, and the page shows every system of
// the run, a McNemar cell's users and a user's reason and judge scores.
// With -update it also takes docs/viewer.png, the README's screenshot.
func TestViewerInBrowser(t *testing.T) {
	run, test := viewerRun(t)
	page := filepath.Join(run, "report", "viewer", "index.html")
	p := browser.Open(t, "file://"+page, 1280, 900)
	p.Wait(`document.body.dataset.hash !== undefined`)

	systems := browser.Eval[[]string](p, `[...document.querySelectorAll("#table2 tbody tr")].map(r => r.cells[1].textContent)`)
	if want := []string{"Repeat-last", "Markov-2", "Qwen3-8B-Joint"}; !slices.Equal(systems, want) {
		t.Errorf("Table 2 shows %q, want %q", systems, want)
	}

	// The cell "Qwen3 right, Markov-2 wrong" lists exactly those users.
	right := func(name string) map[string]bool {
		preds, err := rundir.ReadPredictions(rundir.PredictionsPath(run, name))
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, ex := range test {
			out[ex.UserID] = preds[ex.UserID].Code == ex.TargetCode
		}
		return out
	}
	qwen, markov := right("qwen"), right("markov2")
	var want []string
	for _, ex := range test {
		if qwen[ex.UserID] && !markov[ex.UserID] {
			want = append(want, ex.UserID)
		}
	}
	p.Click(`td[data-a="qwen"][data-b="markov2"] a`)
	p.Wait(`location.hash === "#users&right=qwen&wrong=markov2" && document.body.dataset.hash === location.hash`)
	got := browser.Eval[[]string](p, `[...document.querySelectorAll("#user-list tr[data-user]")].map(r => r.dataset.user)`)
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("the McNemar cell lists %q, want %q", got, want)
	}

	// The first of them, with the judge's verdict on Qwen3's reason.
	p.Click(fmt.Sprintf(`tr[data-user=%q] td:last-child a`, want[0]))
	p.Wait(fmt.Sprintf(`location.hash === "#user=%s&system=qwen" && document.body.dataset.hash === location.hash`, want[0]))
	text := browser.Eval[string](p, `document.getElementById("user").innerText`)
	var ex *bench.Example
	for _, e := range test {
		if e.UserID == want[0] {
			ex = e
		}
	}
	last := ex.History[len(ex.History)-1]
	reason := regexp.MustCompile(`After \d+ jobs, most recently as .*? \(score(\d)\)\.`).FindStringSubmatch(text)
	if reason == nil || !strings.Contains(reason[0], last.Occupation) {
		t.Fatalf("the user page lacks the reason:\n%s", text)
	}
	for _, w := range []string{"User " + ex.UserID, ex.TargetCode + " " + ex.TargetTitle, "factuality\t" + reason[1], "utility\t" + reason[1], "Repeat-last", "Markov-2"} {
		if !strings.Contains(text, w) {
			t.Errorf("the user page lacks %q:\n%s", w, text)
		}
	}
	if errs := p.Errors(); len(errs) > 0 {
		t.Errorf("console errors: %q", errs)
	}
	if *goldenfile.Update {
		browser.Eval[bool](p, `(window.scrollTo(0, 0), true)`)
		if err := os.WriteFile(filepath.Join("..", "..", "docs", "viewer.png"), p.Screenshot(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// occbench view serves the page until Ctrl-C, and then exits cleanly.
func TestViewCommand(t *testing.T) {
	dir := reportRun(t)
	ctx, cancel := context.WithCancel(context.Background())
	var stderr lockedBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, io.Discard, &stderr, []string{"view", dir, "--addr", "127.0.0.1:0"}) }()
	printed := func() string {
		stderr.mu.Lock()
		defer stderr.mu.Unlock()
		return stderr.b.String()
	}
	addr := regexp.MustCompile(`at (http://127\.0\.0\.1:\d+/)`)
	var url string
	for deadline := time.Now().Add(30 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := addr.FindStringSubmatch(printed()); m != nil {
			url = m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("view ended: %v\n%s", err, printed())
		default:
		}
	}
	if url == "" {
		t.Fatalf("view printed no address: %s", printed())
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`<script type="application/json" id="meta">`)) {
		t.Errorf("GET /: %s, %d bytes", resp.Status, len(body))
	}
	if resp, err := http.Get(url + "elsewhere"); err != nil {
		t.Error(err)
	} else if resp.Body.Close(); resp.StatusCode != 404 {
		t.Errorf("GET /elsewhere: %s, want 404", resp.Status)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("view after Ctrl-C: %v, want a clean exit", err)
	}
}
