package llm

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
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/occbench/occbench/internal/safefile"
)

// ErrDeferred is a call a batch pass has queued instead of answering.
var ErrDeferred = errors.New("deferred to a batch")

// Batch sends a client's requests through the OpenAI Batch API: it writes
// the requests as JSONL, uploads the file, creates a batch, polls it,
// downloads the results and maps them back by custom_id, which is the
// request's cache key. Results go into the request cache, so that a caller
// builds its records from the cache exactly as with Complete.
//
// A caller works in passes: every call of a pass that the cache cannot
// answer is queued (ErrDeferred), and Submit sends the queue as one batch
// and waits for it. The directory keeps state.json, saved before each
// wait, and the input and output files: a run killed after submitting a
// batch resumes by collecting it, and one killed between uploading the
// input and learning the batch id finds the batch by its input file.
type Batch struct {
	c      *Client
	retry  *retrier // the client's, without its pool and rate limit
	dir    string
	opts   BatchOptions
	st     *batchState
	failed map[string]string // cache key → why the batch did not answer it
	fresh  map[string]bool   // keys answered by a batch in this process
}

// BatchOptions are the settings of a Batch.
type BatchOptions struct {
	Poll   time.Duration // between status checks
	Window string        // completion_window, such as 24h
	Label  string        // recorded in the batch's metadata
}

// NewBatch keeps its state and files in dir. A client of a pool has none:
// a batch is a file sent to one server (Config.CheckBatch).
func (c *Client) NewBatch(dir string, opts BatchOptions) (*Batch, error) {
	if err := c.cfg.CheckBatch(); err != nil {
		return nil, err
	}
	return &Batch{c: c, retry: c.retry.plain(), dir: dir, opts: opts, failed: map[string]string{}, fresh: map[string]bool{}}, nil
}

// batchState is state.json.
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

func (b *Batch) loadState() error {
	if b.st != nil {
		return nil
	}
	var st batchState
	data, err := os.ReadFile(filepath.Join(b.dir, "state.json"))
	if err == nil {
		err = json.Unmarshal(data, &st)
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("batch state: %w", err)
	}
	b.st = &st
	return nil
}

func (b *Batch) saveState() error {
	return safefile.WriteJSON(filepath.Join(b.dir, "state.json"), b.st)
}

// Resume collects the batches an earlier run submitted and did not
// collect.
func (b *Batch) Resume(ctx context.Context) error {
	if err := b.loadState(); err != nil {
		return err
	}
	for _, e := range b.st.Batches {
		if !e.Collected {
			if err := b.finish(ctx, e); err != nil {
				return err
			}
		}
	}
	return nil
}

// Pass starts the next pass.
func (b *Batch) Pass() (*BatchPass, error) {
	if err := b.loadState(); err != nil {
		return nil, err
	}
	path := filepath.Join(b.dir, fmt.Sprintf("%03d.input.jsonl", len(b.st.Batches)+1))
	f, err := safefile.Create(path)
	if err != nil {
		return nil, err
	}
	return &BatchPass{b: b, f: f, w: bufio.NewWriter(f), keys: map[string]bool{}, path: path}, nil
}

// Submit sends the pass's queue as one batch and waits for its answers.
func (p *BatchPass) Submit(ctx context.Context) error {
	e, err := p.commit()
	if err != nil {
		return err
	}
	b := p.b
	b.st.Batches = append(b.st.Batches, e)
	if err := b.saveState(); err != nil {
		return err
	}
	return b.finish(ctx, e)
}

// BatchPass collects the calls of a pass that the cache cannot answer,
// writing each once to the batch input file.
type BatchPass struct {
	b    *Batch
	f    *safefile.File
	w    *bufio.Writer
	keys map[string]bool
	path string
}

// batchLine is a line of a batch input file.
type batchLine struct {
	CustomID string          `json:"custom_id"`
	Method   string          `json:"method"`
	URL      string          `json:"url"`
	Body     json.RawMessage `json:"body"`
}

// Call answers a call from the cache or from what an earlier batch said of
// it, or queues it for this pass's batch and returns ErrDeferred. Calls
// made by another client of the same runner go into the same batch.
func (p *BatchPass) Call(_ context.Context, c *Call) (*Result, error) {
	b := p.b
	if msg, ok := b.failed[c.Key]; ok {
		return nil, &Failure{Msg: msg, Tries: 1}
	}
	if res, err := b.c.cached(c); res != nil || err != nil {
		if res != nil && b.fresh[c.Key] {
			res.Source = "batch"
		}
		return res, err
	}
	if !p.keys[c.Key] {
		p.keys[c.Key] = true
		line, err := json.Marshal(batchLine{CustomID: c.Key, Method: "POST", URL: string(openai.BatchEndpointChatCompletions), Body: c.body})
		if err != nil {
			return nil, err
		}
		if _, err := p.w.Write(append(line, '\n')); err != nil {
			return nil, fmt.Errorf("%s: %w", p.path, err)
		}
	}
	return nil, ErrDeferred
}

