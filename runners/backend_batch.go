package runners

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	openai "github.com/sashabaranov/go-openai"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/internal/safefile"
	"github.com/occbench/occbench/rundir"
)

// llmBatchRunner sends an llm runner's requests through the OpenAI Batch
// API: it writes the requests as JSONL, uploads the file, creates a batch,
// polls it, downloads the results and maps them back by custom_id, which
// is the request's cache key. Results go into the request cache, and the
// predictions are then built from the cache exactly as the chat backend
// builds them.
//
// The run directory keeps batches/<runner>/state.json, updated before each
// wait, and the input and output files. A run killed after submitting a
// batch resumes by collecting that batch; one killed between uploading the
// input and learning the batch id finds the batch by its input file.
type llmBatchRunner struct {
	*llmRunner
	failed map[string]string // cache key → why the batch did not answer it
	fresh  map[string]bool   // keys answered by a batch in this process
}

// BatchSize is the number of users the engine hands over at once. A
// two-model runner sends two batches per chunk (reasoner, then predictor).
func (b *llmBatchRunner) BatchSize() int { return b.s.BatchSize }

// batchState is batches/<runner>/state.json.
type batchState struct {
	Batches []*batchEntry `json:"batches"`
}

type batchEntry struct {
	Input       string `json:"input"` // the JSONL file, in the state's directory
	Requests    int    `json:"requests"`
	InputFileID string `json:"input_file_id,omitempty"`
	BatchID     string `json:"batch_id,omitempty"`
	Status      string `json:"status,omitempty"`
	Collected   bool   `json:"collected"`
}

func (b *llmBatchRunner) stateDir() string {
	return filepath.Join(b.env.RunDir, "batches", b.name)
}

func (b *llmBatchRunner) loadState() (*batchState, error) {
	var st batchState
	data, err := os.ReadFile(filepath.Join(b.stateDir(), "state.json"))
	if errors.Is(err, os.ErrNotExist) {
		return &st, nil
	}
	if err == nil {
		err = json.Unmarshal(data, &st)
	}
	if err != nil {
		return nil, fmt.Errorf("batch state: %w", err)
	}
	return &st, nil
}

func (b *llmBatchRunner) saveState(st *batchState) error {
	return safefile.WriteJSON(filepath.Join(b.stateDir(), "state.json"), st)
}

// PredictBatch predicts a chunk of users. Each pass builds every user's
// calls against the cache; the calls it cannot answer go into one batch.
// Two-model runners need two passes with a batch (reasoner, predictor),
// the others one.
func (b *llmBatchRunner) PredictBatch(ctx context.Context, exs []*bench.Example) ([]rundir.Prediction, error) {
	if b.failed == nil {
		b.failed, b.fresh = map[string]string{}, map[string]bool{}
	}
	st, err := b.loadState()
	if err != nil {
		return nil, err
	}
	for _, e := range st.Batches {
		if !e.Collected {
			if err := b.finish(ctx, st, e); err != nil {
				return nil, err
			}
		}
	}
	for pass := 0; ; pass++ {
		plan, err := b.newPlan(st)
		if err != nil {
			return nil, err
		}
		preds := make([]rundir.Prediction, len(exs))
		var waiting []int
		for i, ex := range exs {
			preds[i], err = b.predict(ctx, ex, plan.call)
			if errors.Is(err, errDeferred) {
				waiting = append(waiting, i)
			} else if err != nil {
				plan.abort()
				return nil, err
			}
		}
		// Each pass answers at least one more call per user; a user still
		// waiting after three batches means the batches keep losing it.
		if len(waiting) == 0 || pass == 3 {
			plan.abort()
			for _, i := range waiting {
				preds[i] = rundir.Prediction{Attempt: b.s.Attempt, Mapping: "none", Error: "batch: no answer after 3 batches"}
			}
			return preds, nil
		}
		e, err := plan.commit(len(st.Batches))
		if err != nil {
			return nil, err
		}
		st.Batches = append(st.Batches, e)
		if err := b.saveState(st); err != nil {
			return nil, err
		}
		if err := b.finish(ctx, st, e); err != nil {
			return nil, err
		}
	}
}

// batchPlan collects the calls of a pass that the cache cannot answer,
// writing each once to the batch input file.
type batchPlan struct {
	b    *llmBatchRunner
	f    *safefile.File
	w    *bufio.Writer
	keys map[string]bool
	path string
}

