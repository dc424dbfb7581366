package runners

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/llm/llmtest"
	"github.com/occbench/occbench/prompt"
	"github.com/occbench/occbench/rundir"
)

// pathTestSet writes llmtest.Careers(n) with a target path of k jobs (the
// target first) as a test set with horizon k. Each user's school names the
// user, so a scripted server can tell whose prompt it reads.
func pathTestSet(t testing.TB, dir string, n, k int) (string, []*bench.Example) {
	t.Helper()
	occ := onet.Default().Occupations()
	exs := llmtest.Careers(n)
	for i, ex := range exs {
		ex.History[0].School = "School " + ex.UserID
		ex.TargetPath = []bench.Record{{Kind: bench.Job, Title: "Lead", Code: ex.TargetCode, Occupation: ex.TargetTitle, Start: bench.DateOf(2016, 2, 1), End: bench.DateOf(2018, 1, 1)}}
		for h := 1; h < k; h++ {
			o := occ[(i*53+h*17)%len(occ)]
			ex.TargetPath = append(ex.TargetPath, bench.Record{Kind: bench.Job, Title: "Job", Code: o.Code, Occupation: o.Title, Start: bench.DateOf(2018+2*h, 2, 1)})
		}
	}
	path := filepath.Join(dir, "test.arrow")
	if err := bench.WriteExamples(path, exs, map[string]string{bench.MetaHorizon: fmt.Sprint(k)}); err != nil {
		t.Fatal(err)
	}
	return path, exs
}

// pathReply is the scripted answer for user i with true path titles:
// answers of five shapes, one of them short and one long.
func pathReply(i int, titles []string, codes []string) string {
	switch i % 5 {
	case 0:
		return "<think>\nThey lead teams.\n</think>\n<answer>\n1. " + titles[0] + "\n2. " + titles[1] + "\n3. " + titles[2] + "\n</answer>"
	case 1:
		return "<answer>1. " + titles[0] + " 2. " + titles[1] + " 3. " + titles[2] + "</answer>"
	case 2: // short: the third step is missing
		return "<answer>\n1) " + titles[0] + "\n2) " + titles[1] + "\n</answer>"
	case 3: // bullets, explanations, a code
		return "<answer>\n- **" + titles[0] + "** – the next step\n- " + codes[1] + "\n- " + titles[2] + ", because they lead\n</answer>"
	}
	return "<answer>\n1. " + titles[0] + "\n2. " + titles[1] + "\n3. " + titles[2] + "\n4. " + titles[0] + "\n</answer>"
}

var schoolUser = regexp.MustCompile(`School (u\d+)`)

