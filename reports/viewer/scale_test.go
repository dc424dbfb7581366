package viewer

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/internal/browser"
	"github.com/occbench/occbench/reports/reportstest"
	"github.com/occbench/occbench/rundir"
)

// scaleRun writes a run shaped like the paper's over users test users:
// four in-process rankers with a top 10 and its scores, and four LLMs
// whose reasons are 1,000 to 2,000 characters of English (O*NET's
// occupation descriptions, which compress as prose does, not as a
// template), with a raw output around each.
func scaleRun(tb testing.TB, users int) string {
	tb.Helper()
	tax := onet.Default()
	occs := tax.Occupations()
	var targets []onet.Occupation // those with related occupations to be near
	for _, o := range occs {
		if len(tax.RelatedCodes(o.Code, 3)) == 3 {
			targets = append(targets, o)
		}
	}
	rng := rand.New(rand.NewPCG(7, uint64(users)))
	test := make([]*bench.Example, users)
	for i := range test {
		target := targets[rng.IntN(len(targets))]
		ex := &bench.Example{UserID: fmt.Sprintf("u%06d", i), TargetCode: target.Code, TargetTitle: target.Title,
			History: []bench.Record{{Kind: bench.Education, Degree: "Bachelor of Science", Major: "Economics", School: "State University", GradYear: 2005 + i%10}}}
		for j := range 2 + rng.IntN(4) {
			o := occs[rng.IntN(len(occs))]
			if rel := tax.RelatedCodes(target.Code, 5); j%2 == 1 && len(rel) > 0 {
				o, _ = tax.ByCode(rel[rng.IntN(len(rel))])
			}
			ex.History = append(ex.History, bench.Record{Kind: bench.Job, Title: "Senior " + o.Title, Code: o.Code, Occupation: o.Title,
				Start: bench.DateOf(2006+2*j, 3, 1), End: bench.DateOf(2008+2*j, 2, 28), Industry: "Services"})
		}
		test[i] = ex
	}
	root := tb.TempDir()
	testPath := filepath.Join(root, "test.arrow")
	if _, err := reportstest.WriteTestSet(testPath, test); err != nil {
		tb.Fatal(err)
	}
	var rs []reportstest.Runner
	for k, name := range []string{"last", "markov2", "sasrec", "bert4rec"} {
		rs = append(rs, reportstest.Runner{Name: name, Kind: name, Latency: 0.1,
			Outcome: scaleOutcome(rng, 0.25+0.05*float64(k)),
			Edit: func(_ int, _ *bench.Example, p *rundir.Prediction) {
				score := 0.3 + 0.5*rng.Float64()
				p.Ranked, p.Scores = nil, nil
				if p.Code != "" {
					p.Ranked, p.Scores = append(p.Ranked, p.Code), append(p.Scores, score)
				}
				for len(p.Ranked) < 10 {
					score *= 0.4 + 0.55*rng.Float64()
					p.Ranked, p.Scores = append(p.Ranked, occs[rng.IntN(len(occs))].Code), append(p.Scores, score)
				}
			}})
	}
	for k, name := range []string{"gpt-4.1-cot", "qwen3-8b-cot", "qwen3-8b-joint-sft", "qwen3-8b-joint-dpo"} {
		rs = append(rs, reportstest.Runner{Name: name, Kind: "llm", Settings: map[string]any{"mode": "joint"}, Latency: 2000, Tokens: 900,
			Outcome: scaleOutcome(rng, 0.2+0.05*float64(k)),
			Edit: func(_ int, ex *bench.Example, p *rundir.Prediction) {
				if p.Error != "" {
					return
				}
				p.Reason = scaleReason(rng, tax, ex, p.Title)
				p.Raw = "<think>\n" + p.Reason + "\n</think>\n\n<answer>" + p.Answer + "</answer>"
				p.CompletionTokens = len(p.Raw) / 4
				p.Calls = []rundir.Call{{Role: "model", Model: name, Source: "http", CacheKey: fmt.Sprintf("%064x", rng.Uint64()),
					PromptTokens: p.PromptTokens, CompletionTokens: p.CompletionTokens, LatencyMS: p.LatencyMS, FinishReason: "stop"}}
			}})
	}
	dir := filepath.Join(root, "run")
	reportstest.NewRun(tb, dir, testPath, test, rs)
	return dir
}