func (b *llmBatchRunner) newPlan(st *batchState) (*batchPlan, error) {
	path := filepath.Join(b.stateDir(), fmt.Sprintf("%03d.input.jsonl", len(st.Batches)+1))
	f, err := safefile.Create(path)
	if err != nil {
		return nil, err
	}
	return &batchPlan{b: b, f: f, w: bufio.NewWriter(f), keys: map[string]bool{}, path: path}, nil
}

// batchLine is a line of a batch input file.
type batchLine struct {
	CustomID string          `json:"custom_id"`
	Method   string          `json:"method"`
	URL      string          `json:"url"`
	Body     json.RawMessage `json:"body"`
}

func (p *batchPlan) call(_ context.Context, c *chatCall) (*chatResult, error) {
	b := p.b
	if msg, ok := b.failed[c.key]; ok {
		return nil, &callError{msg: msg, tries: 1}
	}
	if res, err := b.cached(c); res != nil || err != nil {
		if res != nil && b.fresh[c.key] {
			res.Source = "batch"
		}
		return res, err
	}
	if !p.keys[c.key] {
		p.keys[c.key] = true
		line, err := json.Marshal(batchLine{CustomID: c.key, Method: "POST", URL: string(openai.BatchEndpointChatCompletions), Body: c.body})
		if err != nil {
			return nil, err
		}
		if _, err := p.w.Write(append(line, '\n')); err != nil {
			return nil, fmt.Errorf("%s: %w", p.path, err)
		}
	}
	return nil, errDeferred
}

func (p *batchPlan) abort() { p.f.Abort() }

// commit writes the input file and returns its state entry.
func (p *batchPlan) commit(n int) (*batchEntry, error) {
	if err := p.w.Flush(); err != nil {
		p.f.Abort()
		return nil, fmt.Errorf("%s: %w", p.path, err)
	}
	if err := p.f.Commit(); err != nil {
		return nil, err
	}
	return &batchEntry{Input: filepath.Base(p.path), Requests: len(p.keys)}, nil
}

// finish uploads, submits, waits for and collects one batch, saving the
// state after each step so that a killed run picks up where it stopped.
func (b *llmBatchRunner) finish(ctx context.Context, st *batchState, e *batchEntry) error {
	client := b.main.client
	save := func() error { return b.saveState(st) }
	if e.InputFileID == "" {
		data, err := os.ReadFile(filepath.Join(b.stateDir(), e.Input))
		if err != nil {
			return fmt.Errorf("batch input: %w", err)
		}
		if err := b.batchOp(ctx, "upload "+e.Input, func(rctx context.Context) error {
			f, err := client.CreateFileBytes(rctx, openai.FileBytesRequest{Name: e.Input, Bytes: data, Purpose: openai.PurposeBatch})
			e.InputFileID = f.ID
			return err
		}); err != nil {
			return err
		}
		if err := save(); err != nil {
			return err
		}
	}
	if e.BatchID == "" {
		// A batch may exist already: the previous run, or a create request
		// whose answer was lost, may have made it.
		if err := b.batchOp(ctx, "create batch for "+e.InputFileID, func(rctx context.Context) error {
			id, err := b.findBatch(rctx, e.InputFileID)
			if err != nil || id != "" {
				e.BatchID = id
				return err
			}
			resp, err := client.CreateBatch(rctx, openai.CreateBatchRequest{
				InputFileID:      e.InputFileID,
				Endpoint:         openai.BatchEndpointChatCompletions,
				CompletionWindow: b.s.CompletionWindow,
				Metadata:         map[string]any{"occbench_runner": b.name},
			})
			e.BatchID = resp.ID
			return err
		}); err != nil {
			return err
		}
		if err := save(); err != nil {
			return err
		}
	}
	batch, err := b.wait(ctx, e)
	if err != nil {
		return err
	}
	if err := b.collect(ctx, e, batch); err != nil {
		return err
	}
	e.Status, e.Collected = batch.Status, true
	return save()
}

// batchOp runs a Batch API call with the runner's retries; a call that
// fails for good stops the run (resume continues from the saved state).
func (b *llmBatchRunner) batchOp(ctx context.Context, what string, op func(context.Context) error) error {
	_, err := b.retry.run(ctx, what, func(rctx context.Context, _ *exchange) error { return op(rctx) })
	if err != nil {
		return fmt.Errorf("batch: %w", err)
	}
	return nil
}

// findBatch looks for a batch made from the input file.
func (b *llmBatchRunner) findBatch(ctx context.Context, fileID string) (string, error) {
	var after *string
	limit := 100
	for range 20 {
		list, err := b.main.client.ListBatch(ctx, after, &limit)
		if err != nil {
			return "", err
		}
		for _, x := range list.Data {
			if x.InputFileID == fileID {
				return x.ID, nil
			}
		}
		if !list.HasMore || len(list.Data) == 0 {
			return "", nil
		}
		last := list.Data[len(list.Data)-1].ID
		after = &last
	}
	return "", nil
}