// A K = 3 path run through the llm runner against a fake endpoint: the path
// prompt is sent, every answer shape is parsed into three steps, each item
// is mapped, Path[0] is the answer, and scores.json scores every horizon.
func TestLLMPathRun(t *testing.T) {
	const users, K = 20, 3
	dir := t.TempDir()
	test, exs := pathTestSet(t, dir, users, K)
	byID := map[string]int{}
	for i, ex := range exs {
		byID[ex.UserID] = i
	}
	rp, err := prompt.NewRolePrompts()
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"direct", "joint", "two-model"} {
		t.Run(mode, func(t *testing.T) {
			var mu sync.Mutex
			sent := map[string]bool{}
			srv := llmtest.NewScripted(t, `School u\d+`, func(p string, _ int) (string, int) {
				_, text, _ := strings.Cut(p, "\n") // drop the model= line
				mu.Lock()
				sent[text] = true
				mu.Unlock()
				if strings.Contains(text, "Do NOT name or predict") {
					return "<think>\nThey lead teams.\n</think>", 200
				}
				i := byID[schoolUser.FindStringSubmatch(text)[1]]
				var titles, codes []string
				for _, r := range exs[i].TargetPath {
					titles, codes = append(titles, r.Occupation), append(codes, r.Code)
				}
				return pathReply(i, titles, codes), 200
			})
			out := filepath.Join(dir, mode)
			s, err := rundir.ParseSuite([]byte(fmt.Sprintf("name: t\ntest: %s\nout: %s\nhorizon: %d\nmetrics: {bootstrap: 10}\nrunners:\n  - {name: m, kind: llm-fast, mode: %s, endpoint: {base_url: %q, model: m}}\n", test, out, K, mode, srv.URL())))
			if err != nil {
				t.Fatal(err)
			}
			scores, err := Run(context.Background(), s, Options{})
			if err != nil {
				t.Fatal(err)
			}
			preds := readPreds(t, rundir.PredictionsPath(out, "m"))
			for i, ex := range exs {
				p := preds[ex.UserID]
				if p.Error != "" || len(p.Path) != K {
					t.Fatalf("%s: error %q, path %+v", ex.UserID, p.Error, p.Path)
				}
				if p.Path[0].Code != p.Code || p.Path[0].Title != p.Title || p.Path[0].Answer != p.Answer || p.Path[0].Mapping != p.Mapping {
					t.Errorf("%s: Path[0] %+v is not the answer %s %q %q %s", ex.UserID, p.Path[0], p.Code, p.Title, p.Answer, p.Mapping)
				}
				truth := ex.Path()
				for h := range K {
					want := truth[h]
					if i%5 == 2 && h == 2 {
						want = ""
					}
					if p.Path[h].Code != want {
						t.Errorf("%s: step %d is %+v, want %q (raw %q)", ex.UserID, h+1, p.Path[h], want, p.Raw)
					}
					if want != "" && (p.Path[h].Mapping == "" || p.Path[h].Mapping == "none" || p.Path[h].MapScore == 0) {
						t.Errorf("%s: step %d mapping %q score %v", ex.UserID, h+1, p.Path[h].Mapping, p.Path[h].MapScore)
					}
				}
				wantWarn := map[int]string{2: "path: 2 of 3 occupations given", 4: "path: 4 occupations given, the first 3 kept"}[i%5]
				if p.Warning != wantWarn || p.Parse != prompt.ParseTag {
					t.Errorf("%s: warning %q, parse %s; want %q, tag", ex.UserID, p.Warning, p.Parse, wantWarn)
				}
				// The prompts sent are the ones training export renders.
				role := map[string]string{"direct": prompt.RoleDirect, "joint": prompt.RoleJoint, "two-model": prompt.RolePredictor}[mode]
				reasoning := ""
				if mode == "two-model" {
					reasoning = p.Reason
				}
				want, err := rp.RenderPath(role, ex, reasoning, K)
				if err != nil {
					t.Fatal(err)
				}
				if !sent[want] {
					t.Errorf("%s: the path prompt was never sent:\n%s", ex.UserID, want)
				}
			}
			hs := scores.Runners["m"].Horizon
			if len(hs) != K {
				t.Fatalf("scores by horizon %+v", hs)
			}
			for h, want := range []float64{1, 1, 0.8} {
				if got := hs[h].EM.Float(); got != want {
					t.Errorf("EM@%d = %v, want %v", h+1, got, want)
				}
			}
			man, err := rundir.ReadManifest(filepath.Join(out, rundir.ManifestFile))
			if err != nil {
				t.Fatal(err)
			}
			if h, _ := man.Runners["m"].Info["horizon"].(float64); h != K {
				t.Errorf("manifest info horizon %v, want %d", man.Runners["m"].Info["horizon"], K)
			}
		})
	}
}

