package method

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/internal/fixture"
	"github.com/occbench/occbench/llm"
	"github.com/occbench/occbench/llm/llmtest"
	"github.com/occbench/occbench/prompt"
)

const (
	titleNP  = "Nurse Practitioners"
	titleRN  = "Registered Nurses"
	codeNP   = "29-1171.00"
	titleCEO = "Chief Executives"
)

// oracleTrain: every user's next occupation is Nurse Practitioners; the
// job title carries the user id, the marker of the scripted server.
func oracleTrain(ids ...string) []*bench.Example {
	var out []*bench.Example
	for _, id := range ids {
		out = append(out, &bench.Example{
			UserID: id,
			History: []bench.Record{{Kind: bench.Job, Title: "Nurse at ward " + id, Code: "29-1141.00",
				Occupation: titleRN, Start: bench.DateOf(2015, 1, 1)}},
			TargetCode: codeNP, TargetTitle: titleNP,
		})
	}
	return out
}

// oracleScript: user "good" is right on even attempts, "none" never, "all"
// always, "fail" gets HTTP 500.
func oracleScript(prompt string, k int) (string, int) {
	id := regexp.MustCompile(`ward (\w+)`).FindStringSubmatch(prompt)[1]
	right := fmt.Sprintf("<think>\nAttempt %d: %s gained the experience for advanced practice.\n</think>\n<answer>\n%s\n</answer>", k, id, titleNP)
	wrong := fmt.Sprintf("<think>\nAttempt %d: %s will lead.\n</think>\n<answer>\n%s\n</answer>", k, id, titleCEO)
	switch id {
	case "fail":
		return "", 500
	case "all":
		return right, 0
	case "bare":
		return "<answer>\n" + titleNP + "\n</answer>", 0
	case "good":
		if k%2 == 0 {
			return right, 0
		}
	}
	return wrong, 0
}

func testOracleOpts(t *testing.T, url string, n bool) OracleOptions {
	mc := DefaultOracle
	mc.Endpoint = llm.Endpoint{BaseURL: llm.URLs{url}, Model: "gpt-4.1"}
	mc.N = n
	mc.Attempts = 4
	mc.MaxRetries = 1
	mc.Concurrency = 2
	return OracleOptions{Model: mc, RunDir: filepath.Join(t.TempDir(), "run"), Seed: 3,
		Env: noWaits}
}

