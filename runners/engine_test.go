package runners

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/internal/fixture"
	"github.com/occbench/occbench/metrics"
	"github.com/occbench/occbench/rundir"
)

// fakeSettings configure the test-only "fake" runner kind.
type fakeSettings struct {
	// FailEvery makes users whose index is a multiple of it fail (recorded
	// with an error).
	FailEvery int `yaml:"fail_every"`
	// StopAfter makes the run die (a fatal error) after this many calls,
	// like a killed process.
	StopAfter int `yaml:"stop_after"`
	// Concurrency of the pool.
	Workers int `yaml:"workers"`
}

type fakeRunner struct {
	s     *fakeSettings
	calls *atomic.Int64
	seen  *sync.Map // user → calls
}

// fakeCalls counts Predict calls per user across runs of a test.
var fakeCalls sync.Map

func init() {
	Register("fake", 4, func(spec *rundir.RunnerSpec) (Runner, any, error) {
		s := &fakeSettings{}
		if err := spec.DecodeSettings(s); err != nil {
			return nil, nil, err
		}
		return &fakeRunner{s: s, calls: new(atomic.Int64), seen: &fakeCalls}, s, nil
	})
}

func (f *fakeRunner) Concurrency() int { return f.s.Workers }

func (f *fakeRunner) Predict(ctx context.Context, ex *bench.Example) (rundir.Prediction, error) {
	n := f.calls.Add(1)
	if f.s.StopAfter > 0 && n > int64(f.s.StopAfter) {
		return rundir.Prediction{}, errors.New("killed")
	}
	v, _ := f.seen.LoadOrStore(ex.UserID, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
	var idx int
	fmt.Sscanf(ex.UserID, "u%d", &idx)
	if f.s.FailEvery > 0 && idx%f.s.FailEvery == 0 {
		return rundir.Prediction{Error: "HTTP 500"}, nil
	}
	// Right for even users, a related occupation for odd ones.
	code := ex.TargetCode
	if idx%2 == 1 {
		code = onet.Default().RelatedCodes(code, 1)[0]
	}
	o, _ := onet.Default().ByCode(code)
	return rundir.Prediction{Code: o.Code, Title: o.Title, Answer: o.Title, Mapping: "exact", LatencyMS: 1}, nil
}

// testSet writes n test users whose target has a related list.
func testSet(t *testing.T, dir string, n int) string {
	t.Helper()
	exs := make([]*bench.Example, n)
	for i := range exs {
		exs[i] = &bench.Example{
			UserID:      fmt.Sprintf("u%03d", i),
			History:     []bench.Record{{Kind: bench.Job, Code: "15-1251.00", Occupation: "Computer Programmers", Start: bench.DateOf(2010, 1, 1)}},
			TargetCode:  "15-1252.00",
			TargetTitle: "Software Developers",
		}
	}
	path := filepath.Join(dir, "test.arrow")
	if err := bench.WriteExamples(path, exs, nil); err != nil {
		t.Fatal(err)
	}
	return path
}

func suite(t *testing.T, test, out, runners string) *rundir.Suite {
	t.Helper()
	s, err := rundir.ParseSuite([]byte(fmt.Sprintf("name: t\ntest: %s\nout: %s\nmetrics: {bootstrap: 200}\nrunners:\n%s", test, out, runners)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// recordsPerUser counts records per user in a predictions file.
func recordsPerUser(t *testing.T, path string) map[string]int {
	t.Helper()
	out := map[string]int{}
	err := rundir.EachPrediction(path, func(p *rundir.Prediction) error {
		out[p.UserID]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRunScoresAndRecordsOnce(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	s := suite(t, testSet(t, dir, 40), out, "  - {name: a, kind: fake, workers: 8}\n  - {name: b, kind: fake, fail_every: 4}\n")
	scores, err := Run(context.Background(), s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a", "b"} {
		counts := recordsPerUser(t, rundir.PredictionsPath(out, name))
		if len(counts) != 40 {
			t.Errorf("%s: %d users recorded, want 40", name, len(counts))
		}
		for u, n := range counts {
			if n != 1 {
				t.Errorf("%s: user %s recorded %d times", name, u, n)
			}
		}
	}
	// a: even users right (EM 1/2); odd users give the first related
	// occupation, RM 1/2 each: RM = (20·1 + 20·0.5)/40.
	a := scores.Runners["a"]
	if a.EM != metrics.Num(0.5) || a.RM != metrics.Num(0.75) || a.EMStrict != metrics.Num(0.5) || a.N != 40 {
		t.Errorf("a: EM %v, strict %v, RM %v, n %d", a.EM, a.EMStrict, a.RM, a.N)
	}
	// b: users 0, 4, 8, … (10 of them, all even) fail.
	b := scores.Runners["b"]
	if b.Errors != metrics.Num(0.25) || b.EM != metrics.Num(0.25) {
		t.Errorf("b: error rate %v, EM %v", b.Errors, b.EM)
	}
	var onDisk rundir.Scores
	raw, _ := os.ReadFile(filepath.Join(out, rundir.ScoresFile))
	if err := json.Unmarshal(raw, &onDisk); err != nil || onDisk.Runners["a"].EM != metrics.Num(0.5) {
		t.Errorf("scores.json: %v %s", err, raw)
	}
	if _, err := rundir.ReadManifest(filepath.Join(out, rundir.ManifestFile)); err != nil {
		t.Error(err)
	}
}

func TestRunResumeSkipsRecordedUsers(t *testing.T) {
	fakeCalls = sync.Map{}
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	test := testSet(t, dir, 50)
	_, err := Run(context.Background(), suite(t, test, out, "  - {name: a, kind: fake, workers: 1, stop_after: 20}\n"), Options{})
	if err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("first run: %v", err)
	}
	if got := len(recordsPerUser(t, rundir.PredictionsPath(out, "a"))); got != 20 {
		t.Fatalf("the killed run kept %d records, want 20", got)
	}
	// A second start without --resume must refuse to mix runs.
	if _, err := Run(context.Background(), suite(t, test, out, "  - {name: a, kind: fake}\n"), Options{}); err == nil {
		t.Fatal("a new run into a run directory succeeded")
	}
	scores, err := Run(context.Background(), suite(t, test, out, "  - {name: a, kind: fake}\n"), Options{Resume: true})
	if err != nil {
		t.Fatal(err)
	}
	counts := recordsPerUser(t, rundir.PredictionsPath(out, "a"))
	if len(counts) != 50 {
		t.Fatalf("after resume %d users recorded", len(counts))
	}
	fakeCalls.Range(func(k, v any) bool {
		if n := v.(*atomic.Int64).Load(); n != 1 {
			t.Errorf("user %v predicted %d times", k, n)
		}
		return true
	})
	if scores.Runners["a"].EM != metrics.Num(0.5) {
		t.Errorf("EM after resume = %v", scores.Runners["a"].EM)
	}
}

func TestRunRetryErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	test := testSet(t, dir, 20)
	if _, err := Run(context.Background(), suite(t, test, out, "  - {name: a, kind: fake, fail_every: 5}\n"), Options{}); err != nil {
		t.Fatal(err)
	}
	scores, err := Run(context.Background(), suite(t, test, out, "  - {name: a, kind: fake}\n"), Options{Resume: true, RetryErrors: true})
	if err != nil {
		t.Fatal(err)
	}
	for u, n := range recordsPerUser(t, rundir.PredictionsPath(out, "a")) {
		if n != 1 {
			t.Errorf("user %s has %d records after --retry-errors", u, n)
		}
	}
	if scores.Runners["a"].Errors != metrics.Num(0) {
		t.Errorf("error rate after retry = %v", scores.Runners["a"].Errors)
	}
}

func TestResumeCutsPartialLine(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	test := testSet(t, dir, 10)
	if _, err := Run(context.Background(), suite(t, test, out, "  - {name: a, kind: fake, stop_after: 4, workers: 1}\n"), Options{}); err == nil {
		t.Fatal("want the stop")
	}
	// A process killed in the middle of a write leaves half a line.
	fixture.Append(t, rundir.PredictionsPath(out, "a"), `{"user_id":"u009","runner":"a","co`)
	if _, err := Run(context.Background(), suite(t, test, out, "  - {name: a, kind: fake}\n"), Options{Resume: true}); err != nil {
		t.Fatal(err)
	}
	counts := recordsPerUser(t, rundir.PredictionsPath(out, "a"))
	if len(counts) != 10 || counts["u009"] != 1 {
		t.Errorf("records after resume: %v", counts)
	}
}

func TestResumeRejectsOtherTestSet(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	if _, err := Run(context.Background(), suite(t, testSet(t, dir, 10), out, "  - {name: a, kind: fake}\n"), Options{}); err != nil {
		t.Fatal(err)
	}
	other := testSet(t, t.TempDir(), 11)
	_, err := Run(context.Background(), suite(t, other, out, "  - {name: a, kind: fake}\n"), Options{Resume: true})
	if err == nil || !strings.Contains(err.Error(), "digest") {
		t.Errorf("resume over another test set: %v", err)
	}
}

func TestRunLimitAndOnly(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	s := suite(t, testSet(t, dir, 30), out, "  - {name: a, kind: fake}\n  - {name: b, kind: fake}\n")
	scores, err := Run(context.Background(), s, Options{Limit: 7, Only: []string{"b"}, Now: func() time.Time { return time.Unix(0, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(scores.Runners) != 1 || scores.Runners["b"].N != 7 {
		t.Errorf("scores = %+v", scores.Runners)
	}
	if _, err := Run(context.Background(), s, Options{Fresh: true, Only: []string{"c"}}); err == nil {
		t.Error("--only with an unknown runner succeeded")
	}
}

func TestSuiteErrors(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"unknown key", "name: x\ntest: t.arrow\nrunnerz: []\nrunners: [{name: a, kind: last}]", `unknown key "runnerz"`},
		{"no test", "name: x\nrunners: [{name: a, kind: last}]", `"test": missing`},
		{"duplicate", "name: x\ntest: t\nrunners: [{name: a, kind: last}, {name: a, kind: mostpop}]", "used twice"},
		{"bad name", "name: x\ntest: t\nrunners: [{name: 'a b', kind: last}]", "a name is"},
		{"no kind", "name: x\ntest: t\nrunners: [{name: a}]", "no kind"},
		{"related", "name: x\ntest: t\nmetrics: {related: 30}\nrunners: [{name: a, kind: last}]", "metrics.related 30"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rundir.ParseSuite([]byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
	s, err := rundir.ParseSuite([]byte("name: x\ntest: t\nrunners:\n  - name: m\n    kind: markov\n    ordr: 2\n  - {name: z, kind: nosuch}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := New(&s.Runners[0]); err == nil || !strings.Contains(err.Error(), "ordr") || !strings.Contains(err.Error(), "line 4") {
		t.Errorf("misspelt setting: %v", err)
	}
	if _, _, err := New(&s.Runners[1]); err == nil || !strings.Contains(err.Error(), `kind "nosuch"`) {
		t.Errorf("unknown kind: %v", err)
	}
}

func TestRunSkipsRunnersWithoutTheirEnvironment(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	t.Setenv("OCCBENCH_TEST_WORKERS", "3")
	s := suite(t, testSet(t, dir, 5), out,
		"  - {name: a, kind: fake, workers: '${OCCBENCH_TEST_WORKERS}'}\n"+
			"  - {name: b, kind: fake, requires_env: [OCCBENCH_TEST_UNSET_VAR]}\n")
	scores, err := Run(context.Background(), s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := scores.Runners["b"]; ok || len(scores.Runners) != 1 {
		t.Errorf("scored %v, want only a", scores.Order)
	}
	m, err := rundir.ReadManifest(filepath.Join(out, rundir.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	if m.Skipped["b"] != "OCCBENCH_TEST_UNSET_VAR is not set" {
		t.Errorf("skipped = %v", m.Skipped)
	}
	if got := m.Runners["a"].Settings.(map[string]any)["Workers"]; got != 3.0 {
		t.Errorf("${VAR} expansion: workers = %v", got)
	}
}

func TestResumeContinuesTheRunnersOfTheRun(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	s := suite(t, testSet(t, dir, 10), out, "  - {name: a, kind: fake}\n  - {name: b, kind: fake}\n")
	if _, err := Run(context.Background(), s, Options{Only: []string{"b"}}); err != nil {
		t.Fatal(err)
	}
	scores, err := Run(context.Background(), s, Options{Resume: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(scores.Order) != 1 || scores.Order[0] != "b" {
		t.Errorf("resume ran %v, want only b", scores.Order)
	}
}

func TestBayesRunner(t *testing.T) {
	r, _, err := New(&rundir.RunnerSpec{Name: "b", Kind: "bayes"})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := r.Predict(context.Background(), &bench.Example{BayesCode: "15-1252.00", BayesTitle: "Software Developers"})
	if p.Code != "15-1252.00" || p.Error != "" {
		t.Errorf("prediction %+v", p)
	}
	p, _ = r.Predict(context.Background(), &bench.Example{})
	if p.Error == "" {
		t.Error("no error without a Bayes answer")
	}
}

// A shard predicts its users only, records which shard it is, and resumes
// as that shard and no other.
func TestRunShard(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	s := suite(t, testSet(t, dir, 60), out, "  - {name: a, kind: fake}\n")
	shard := &rundir.Shard{K: 1, N: 3}
	scores, err := Run(context.Background(), s, Options{Shard: shard, Limit: 45})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for i := range 45 {
		if rundir.ShardOf(fmt.Sprintf("u%03d", i), 3) == 1 {
			want++
		}
	}
	got := recordsPerUser(t, rundir.PredictionsPath(out, "a"))
	for u := range got {
		if rundir.ShardOf(u, 3) != 1 || u >= "u045" {
			t.Errorf("shard 1/3 of the first 45 users predicted %s", u)
		}
	}
	m, err := rundir.ReadManifest(filepath.Join(out, rundir.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != want || scores.Runners["a"].N != want || m.Shard == nil || *m.Shard != (rundir.Shard{K: 1, N: 3, Users: want}) || m.Protocol.TestUsers != want {
		t.Errorf("%d users recorded, %d scored, manifest shard %+v, test users %d; want %d of shard 1/3", len(got), scores.Runners["a"].N, m.Shard, m.Protocol.TestUsers, want)
	}
	for _, tc := range []struct {
		name  string
		shard *rundir.Shard
		err   string
	}{
		{"another shard", &rundir.Shard{K: 0, N: 3}, "that run is shard 1/3; --shard 0/3 would be another run (leave --shard out to continue it)"},
		{"another split", &rundir.Shard{K: 1, N: 4}, "that run is shard 1/3; --shard 1/4 would"},
		{"the same shard", &rundir.Shard{K: 1, N: 3}, ""},
		{"no --shard", nil, ""},
	} {
		_, err := Run(context.Background(), s, Options{Resume: true, Shard: tc.shard})
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("resume with %s: %v, want %q", tc.name, err, tc.err)
		}
	}
	if m, _ := rundir.ReadManifest(filepath.Join(out, rundir.ManifestFile)); m == nil || !m.Shard.Same(shard) {
		t.Errorf("after resuming, the manifest's shard is %+v", m)
	}
}
