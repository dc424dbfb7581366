package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/occbench/occbench/rundir"
	"github.com/occbench/occbench/runners"
)

func newRunCmd() *cobra.Command {
	var suitePath string
	var opts runners.Options
	var resume, shard string
	cmd := &cobra.Command{
		Use:   "run --suite FILE [--out DIR] [--only NAME...] [--limit N] [--shard K/N] [--models DIR] | --resume DIR",
		Short: "Run a suite's runners over its test set and score them",
		Long: `Run trains or prepares each runner of the suite, predicts every test user,
appends each prediction to DIR/predictions/<runner>.jsonl as soon as it is
done, and writes DIR/manifest.json and DIR/scores.json.

--resume DIR continues an interrupted run (the suite is read from its
manifest unless --suite is given): users already recorded are skipped,
and with --retry-errors users recorded with an error are redone.

LLM runners (kind llm) cache every answer under the suite's cache
directory (default: .occbench-cache beside the run directory), so a rerun
or a resumed run never sends a request whose answer is on disk; a run
using the OpenAI Batch API (batch: true) resumes by collecting the batch
it submitted. API keys are read from the variables the suite names and
are written nowhere.

--shard K/N predicts only shard K of N of the test users (those whose
user id hashes to K; with --limit L, of the first L users) into its own
run directory; occbench merge joins the N shards into one run. K or N may
name an environment variable: --shard '$SLURM_ARRAY_TASK_ID/8'. --models
MODELS keeps trained models in MODELS instead of DIR/models: shards that
share it train each model once.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if resume != "" {
				opts.Resume, opts.Out = true, resume
			}
			if cmd.Flags().Changed("only") && len(opts.Only) == 0 {
				return errors.New(`--only "": name the runners to run`)
			}
			if shard != "" {
				var err error
				if opts.Shard, err = rundir.ParseShard(shard, os.LookupEnv); err != nil {
					return err
				}
			}
			if err := opts.Check(); err != nil {
				return err
			}
			if resume != "" {
				if suitePath == "" {
					m, err := rundir.ReadManifest(filepath.Join(resume, rundir.ManifestFile))
					if err != nil {
						return fmt.Errorf("--resume %s: %w", resume, err)
					}
					suitePath = m.SuiteFile
				}
			}
			if suitePath == "" {
				return fmt.Errorf("--suite is required")
			}
			s, err := rundir.LoadSuite(suitePath)
			if err != nil {
				return err
			}
			if abs, err := filepath.Abs(suitePath); err == nil {
				opts.SuiteFile = abs
			}
			opts.Stderr = cmd.ErrOrStderr()
			opts.Version = version()
			dir := opts.Out
			if dir == "" {
				dir = s.Out
			}
			scores, err := runners.Run(cmd.Context(), s, opts)
			if cmd.Context().Err() != nil && errors.Is(err, context.Canceled) {
				return &exitError{130, fmt.Errorf("interrupted: continue with occbench run --resume %s", dir)}
			}
			if scores != nil {
				if werr := writeRunScores(cmd.OutOrStdout(), dir, scores); werr != nil {
					return werr
				}
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&suitePath, "suite", "", "suite file (YAML)")
	f.StringVar(&opts.Out, "out", "", "run directory (default: the suite's out)")
	f.StringSliceVar(&opts.Only, "only", nil, "run only these runners (repeat or comma-separate)")
	f.IntVar(&opts.Limit, "limit", 0, "predict only the first N test users")
	f.StringVar(&shard, "shard", "", "predict only shard K of N of the test users (K/N; K or N may be $VAR)")
	f.StringVar(&opts.ModelDir, "models", "", "directory of trained models, shared by the shards of a run (default: DIR/models)")
	f.StringVar(&resume, "resume", "", "continue the run in this directory")
	f.BoolVar(&opts.RetryErrors, "retry-errors", false, "with --resume, redo users recorded with an error")
	f.BoolVar(&opts.Fresh, "fresh", false, "start over in a directory that holds a run (trained models are kept)")
	f.BoolVar(&opts.Retrain, "retrain", false, "train models even when a cached one matches")
	return cmd
}

func newRescoreCmd() *cobra.Command {
	var testPath string
	cmd := &cobra.Command{
		Use:   "rescore RUN_DIR",
		Short: "Score a run again from its prediction records and rewrite scores.json",
		Long: `Rescore reads the run's manifest, its test set and every runner's
predictions/<runner>.jsonl, scores them with the run's protocol and seed,
writes DIR/scores.json and prints the scores. occbench report does the same
in memory whenever scores.json is missing or older than a predictions file.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			man, err := rundir.ReadManifest(filepath.Join(dir, rundir.ManifestFile))
			if err != nil {
				return err
			}
			_, test, err := rundir.ReadTestTargets(dir, man, testPath)
			if err != nil {
				return err
			}
			unlock, err := rundir.Lock(dir)
			if err != nil {
				return err
			}
			defer unlock()
			scores, err := rundir.Rescore(dir, man, test)
			if err != nil {
				return err
			}
			if err := scores.Write(filepath.Join(dir, rundir.ScoresFile)); err != nil {
				return err
			}
			return writeRunScores(cmd.OutOrStdout(), dir, scores)
		},
	}
	cmd.Flags().StringVar(&testPath, "test", "", "the run's test set, if it has moved since the run (its digest must match)")
	return cmd
}
