package training

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/occbench/occbench/internal/fixture"
)

// standIn writes a launcher script that prints its arguments and exits
// with code.
func standIn(t *testing.T, code string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fake-llamafactory")
	script := "#!/bin/sh\necho \"training $*\"\necho \"step 1 loss 0.5\" >&2\nexit " + code + "\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// exported writes an export and returns the path of its joint SFT config.
func exported(t *testing.T) (dir, config string) {
	t.Helper()
	dir = t.TempDir()
	cfg := DefaultExport
	cfg.DatasetDir = dir
	if _, err := Export(dir, ExportInput{Oracle: oracleSet()}, cfg); err != nil {
		t.Fatal(err)
	}
	return dir, filepath.Join(dir, "configs", "qwen3-8b", "all", "sft_joint.yaml")
}

func TestLaunch(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh")
	}
	cases := []struct {
		name, code, status string
		exit               int
	}{
		{"ok", "0", "succeeded", 0},
		{"fails", "3", "failed", 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir, config := exported(t)
			run := filepath.Join(t.TempDir(), "run")
			var stderr strings.Builder
			clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			now := func() time.Time { clock = clock.Add(time.Minute); return clock }
			m, err := Launch(context.Background(), config, LaunchOptions{
				Launcher: standIn(t, tc.code) + " train", RunDir: run, Stderr: &stderr, Now: now})
			if (err != nil) != (tc.exit != 0) {
				t.Fatalf("err %v", err)
			}
			var got Manifest
			readJSON(t, filepath.Join(run, LaunchManifest), &got)
			if got.Status != tc.status || got.ExitStatus == nil || *got.ExitStatus != tc.exit {
				t.Fatalf("manifest status %s exit %v, want %s %d", got.Status, got.ExitStatus, tc.status, tc.exit)
			}
			if got.BaseModel != "Qwen/Qwen3-8B" || got.OutputDir != "saves/qwen3-8b/all/sft_joint" || got.Stage != "sft" {
				t.Errorf("manifest %+v", got)
			}
			sum, _ := FileSHA256(config)
			if got.ConfigSHA256 != sum {
				t.Errorf("config digest %s, want %s", got.ConfigSHA256, sum)
			}
			data, _ := FileSHA256(filepath.Join(dir, "occp_sft_joint.json"))
			if len(got.Datasets) != 1 || got.Datasets[0].SHA256 != data {
				t.Errorf("datasets %+v, want occp_sft_joint with digest %s", got.Datasets, data)
			}
			if got.End == nil || !got.End.After(got.Start) {
				t.Errorf("start %v end %v", got.Start, got.End)
			}
			if got.Command[len(got.Command)-2] != "train" || got.Command[len(got.Command)-1] != config {
				t.Errorf("command %v", got.Command)
			}
			log, err := os.ReadFile(filepath.Join(run, LaunchLog))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range []string{"training train " + config, "step 1 loss 0.5"} {
				if !strings.Contains(string(log), w) || !strings.Contains(stderr.String(), w) {
					t.Errorf("%q missing from the log or stderr:\n%s", w, log)
				}
			}
			_ = m
		})
	}
}

func TestLaunchMissingLauncher(t *testing.T) {
	_, config := exported(t)
	run := filepath.Join(t.TempDir(), "run")
	_, err := Launch(context.Background(), config, LaunchOptions{Launcher: "no-such-launcher-occbench train", RunDir: run})
	if err == nil || !strings.Contains(err.Error(), "not found") {
		t.Fatalf("error %v, want a plain not-found error", err)
	}
	if _, serr := os.Stat(run); !os.IsNotExist(serr) {
		t.Fatalf("the run directory was created (%v): nothing may be written", serr)
	}
}

func TestLaunchBadConfig(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.yaml")
	fixture.Write(t, p, "stage: sft\n")
	if _, err := Launch(context.Background(), p, LaunchOptions{Launcher: "sh", RunDir: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "model_name_or_path") {
		t.Fatalf("error %v", err)
	}
	var m Manifest
	if err := json.Unmarshal([]byte(`{"status":"running","exit_status":null}`), &m); err != nil || m.ExitStatus != nil {
		t.Fatal("a running manifest must read with a null exit status")
	}
}

func TestDefaultRunDir(t *testing.T) {
	cases := []struct{ config, out, want string }{
		{"lf/configs/qwen3-8b/all/sft_joint.yaml", "saves/qwen3-8b/all/sft_joint", "runs/train/saves/qwen3-8b/all/sft_joint"},
		{"x.yaml", "/abs/ckpt", "runs/train/abs/ckpt"},
		{"x.yaml", "../up", "runs/train/up"},
		{"dir/x.yml", "", "runs/train/x"},
	}
	for _, tc := range cases {
		if got := filepath.ToSlash(DefaultRunDir(tc.config, tc.out)); got != tc.want {
			t.Errorf("DefaultRunDir(%q, %q) = %q, want %q", tc.config, tc.out, got, tc.want)
		}
	}
}