func TestOracle(t *testing.T) {
	cases := []struct {
		name    string
		n       bool
		ignoreN bool
		reqs    int
	}{
		{"n", true, false, 3},                   // one request per user
		{"n ignored", true, true, 3 * 4},        // the server answers one choice: the rest one by one
		{"separate calls", false, false, 3 * 4}, // one request per attempt
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := llmtest.NewScripted(t, `ward \w+`, oracleScript)
			srv.IgnoreN = tc.ignoreN
			opts := testOracleOpts(t, srv.URL(), tc.n)
			out := filepath.Join(t.TempDir(), "oracle.arrow")
			sum, err := Oracle(context.Background(), oracleTrain("good", "none", "all"), out, opts)
			if err != nil {
				t.Fatal(err)
			}
			if srv.Requests() != tc.reqs {
				t.Errorf("%d requests, want %d", srv.Requests(), tc.reqs)
			}
			want := OracleSummary{Users: 3, Attempts: 12, Correct: 6, ValidReasons: 6, Kept: 2, Preference: 1,
				Model: "gpt-4.1", Seed: 3, Out: out}
			if sum.PromptSHA256 == "" || sum.HistoryFormat != prompt.HistoryFormat || sum.Settings.Attempts != 4 {
				t.Errorf("summary settings %+v", sum)
			}
			sum.Settings, sum.PromptSHA256, sum.HistoryFormat = ModelConfig{}, "", ""
			if !reflect.DeepEqual(*sum, want) {
				t.Errorf("summary %+v\nwant %+v", *sum, want)
			}
			exs, _, err := bench.ReadAll(out)
			if err != nil {
				t.Fatal(err)
			}
			if len(exs) != 2 || exs[0].UserID != "good" || exs[1].UserID != "all" {
				t.Fatalf("kept %v, want good and all", ids(exs))
			}
			for _, ex := range exs {
				var correct []string
				for _, a := range ex.Attempts {
					if a.Correct != (a.Code == codeNP) {
						t.Errorf("%s: attempt %+v marked wrongly", ex.UserID, a)
					}
					if a.Correct {
						correct = append(correct, a.Reason)
					}
				}
				if len(ex.Attempts) != 4 || !slices.Contains(correct, ex.OracleReason) {
					t.Errorf("%s: oracle reason %q not among the correct attempts %q", ex.UserID, ex.OracleReason, correct)
				}
			}

			// A rerun with the attempts file asks nothing; without it, the
			// cache answers and the output is the same bytes.
			before, _ := os.ReadFile(out)
			if _, err := Oracle(context.Background(), oracleTrain("good", "none", "all"), out, opts); err != nil {
				t.Fatal(err)
			}
			os.Remove(filepath.Join(opts.RunDir, OracleAttemptsFile))
			if _, err := Oracle(context.Background(), oracleTrain("good", "none", "all"), out, opts); err != nil {
				t.Fatal(err)
			}
			after, _ := os.ReadFile(out)
			if srv.Requests() != tc.reqs || !bytes.Equal(before, after) {
				t.Errorf("rerun: %d requests (want %d), output same: %v", srv.Requests(), tc.reqs, bytes.Equal(before, after))
			}
		})
	}
}

