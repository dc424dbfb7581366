package training

import (
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"
)

// Every config is valid YAML with the paper's settings, typed as
// LLaMA-Factory reads them.
func TestConfigsParse(t *testing.T) {
	dir := t.TempDir()
	cfg := DefaultExport
	cfg.Backbones = []string{"qwen3-8b", "llama3.1-8b"}
	sum, err := Export(dir, ExportInput{Oracle: oracleSet()}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Configs) != 12 {
		t.Fatalf("%d configs, want 12", len(sum.Configs))
	}
	for _, rel := range sum.Configs {
		b, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		var c map[string]any
		if err := yaml.Unmarshal(b, &c); err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		stage := c["stage"].(string)
		want := map[string]any{
			"finetuning_type": "full", "deepspeed": DeepSpeedConfig, "cutoff_len": 2048,
			"lr_scheduler_type": "cosine", "warmup_ratio": 0.1, "bf16": true,
		}
		if stage == "sft" {
			want["learning_rate"], want["num_train_epochs"], want["per_device_train_batch_size"], want["gradient_accumulation_steps"] = 2e-5, 8.0, 8, 1
		} else {
			want["learning_rate"], want["num_train_epochs"], want["per_device_train_batch_size"], want["gradient_accumulation_steps"] = 5e-6, 2.0, 2, 4
			want["pref_beta"], want["pref_loss"] = 0.1, "sigmoid"
		}
		for k, v := range want {
			if c[k] != v {
				t.Errorf("%s: %s = %#v, want %#v", rel, k, c[k], v)
			}
		}
		tmpl := map[bool]string{true: "llama3", false: "qwen3"}[filepath.Base(filepath.Dir(filepath.Dir(rel))) == "llama3.1-8b"]
		if c["template"] != tmpl {
			t.Errorf("%s: template %v, want %s", rel, c["template"], tmpl)
		}
	}
}