// terminal batch statuses.
var batchDone = map[string]bool{"completed": true, "failed": true, "expired": true, "cancelled": true}

func (b *llmBatchRunner) wait(ctx context.Context, e *batchEntry) (openai.Batch, error) {
	for {
		var batch openai.Batch
		if err := b.batchOp(ctx, "poll "+e.BatchID, func(rctx context.Context) error {
			resp, err := b.main.client.RetrieveBatch(rctx, e.BatchID)
			batch = resp.Batch
			return err
		}); err != nil {
			return batch, err
		}
		if batchDone[batch.Status] {
			return batch, nil
		}
		if err := b.opts.Sleep(ctx, b.s.BatchPoll.D()); err != nil {
			return batch, err
		}
	}
}

// batchResult is a line of a batch output or error file.
type batchResult struct {
	CustomID string `json:"custom_id"`
	Response *struct {
		StatusCode int             `json:"status_code"`
		Body       json.RawMessage `json:"body"`
	} `json:"response"`
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// collect caches the batch's answers and notes why the others failed.
func (b *llmBatchRunner) collect(ctx context.Context, e *batchEntry, batch openai.Batch) error {
	want, err := b.inputKeys(e)
	if err != nil {
		return err
	}
	stem := e.Input[:len(e.Input)-len(".input.jsonl")]
	for _, f := range []struct {
		id   *string
		name string
	}{{batch.OutputFileID, stem + ".output.jsonl"}, {batch.ErrorFileID, stem + ".errors.jsonl"}} {
		if f.id == nil || *f.id == "" {
			continue
		}
		var data []byte
		if err := b.batchOp(ctx, "download "+*f.id, func(rctx context.Context) error {
			raw, err := b.main.client.GetFileContent(rctx, *f.id)
			if err != nil {
				return err
			}
			defer raw.Close()
			data, err = io.ReadAll(raw)
			return err
		}); err != nil {
			return err
		}
		data = b.redactBytes(data)
		if err := safefile.WriteFile(filepath.Join(b.stateDir(), f.name), data); err != nil {
			return err
		}
		if err := b.readResults(e, data, want); err != nil {
			return err
		}
	}
	why := "batch " + e.BatchID + " ended " + batch.Status + " without an answer to this request"
	if batch.Errors != nil && len(batch.Errors.Data) > 0 {
		why += ": " + clip(batch.Errors.Data[0].Message)
	}
	for k := range want {
		b.failed[k] = b.redact(why)
	}
	return nil
}

// readResults handles the lines of an output or error file, deleting the
// keys it answers from want.
func (b *llmBatchRunner) readResults(e *batchEntry, data []byte, want map[string]bool) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var r batchResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil || !want[r.CustomID] {
			continue // not ours, or unreadable: the request counts as unanswered
		}
		delete(want, r.CustomID)
		switch {
		case r.Response != nil && r.Response.StatusCode == 200:
			if _, err := decodeChat(r.Response.Body); err != nil {
				b.failed[r.CustomID] = "batch " + e.BatchID + ": malformed response body: " + clip(err.Error())
				continue
			}
			if err := b.cache.Put(r.CustomID, r.Response.Body); err != nil {
				return err
			}
			b.fresh[r.CustomID] = true
		case r.Response != nil:
			b.failed[r.CustomID] = b.redact(fmt.Sprintf("batch %s: HTTP %d: %s", e.BatchID, r.Response.StatusCode, clip(string(r.Response.Body))))
		case r.Error != nil:
			b.failed[r.CustomID] = b.redact(fmt.Sprintf("batch %s: %s: %s", e.BatchID, r.Error.Code, clip(r.Error.Message)))
		default:
			b.failed[r.CustomID] = "batch " + e.BatchID + ": result line " + strconv.Itoa(line) + " has neither response nor error"
		}
	}
	return sc.Err()
}

// inputKeys are the custom ids of a batch's input file.
func (b *llmBatchRunner) inputKeys(e *batchEntry) (map[string]bool, error) {
	f, err := os.Open(filepath.Join(b.stateDir(), e.Input))
	if err != nil {
		return nil, fmt.Errorf("batch input: %w", err)
	}
	defer f.Close()
	keys := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	for sc.Scan() {
		var l struct {
			CustomID string `json:"custom_id"`
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err == nil && l.CustomID != "" {
			keys[l.CustomID] = true
		}
	}
	return keys, sc.Err()
}