func TestOracleFailedUserRedone(t *testing.T) {
	srv := llmtest.NewScripted(t, `ward \w+`, oracleScript)
	opts := testOracleOpts(t, srv.URL(), true)
	out := filepath.Join(t.TempDir(), "oracle.arrow")
	sum, err := Oracle(context.Background(), oracleTrain("good", "fail"), out, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed != 1 || sum.Kept != 1 {
		t.Fatalf("summary %+v: want 1 failed, 1 kept", sum)
	}
	n := srv.Requests()
	if _, err := Oracle(context.Background(), oracleTrain("good", "fail"), out, opts); err != nil {
		t.Fatal(err)
	}
	if srv.Requests() <= n {
		t.Error("the failed user was not asked again")
	}
	lines, _ := os.ReadFile(filepath.Join(opts.RunDir, OracleAttemptsFile))
	if got := strings.Count(string(lines), `"user_id":"fail"`); got != 2 {
		t.Errorf("the failed user has %d lines, want 2", got)
	}
}

func TestOracleResumesAfterCutLine(t *testing.T) {
	srv := llmtest.NewScripted(t, `ward \w+`, oracleScript)
	opts := testOracleOpts(t, srv.URL(), true)
	out := filepath.Join(t.TempDir(), "oracle.arrow")
	if _, err := Oracle(context.Background(), oracleTrain("good", "all"), out, opts); err != nil {
		t.Fatal(err)
	}
	// A kill mid-write leaves half a line.
	p := filepath.Join(opts.RunDir, OracleAttemptsFile)
	b, _ := os.ReadFile(p)
	first := bytes.IndexByte(b, '\n')
	fixture.Write(t, p, string(append(b[:first+1], b[first+1:first+20]...)))
	sum, err := Oracle(context.Background(), oracleTrain("good", "all"), out, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Kept != 2 || srv.Requests() != 2 {
		t.Fatalf("kept %d, %d requests: want 2 and no new request (cached)", sum.Kept, srv.Requests())
	}
	users, err := readOracleUsers(p)
	if err != nil || len(users) != 2 {
		t.Fatalf("after resuming: %d users, %v", len(users), err)
	}
	b, _ = os.ReadFile(p)
	if strings.Count(string(b), "\n") != 2 {
		t.Fatalf("attempts file:\n%s", b)
	}
}

// A user whose correct attempts carry no reasoning is kept, with no
// oracle reason, and left out of what trains on reasons.
func TestOracleKeepsCorrectUsersWithoutReason(t *testing.T) {
	srv := llmtest.NewScripted(t, `ward \w+`, oracleScript)
	opts := testOracleOpts(t, srv.URL(), true)
	out := filepath.Join(t.TempDir(), "oracle.arrow")
	sum, err := Oracle(context.Background(), oracleTrain("bare", "none"), out, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Kept != 1 || sum.NoReason != 1 || sum.ValidReasons != 0 || sum.Correct != 4 {
		t.Fatalf("summary %+v", sum)
	}
	exs, _, _ := bench.ReadAll(out)
	if len(exs) != 1 || exs[0].UserID != "bare" || exs[0].OracleReason != "" || !exs[0].Attempts[0].Correct {
		t.Fatalf("oracle set %+v", exs)
	}
	if items := JudgeItemsFromOracle(exs); len(items) != 0 {
		t.Fatalf("%d reasons to judge, want none", len(items))
	}
}

func ids(exs []*bench.Example) []string {
	var out []string
	for _, e := range exs {
		out = append(out, e.UserID)
	}
	return out
}

// Against the fault-injecting fake server (500s, 503s, malformed bodies on
// first tries; truncated and odd answers), every user ends recorded and
// the kept users are exactly those with a correct attempt. The fake model
// answers the last job's occupation (the target) on even choices and the
// first job's on odd ones.
func TestOracleAgainstFaultyServer(t *testing.T) {
	dir := t.TempDir()
	exs := llmtest.Careers(40)
	srv := llmtest.New(t, llmtest.MixedFaults(false))
	opts := testOracleOpts(t, srv.URL(), true)
	opts.Model.MaxRetries = 4
	out := filepath.Join(dir, "oracle.arrow")
	sum, err := Oracle(context.Background(), exs, out, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed != 0 || sum.Users != 40 {
		t.Fatalf("summary %+v", sum)
	}
	users, err := readOracleUsers(filepath.Join(opts.RunDir, OracleAttemptsFile))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for id, u := range users {
		for _, a := range u.Attempts {
			if a.Correct {
				want[id] = true
			}
		}
	}
	kept, _, err := bench.ReadAll(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) != len(want) || len(kept) < 30 {
		t.Fatalf("kept %d users, %d have a correct attempt", len(kept), len(want))
	}
	for _, ex := range kept {
		if !want[ex.UserID] {
			t.Errorf("%s kept without a correct attempt", ex.UserID)
		}
	}
}

// A dead endpoint is an error that gives the cause, and writes no oracle
// set; so is a judge that scores nothing.
func TestNothingProducedIsAnError(t *testing.T) {
	srv := llmtest.New(t, func(uint32, int) llmtest.Fault { return llmtest.FaultBadRequest })
	opts := testOracleOpts(t, srv.URL(), true)
	out := filepath.Join(t.TempDir(), "oracle.arrow")
	_, err := Oracle(context.Background(), oracleTrain("good", "all"), out, opts)
	if err == nil || !strings.Contains(err.Error(), "every one of the 2 users failed, the first with: oracle request: HTTP 400") {
		t.Fatalf("oracle: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("an oracle set was written: %v", err)
	}
	mc := DefaultJudge
	mc.Endpoint = llm.Endpoint{BaseURL: llm.URLs{srv.URL()}, Model: "j"}
	_, _, err = Judge(context.Background(), JudgeItemsFromOracle(judgeExamples()), filepath.Join(t.TempDir(), "j.jsonl"), JudgeOptions{Model: mc, Env: noWaits})
	if err == nil || !strings.Contains(err.Error(), "judge: every one of the 4 reasons") || !strings.Contains(err.Error(), "HTTP 400") {
		t.Fatalf("judge: %v", err)
	}
}
