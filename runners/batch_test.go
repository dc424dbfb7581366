package runners

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/occbench/occbench/internal/fixture"
	"github.com/occbench/occbench/llm/llmtest"
	"github.com/occbench/occbench/prompt"
	"github.com/occbench/occbench/rundir"
)

// A run killed after submitting its batch resumes by collecting that
// batch, even when it died before saving the batch id.
func TestBatchResumeCollectsSubmittedBatch(t *testing.T) {
	for _, lostID := range []bool{false, true} {
		t.Run(fmt.Sprintf("lost-id=%v", lostID), func(t *testing.T) {
			dir := t.TempDir()
			test, exs := llmTestSet(t, dir, 60)
			srv := llmtest.New(t, llmtest.MixedFaults(false))
			release := make(chan struct{})
			srv.Set(func(f *llmtest.Server) { f.Release = release })
			out := filepath.Join(dir, "run")
			s := llmSuite(t, test, out, filepath.Join(dir, "cache"), fmt.Sprintf(
				"  - {name: b, kind: llm-fast, mode: joint, endpoint: {base_url: %q, model: gpt-4.1}, batch: true, batch_poll: 1ms}\n", srv.URL()))
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { _, err := Run(ctx, s, Options{}); done <- err }()
			statePath := filepath.Join(out, "batches", "b", "state.json")
			deadline := time.Now().Add(10 * time.Second)
			for {
				b, _ := os.ReadFile(statePath)
				if strings.Contains(string(b), `"batch_id"`) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("no batch was submitted")
				}
				time.Sleep(2 * time.Millisecond)
			}
			cancel() // the run dies while the batch is in progress
			if err := <-done; err == nil {
				t.Fatal("the cancelled run succeeded")
			}
			if lostID {
				var st map[string][]map[string]any
				b, _ := os.ReadFile(statePath)
				json.Unmarshal(b, &st)
				delete(st["batches"][0], "batch_id")
				b, _ = json.Marshal(st)
				fixture.Write(t, statePath, string(b))
			}
			close(release)
			if _, err := Run(context.Background(), s, Options{Resume: true}); err != nil {
				t.Fatal(err)
			}
			if created, uploads := srv.BatchCounts(); created != 1 || uploads != 1 {
				t.Errorf("%d batches from %d uploads, want 1 from 1", created, uploads)
			}
			checkOnce(t, srv)
			preds := readPreds(t, rundir.PredictionsPath(out, "b"))
			failed := 0
			for _, ex := range exs {
				p := preds[ex.UserID]
				switch {
				case p.Error != "":
					failed++
					if !strings.Contains(p.Error, "batch batch_1: server_error") {
						t.Errorf("%s: error %q", ex.UserID, p.Error)
					}
				case p.Calls[0].Source != "batch":
					t.Errorf("%s: source %s", ex.UserID, p.Calls[0].Source)
				case p.Parse != prompt.ParseTruncated && p.Code != ex.TargetCode:
					t.Errorf("%s: code %s, want %s (raw %q)", ex.UserID, p.Code, ex.TargetCode, p.Raw)
				}
			}
			if len(preds) != len(exs) || failed == 0 {
				t.Fatalf("%d records, %d failed", len(preds), failed)
			}
			// --retry-errors sends the failed requests in a second batch.
			if _, err := Run(context.Background(), s, Options{Resume: true, RetryErrors: true}); err != nil {
				t.Fatal(err)
			}
			for u, p := range readPreds(t, rundir.PredictionsPath(out, "b")) {
				if p.Error != "" {
					t.Errorf("%s still failed: %s", u, p.Error)
				}
			}
			if created, _ := srv.BatchCounts(); created != 2 {
				t.Errorf("%d batches after --retry-errors, want 2", created)
			}
			checkOnce(t, srv)
		})
	}
}

func TestBatchTwoModel(t *testing.T) {
	dir := t.TempDir()
	test, exs := llmTestSet(t, dir, 30)
	srv := llmtest.New(t, llmtest.NoFaults)
	out := filepath.Join(dir, "run")
	s := llmSuite(t, test, out, filepath.Join(dir, "cache"), fmt.Sprintf(
		"  - {name: b, kind: llm-fast, mode: two-model, endpoint: {base_url: %q, model: m}, batch: true, batch_poll: 1ms, batch_size: 20}\n", srv.URL()))
	if _, err := Run(context.Background(), s, Options{}); err != nil {
		t.Fatal(err)
	}
	// Two chunks (20 + 10 users), each a reasoner batch then a predictor batch.
	if created, _ := srv.BatchCounts(); created != 4 {
		t.Errorf("%d batches, want 4", created)
	}
	preds := readPreds(t, rundir.PredictionsPath(out, "b"))
	for _, ex := range exs {
		p := preds[ex.UserID]
		if p.Code != ex.TargetCode || len(p.Calls) != 2 || p.Calls[0].Source != "batch" || p.Calls[1].Source != "batch" || !strings.Contains(p.Reason, "career moves") {
			t.Errorf("%s: %+v", ex.UserID, p)
		}
	}
	checkOnce(t, srv)
	man, _ := os.ReadFile(filepath.Join(out, rundir.ManifestFile))
	if !strings.Contains(string(man), `"backend": "batch"`) {
		t.Errorf("manifest: %s", man)
	}
}
