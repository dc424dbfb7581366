package runners

import (
	"context"
	"errors"
	"path/filepath"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/llm"
	"github.com/occbench/occbench/rundir"
)

// llmBatchRunner sends an llm runner's requests through the OpenAI Batch
// API (llm.Batch), keeping its state in batches/<runner>/ of the run
// directory. The predictions are built from the request cache exactly as
// the chat backend builds them.
type llmBatchRunner struct {
	*llmRunner
	batch *llm.Batch
}

// BatchSize is the number of users the engine hands over at once. A
// two-model runner sends two batches per chunk (reasoner, then predictor).
func (b *llmBatchRunner) BatchSize() int { return b.s.BatchSize }

// Prepare makes the clients and the batch.
func (b *llmBatchRunner) Prepare(ctx context.Context, env *Env) error {
	if err := b.llmRunner.Prepare(ctx, env); err != nil {
		return err
	}
	var err error
	b.batch, err = b.main.NewBatch(filepath.Join(env.RunDir, "batches", b.name), llm.BatchOptions{
		Poll: b.s.BatchPoll.D(), Window: b.s.CompletionWindow, Label: b.name,
	})
	return err
}

// PredictBatch predicts a chunk of users. Each pass builds every user's
// calls against the cache; the calls it cannot answer go into one batch.
// Two-model runners need two passes with a batch (reasoner, predictor),
// the others one.
func (b *llmBatchRunner) PredictBatch(ctx context.Context, exs []*bench.Example) ([]rundir.Prediction, error) {
	if err := b.batch.Resume(ctx); err != nil {
		return nil, err
	}
	for round := 0; ; round++ {
		pass, err := b.batch.Pass()
		if err != nil {
			return nil, err
		}
		preds := make([]rundir.Prediction, len(exs))
		var waiting []int
		for i, ex := range exs {
			preds[i], err = b.predict(ctx, ex, pass)
			if errors.Is(err, llm.ErrDeferred) {
				waiting = append(waiting, i)
			} else if err != nil {
				pass.Abort()
				return nil, err
			}
		}
		// Each pass answers at least one more call per user; a user still
		// waiting after three batches means the batches keep losing it.
		if len(waiting) == 0 || round == 3 {
			pass.Abort()
			for _, i := range waiting {
				preds[i] = rundir.Prediction{Attempt: b.s.Attempt, Mapping: "none", Error: "batch: no answer after 3 batches"}
			}
			return preds, nil
		}
		if err := pass.Submit(ctx); err != nil {
			return nil, err
		}
	}
}
