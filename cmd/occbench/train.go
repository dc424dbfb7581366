package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/reasons"
	"github.com/occbench/occbench/training"
)

func newTrainCmd() *cobra.Command {
	return group("train", "Build LLaMA-Factory datasets and configs, and launch the training", newTrainExportCmd(), newTrainLaunchCmd())
}

func newTrainExportCmd() *cobra.Command {
	cfg := training.DefaultExport
	var oracle, judged, out, backbones, sizes string
	cmd := &cobra.Command{
		Use:   "export --oracle ORACLE.arrow -o DIR",
		Short: "Write LLaMA-Factory datasets (SFT and DPO) and training configs from an oracle set",
		Long: `Write a LLaMA-Factory dataset directory from an oracle set (occbench oracle):
DIR/dataset_info.json, one JSON file per dataset (alpaca format; DPO sets
with "ranking": true and chosen/rejected), DIR/configs/<backbone>/<size>/<task>.yaml
with the paper's settings, and DIR/export.json. The datasets are joint SFT
(history → <think>reason</think> <answer>title</answer>), reasoner SFT,
predictor SFT (history and reason → answer), direct SFT, and DPO for the
joint model and the reasoner (users with a correct and an incorrect attempt).
When the users have target paths of K jobs, direct path SFT data besides
(the path prompt → a numbered list of the K true occupation titles).
Each instruction is the prompt the llm runner sends at inference. With
--judged, only users whose oracle reason the judge scored at least
--threshold on every dimension are kept. The same input gives the same bytes.`,
		Example: "  occbench train export --oracle oracle.arrow -o lf\n" +
			"  occbench train export --oracle oracle.arrow --judged judge.jsonl --backbone qwen3-1.7b,qwen3-4b,qwen3-8b,llama3.1-8b --train-sizes 100,1000,all -o lf",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if cfg.TrainSizes, err = training.ParseTrainSizes(sizes); err != nil {
				return fmt.Errorf("train export: %w", err)
			}
			cfg.Backbones = splitList(backbones)
			in := training.ExportInput{}
			if in.Oracle, _, err = bench.ReadAll(oracle); err != nil {
				return fmt.Errorf("train export: %w", err)
			}
			if in.OracleSHA256, err = training.FileSHA256(oracle); err != nil {
				return fmt.Errorf("train export: %w", err)
			}
			if judged != "" {
				if in.Judged, err = reasons.ReadJudgeRecords(judged); err != nil {
					return fmt.Errorf("train export: %w", err)
				}
				in.HaveJudged = true
			}
			sum, err := training.Export(out, in, cfg)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "users\t%d of %d oracle users", sum.Users, sum.OracleUsers)
			if sum.JudgeFiltered {
				fmt.Fprintf(w, " (judge threshold %d)", sum.Threshold)
			}
			fmt.Fprintf(w, "\ndpo users\t%d\n", sum.DPOUsers)
			for _, d := range sum.Datasets {
				fmt.Fprintf(w, "dataset\t%s\t%d rows\n", d.Name, d.Rows)
			}
			_, err = fmt.Fprintf(w, "wrote\t%s (%d configs under %s)\n", filepath.Join(out, training.DatasetInfoFile), len(sum.Configs), filepath.Join(out, training.ConfigDir))
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&oracle, "oracle", "", "oracle set (Arrow or Parquet) written by occbench oracle")
	f.StringVar(&judged, "judged", "", "judge JSONL (occbench judge) to filter the oracle reasons by")
	f.IntVar(&cfg.Threshold, "threshold", cfg.Threshold, "with --judged: minimum score on every dimension")
	f.StringVarP(&out, "out", "o", "", "output directory")
	f.Float64Var(&cfg.DPOEpochs, "epochs-dpo", cfg.DPOEpochs, "DPO epochs (the released configs say 2, the paper 5)")
	f.StringVar(&backbones, "backbone", strings.Join(cfg.Backbones, ","), "base models, comma-separated: qwen3-1.7b, qwen3-4b, qwen3-8b, llama3.1-8b")
	f.StringVar(&sizes, "train-sizes", "all", "training set sizes in users, comma-separated (all: every user); subsets are seeded and nested")
	f.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "seed of the subsets and the DPO pairs")
	f.StringVar(&cfg.DatasetDir, "dataset-dir", "", "dataset_dir written in the configs (default: the absolute path of -o)")
	f.StringVar(&cfg.SavesDir, "saves", cfg.SavesDir, "root of the configs' output_dir")
	markRequired(cmd, "oracle", "out")
	return cmd
}

func newTrainLaunchCmd() *cobra.Command {
	opts := training.LaunchOptions{Launcher: training.DefaultLauncher}
	cmd := &cobra.Command{
		Use:   "launch CONFIG",
		Short: "Run the training launcher on a config and record its provenance",
		Long: `Run the launcher (default "llamafactory-cli train") with CONFIG appended,
stream its output into RUN/launch.log and stderr, and record the run in
RUN/train_manifest.json: command, base model, config and dataset digests,
output directory, start, end and exit status. The manifest is written
atomically when the run starts (status "running") and when it ends. A
launcher that is not installed is an error before anything is written.`,
		Example: "  occbench train launch lf/configs/qwen3-8b/all/sft_joint.yaml --run runs/sft_joint\n" +
			"  occbench train launch cfg.yaml --launcher \"torchrun --nproc_per_node 8 src/train.py\"",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Stderr = cmd.ErrOrStderr()
			m, err := training.Launch(cmd.Context(), args[0], opts)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s: %s, %s\n", m.Status, filepath.Join(m.RunDir, training.LaunchManifest), m.End.Sub(m.Start).Round(1e6))
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Launcher, "launcher", opts.Launcher, "command the config path is appended to")
	f.StringVar(&opts.RunDir, "run", "", "run directory (default runs/train/<the config's output_dir>)")
	return cmd
}

// splitList reads "a,b, c".
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