// A suite's prompt file in a path run must ask for K occupations.
func TestLLMPathPromptOverride(t *testing.T) {
	dir := t.TempDir()
	test, _ := pathTestSet(t, dir, 2, 3)
	single := filepath.Join(dir, "single.tmpl")
	if err := os.WriteFile(single, []byte("Next job after {{.History}}?"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := rundir.ParseSuite([]byte(fmt.Sprintf("name: t\ntest: %s\nout: %s\nhorizon: 3\nrunners:\n  - {name: m, kind: llm-fast, mode: direct, prompt: %s, endpoint: {base_url: http://127.0.0.1:1/v1, model: m}}\n", test, filepath.Join(dir, "out"), single)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), s, Options{}); err == nil || !strings.Contains(err.Error(), "{{.Horizon}}") {
		t.Errorf("run with a single-step prompt file: %v, want an error naming {{.Horizon}}", err)
	}
}

// With n > 1 answers each step is voted on apart.
func TestLLMPathVotesPerStep(t *testing.T) {
	dir := t.TempDir()
	test, exs := pathTestSet(t, dir, 1, 2)
	ex := exs[0]
	a, b := ex.TargetPath[0].Occupation, ex.TargetPath[1].Occupation
	other := "Chief Executives"
	answers := []string{
		"<answer>\n1. " + other + "\n2. " + b + "\n</answer>",
		"<answer>\n1. " + a + "\n2. " + other + "\n</answer>",
		"<answer>\n1. " + a + "\n2. " + b + "\n</answer>",
	}
	srv := llmtest.NewScripted(t, `School u\d+`, func(_ string, k int) (string, int) { return answers[k%3], 200 })
	out := filepath.Join(dir, "run")
	s, err := rundir.ParseSuite([]byte(fmt.Sprintf("name: t\ntest: %s\nout: %s\nhorizon: 2\nrunners:\n  - {name: m, kind: llm-fast, mode: direct, n: 3, temperature: 1, endpoint: {base_url: %q, model: m}}\n", test, out, srv.URL())))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), s, Options{}); err != nil {
		t.Fatal(err)
	}
	p := readPreds(t, rundir.PredictionsPath(out, "m"))[ex.UserID]
	if p.Path[0].Code != ex.TargetPath[0].Code || p.Path[1].Code != ex.TargetPath[1].Code {
		t.Fatalf("path %+v, want the majority %s, %s", p.Path, ex.TargetPath[0].Code, ex.TargetPath[1].Code)
	}
	if len(p.Path[0].Scores) != 2 || p.Path[0].Scores[0] != 2.0/3 || p.Raw != answers[1] || p.Code != p.Path[0].Code {
		t.Errorf("step 1 %+v, raw %q, code %s: want 2 of 3 votes and the text of the second answer", p.Path[0], p.Raw, p.Code)
	}
}

// Replay reads paths: an array of steps, a numbered answer or a raw output.
func TestReplayPaths(t *testing.T) {
	dir := t.TempDir()
	test, exs := pathTestSet(t, dir, 4, 3)
	titles := func(ex *bench.Example) []string {
		var out []string
		for _, r := range ex.TargetPath {
			out = append(out, r.Occupation)
		}
		return out
	}
	t0, t1, t2, t3 := titles(exs[0]), titles(exs[1]), titles(exs[2]), titles(exs[3])
	lines := []string{
		fmt.Sprintf(`{"user_id": %q, "answer": [%q, %q, %q]}`, exs[0].UserID, t0[0], t0[1], t0[2]),
		fmt.Sprintf(`{"user_id": %q, "answer": %q}`, exs[1].UserID, "1. "+t1[0]+"\n2. "+t1[1]+"\n3. "+t1[2]),
		fmt.Sprintf(`{"user_id": %q, "raw": %q}`, exs[2].UserID, "<think>r</think>\n<answer>1. "+t2[0]+" 2. "+t2[1]+" 3. "+t2[2]+"</answer>"),
		fmt.Sprintf(`{"user_id": %q, "answer": %q}`, exs[3].UserID, t3[0]+" → "+t3[1]),
	}
	file := filepath.Join(dir, "replay.jsonl")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "run")
	s, err := rundir.ParseSuite([]byte(fmt.Sprintf("name: t\ntest: %s\nout: %s\nhorizon: 3\nrunners:\n  - {name: r, kind: replay, file: %s}\n", test, out, file)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), s, Options{}); err != nil {
		t.Fatal(err)
	}
	preds := readPreds(t, rundir.PredictionsPath(out, "r"))
	for i, ex := range exs {
		p := preds[ex.UserID]
		truth := ex.Path()
		if i == 3 {
			truth[2] = ""
		}
		for h := range 3 {
			if len(p.Path) != 3 || p.Path[h].Code != truth[h] {
				t.Fatalf("%s: path %+v, want %v", ex.UserID, p.Path, truth)
			}
		}
		wantParse, wantWarn := prompt.ParseGiven, ""
		switch i {
		case 2:
			wantParse = prompt.ParseTag
		case 3:
			wantWarn = "path: 2 of 3 occupations given"
		}
		if p.Code != truth[0] || p.Answer != p.Path[0].Answer || p.Parse != wantParse || p.Warning != wantWarn {
			t.Errorf("%s: code %s answer %q parse %s warning %q; want %s, Path[0]'s answer, %s, %q", ex.UserID, p.Code, p.Answer, p.Parse, p.Warning, truth[0], wantParse, wantWarn)
		}
	}
}