func scaleOutcome(rng *rand.Rand, right float64) func(int) reportstest.Outcome {
	return func(int) reportstest.Outcome {
		switch x := rng.Float64(); {
		case x < right:
			return reportstest.Right
		case x < right+0.2:
			return reportstest.Related
		case x < 0.98:
			return reportstest.Wrong
		}
		return reportstest.Unmapped
	}
}

// scaleReason is a reason of prose: what the history's occupations do and
// what the answer's does, in O*NET's words.
func scaleReason(rng *rand.Rand, tax *onet.Taxonomy, ex *bench.Example, answer string) string {
	var b strings.Builder
	last := ex.History[len(ex.History)-1]
	fmt.Fprintf(&b, "The candidate studied %s and most recently worked as %s (%s). ", ex.History[0].Major, last.Title, last.Occupation)
	for _, r := range ex.History[1:] {
		if o, ok := tax.ByCode(r.Code); ok && b.Len() < 900+rng.IntN(600) {
			fmt.Fprintf(&b, "As %s they would %s ", o.Title, strings.ToLower(o.Description[:1])+o.Description[1:])
		}
	}
	occs := tax.Occupations()
	alt := occs[rng.IntN(len(occs))]
	fmt.Fprintf(&b, "\n\nThe most likely next step is %s. %s I also considered %s, but the history points less to it.", answer, alt.Description, alt.Title)
	return b.String()
}

// TestPageSize: a 1,000-user run with 8 systems gives a page under 5 MB.
func TestPageSize(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 1,000-user run")
	}
	rep := buildReport(t, scaleRun(t, 1000))
	page := render(t, rep, Options{})
	if len(page) > 5<<20 {
		t.Errorf("the page of 1,000 users and 8 systems is %.2f MB, want under 5 MB", float64(len(page))/(1<<20))
	}
	t.Logf("1,000 users, 8 systems: %.2f MB", float64(len(page))/(1<<20))
}

// benchUsers is the run size of the benchmarks; OCCBENCH_VIEWER_USERS
// changes it (the README's 100,000-user figures come from it).
func benchUsers(b *testing.B) int {
	n := 1000
	if v := os.Getenv("OCCBENCH_VIEWER_USERS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	return n
}

// BenchmarkRender writes the page of a run with 8 systems.
func BenchmarkRender(b *testing.B) {
	rep := buildReport(b, scaleRun(b, benchUsers(b)))
	var size int
	b.ResetTimer()
	for b.Loop() {
		var buf bytes.Buffer
		if err := Render(context.Background(), &buf, rep, Options{}); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size)/(1<<20), "MB/page")
}

// BenchmarkOpen loads the page in headless Chromium from disk until the
// overview is drawn, then opens the last user (the last chunk).
func BenchmarkOpen(b *testing.B) {
	n := benchUsers(b)
	dir := scaleRun(b, n)
	rep := buildReport(b, dir)
	path := filepath.Join(dir, "report", Dir, File)
	if err := Write(context.Background(), path, rep, Options{}); err != nil {
		b.Fatal(err)
	}
	p := browser.Open(b, "file://"+path, 1280, 1000)
	p.Wait(`document.body.dataset.hash !== undefined`)
	last := fmt.Sprintf("#user=u%06d", n-1)
	b.ResetTimer()
	for b.Loop() {
		p.Load("about:blank")
		p.Load("file://" + path)
		p.Wait(`document.body.dataset.hash === ""`)
		browser.Eval[bool](p, fmt.Sprintf(`(location.hash = %q, true)`, last))
		p.Wait(fmt.Sprintf(`document.body.dataset.hash === %q`, last))
	}
}