// Abort drops the pass's queue.
func (p *BatchPass) Abort() { p.f.Abort() }

// commit writes the input file and returns its state entry.
func (p *BatchPass) commit() (*batchEntry, error) {
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
func (b *Batch) finish(ctx context.Context, e *batchEntry) error {
	client := b.c.api
	// step runs a Batch API call with retries and saves the state it
	// learnt.
	step := func(what string, op func(context.Context) error) error {
		if err := b.batchOp(ctx, what, op); err != nil {
			return err
		}
		return b.saveState()
	}
	if e.InputFileID == "" {
		data, err := os.ReadFile(filepath.Join(b.dir, e.Input))
		if err != nil {
			return fmt.Errorf("batch input: %w", err)
		}
		if err := step("upload "+e.Input, func(rctx context.Context) error {
			f, err := client.CreateFileBytes(rctx, openai.FileBytesRequest{Name: e.Input, Bytes: data, Purpose: openai.PurposeBatch})
			e.InputFileID = f.ID
			return err
		}); err != nil {
			return err
		}
	}
	if e.BatchID == "" {
		// A batch may exist already: the previous run, or a create request
		// whose answer was lost, may have made it.
		if err := step("create batch for "+e.InputFileID, func(rctx context.Context) error {
			id, err := b.findBatch(rctx, e.InputFileID)
			if err != nil || id != "" {
				e.BatchID = id
				return err
			}
			resp, err := client.CreateBatch(rctx, openai.CreateBatchRequest{
				InputFileID:      e.InputFileID,
				Endpoint:         openai.BatchEndpointChatCompletions,
				CompletionWindow: b.opts.Window,
				Metadata:         map[string]any{"occbench_runner": b.opts.Label},
			})
			e.BatchID = resp.ID
			return err
		}); err != nil {
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
	return b.saveState()
}

// batchOp runs a Batch API call with the runner's retries; a call that
// fails for good stops the run (resume continues from the saved state).
func (b *Batch) batchOp(ctx context.Context, what string, op func(context.Context) error) error {
	_, err := b.retry.run(ctx, what, 0, func(rctx context.Context, _ *exchange) error { return op(rctx) })
	if err != nil {
		return fmt.Errorf("batch: %w", err)
	}
	return nil
}

// findBatch looks for a batch made from the input file.
func (b *Batch) findBatch(ctx context.Context, fileID string) (string, error) {
	var after *string
	limit := 100
	for range 20 {
		list, err := b.c.api.ListBatch(ctx, after, &limit)
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

func (b *Batch) wait(ctx context.Context, e *batchEntry) (openai.Batch, error) {
	for {
		var batch openai.Batch
		if err := b.batchOp(ctx, "poll "+e.BatchID, func(rctx context.Context) error {
			resp, err := b.c.api.RetrieveBatch(rctx, e.BatchID)
			batch = resp.Batch
			return err
		}); err != nil {
			return batch, err
		}
		if batchDone[batch.Status] {
			return batch, nil
		}
		if err := b.c.opts.Sleep(ctx, b.opts.Poll); err != nil {
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
func (b *Batch) collect(ctx context.Context, e *batchEntry, batch openai.Batch) error {
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
			raw, err := b.c.api.GetFileContent(rctx, *f.id)
			if err != nil {
				return err
			}
			defer raw.Close()
			data, err = io.ReadAll(raw)
			return err
		}); err != nil {
			return err
		}
		data = b.c.redactBytes(data)
		if err := safefile.WriteFile(filepath.Join(b.dir, f.name), data); err != nil {
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
		b.failed[k] = b.c.Redact(why)
	}
	return nil
}

// readResults handles the lines of an output or error file, deleting the
// keys it answers from want.
func (b *Batch) readResults(e *batchEntry, data []byte, want map[string]bool) error {
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
			if err := b.c.cache.Put(r.CustomID, r.Response.Body); err != nil {
				return err
			}
			b.fresh[r.CustomID] = true
		case r.Response != nil:
			b.failed[r.CustomID] = b.c.Redact(fmt.Sprintf("batch %s: HTTP %d: %s", e.BatchID, r.Response.StatusCode, clip(string(r.Response.Body))))
		case r.Error != nil:
			b.failed[r.CustomID] = b.c.Redact(fmt.Sprintf("batch %s: %s: %s", e.BatchID, r.Error.Code, clip(r.Error.Message)))
		default:
			b.failed[r.CustomID] = "batch " + e.BatchID + ": result line " + strconv.Itoa(line) + " has neither response nor error"
		}
	}
	return sc.Err()
}

// inputKeys are the custom ids of a batch's input file.
func (b *Batch) inputKeys(e *batchEntry) (map[string]bool, error) {
	f, err := os.Open(filepath.Join(b.dir, e.Input))
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
