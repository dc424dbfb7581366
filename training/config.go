package training

import (
	"fmt"
	"path"
	"strconv"
	"strings"
)

// The paper's training settings (§6) and those of the LLaMA-Factory
// configs released with it.
const (
	DeepSpeedConfig = "examples/deepspeed/ds_z3_config.json" // ZeRO-3, a path inside a LLaMA-Factory checkout
	CutoffLen       = 2048
	SFTLearningRate = "2.0e-5"
	SFTEpochs       = 8
	SFTBatch        = 8
	DPOLearningRate = "5.0e-6"
	DPOBatch        = 2
	DPOGradAccum    = 4
	DPOBeta         = 0.1
)

// OutputDir is where a config's checkpoint goes: SAVES/<backbone>/<size>/<task>.
func OutputDir(saves string, b Backbone, n int, task string) string {
	return path.Join(saves, b.Name, sizeName(n), task)
}

// configYAML is the LLaMA-Factory training config of one task, written by
// hand so that the key order and number formats never change.
func configYAML(b Backbone, t task, n int, datasetDir string, cfg ExportConfig) string {
	var w strings.Builder
	line := func(format string, a ...any) { fmt.Fprintf(&w, format+"\n", a...) }
	line("# occbench train export: %s on %s, %s users", t.name, b.Model, sizeLabel(n))
	line("")
	line("### model")
	if t.stage == "dpo" {
		line("# DPO continues from the SFT checkpoint of the same task (paper §5).")
		line("model_name_or_path: %s", OutputDir(cfg.SavesDir, b, n, t.sftRef))
	} else {
		line("model_name_or_path: %s", b.Model)
	}
	line("trust_remote_code: true")
	line("")
	line("### method")
	line("stage: %s", t.stage)
	line("do_train: true")
	line("finetuning_type: full")
	line("deepspeed: %s", DeepSpeedConfig)
	if t.stage == "dpo" {
		line("pref_beta: %s", strconv.FormatFloat(DPOBeta, 'f', -1, 64))
		line("pref_loss: sigmoid")
	}
	line("")
	line("### dataset")
	line("dataset_dir: %s", yamlString(datasetDir))
	line("dataset: %s", datasetName(t.name, n))
	line("template: %s", b.Template)
	line("cutoff_len: %d", CutoffLen)
	line("overwrite_cache: true")
	line("preprocessing_num_workers: 16")
	line("dataloader_num_workers: 4")
	line("")
	line("### output")
	line("output_dir: %s", yamlString(OutputDir(cfg.SavesDir, b, n, t.name)))
	line("logging_steps: 5")
	if t.stage == "dpo" || t.name == "sft_predictor" {
		line("save_steps: 50")
	} else {
		line("save_steps: 100")
	}
	line("plot_loss: true")
	line("overwrite_output_dir: true")
	line("save_only_model: false")
	line("report_to: none")
	line("")
	line("### train")
	if t.stage == "dpo" {
		line("per_device_train_batch_size: %d", DPOBatch)
		line("gradient_accumulation_steps: %d", DPOGradAccum)
		line("learning_rate: %s", DPOLearningRate)
		line("# The paper (§6) says 5 epochs; its released configs say 2.")
		line("num_train_epochs: %s", formatEpochs(cfg.DPOEpochs))
	} else {
		line("per_device_train_batch_size: %d", SFTBatch)
		line("gradient_accumulation_steps: 1")
		line("learning_rate: %s", SFTLearningRate)
		line("num_train_epochs: %s", formatEpochs(SFTEpochs))
	}
	line("lr_scheduler_type: cosine")
	line("warmup_ratio: 0.1")
	line("bf16: true")
	line("ddp_timeout: 180000000")
	return w.String()
}

func sizeLabel(n int) string {
	if n == 0 {
		return "all"
	}
	return strconv.Itoa(n)
}

// formatEpochs writes 8 as 8.0, as LLaMA-Factory's examples do.
func formatEpochs(e float64) string {
	s := strconv.FormatFloat(e, 'f', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}

// yamlString quotes a value only when plain YAML would misread it.
func yamlString(s string) string {
	if s == "" || strings.ContainsAny(s, ":#'\"{}[],&*!|>%@`\n") || strings.TrimSpace(s) != s {
		return strconv.Quote(s)
	}
	return s
}
