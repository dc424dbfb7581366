package training

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/occbench/occbench/internal/safefile"
)

// DefaultLauncher runs a LLaMA-Factory config.
const DefaultLauncher = "llamafactory-cli train"

// Files a launch writes into its run directory.
const (
	LaunchLog      = "launch.log"
	LaunchManifest = "train_manifest.json"
)

// LaunchOptions are the side effects of Launch; zero fields take the real
// thing.
type LaunchOptions struct {
	// Launcher is the command line the config path is appended to, split
	// on spaces: "llamafactory-cli train", "torchrun --nproc_per_node 8
	// src/train.py", "sbatch train.sh".
	Launcher string
	RunDir   string
	Stderr   io.Writer // the launcher's output is copied here besides launch.log
	Now      func() time.Time
	LookPath func(string) (string, error)
}

// Manifest is train_manifest.json: the provenance of one training run.
type Manifest struct {
	Command      []string      `json:"command"`
	LauncherPath string        `json:"launcher_path"`
	Config       string        `json:"config"`
	ConfigSHA256 string        `json:"config_sha256"`
	BaseModel    string        `json:"base_model"`
	Stage        string        `json:"stage,omitempty"`
	DatasetDir   string        `json:"dataset_dir,omitempty"`
	Datasets     []DatasetFile `json:"datasets"`
	OutputDir    string        `json:"output_dir"`
	RunDir       string        `json:"run_dir"`
	Log          string        `json:"log"`
	Start        time.Time     `json:"start"`
	End          *time.Time    `json:"end"`
	// Status is running, succeeded, failed (non-zero exit) or killed.
	Status     string `json:"status"`
	ExitStatus *int   `json:"exit_status"`
	Error      string `json:"error,omitempty"`
}

// DatasetFile is a dataset a config names, with the digest of its file
// when dataset_info.json resolves it to a local file.
type DatasetFile struct {
	Name   string `json:"name"`
	File   string `json:"file,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
}

// Launch runs the launcher on config, streaming its output into
// RunDir/launch.log and opts.Stderr, and records the run in
// RunDir/train_manifest.json (written when it starts and again when it
// ends, atomically each time). A launcher that cannot be found is an error
// before anything is written.
func Launch(ctx context.Context, config string, opts LaunchOptions) (*Manifest, error) {
	if opts.Launcher == "" {
		opts.Launcher = DefaultLauncher
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.LookPath == nil {
		opts.LookPath = exec.LookPath
	}
	if opts.Stderr == nil {
		opts.Stderr = io.Discard
	}
	argv := strings.Fields(opts.Launcher)
	if len(argv) == 0 {
		return nil, errors.New("train launch: --launcher is empty")
	}
	m, err := describeConfig(config)
	if err != nil {
		return nil, err
	}
	bin, err := opts.LookPath(argv[0])
	if err != nil {
		return nil, fmt.Errorf("train launch: launcher %q not found (%v): install LLaMA-Factory (pip install llamafactory) or name another command with --launcher", argv[0], err)
	}
	if opts.RunDir == "" {
		opts.RunDir = DefaultRunDir(config, m.OutputDir)
	}
	m.RunDir = opts.RunDir
	m.Command = append(argv, config)
	m.LauncherPath = bin
	m.Log = LaunchLog
	m.Start = opts.Now().UTC()
	m.Status = "running"
	if err := os.MkdirAll(opts.RunDir, 0o755); err != nil {
		return nil, fmt.Errorf("train launch: %w", err)
	}
	logf, err := os.OpenFile(filepath.Join(opts.RunDir, LaunchLog), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("train launch: %w", err)
	}
	defer logf.Close()
	if err := writeManifest(opts.RunDir, m); err != nil {
		return nil, err
	}
	fmt.Fprintf(logf, "=== occbench train launch %s: %s\n", m.Start.Format(time.RFC3339), strings.Join(m.Command, " "))

	cmd := exec.CommandContext(ctx, bin, append(argv[1:], config)...)
	out := io.MultiWriter(logf, opts.Stderr)
	cmd.Stdout, cmd.Stderr = out, out
	runErr := cmd.Run()
	end := opts.Now().UTC()
	m.End = &end
	code := 0
	var ee *exec.ExitError
	switch {
	case runErr == nil:
		m.Status = "succeeded"
	case ctx.Err() != nil:
		m.Status, m.Error = "killed", ctx.Err().Error()
		code = -1
	case errors.As(runErr, &ee):
		code = ee.ExitCode()
		m.Status, m.Error = "failed", runErr.Error()
	default:
		code = -1
		m.Status, m.Error = "failed", runErr.Error()
	}
	m.ExitStatus = &code
	if err := logf.Sync(); err != nil {
		return m, fmt.Errorf("train launch: %s: %w", LaunchLog, err)
	}
	if err := writeManifest(opts.RunDir, m); err != nil {
		return m, err
	}
	if m.Status != "succeeded" {
		return m, fmt.Errorf("train launch: %s %s (log in %s)", argv[0], m.Error, filepath.Join(opts.RunDir, LaunchLog))
	}
	return m, nil
}

// DefaultRunDir is where a launch records itself when no run directory is
// given: runs/train/ followed by the config's output_dir (so that the
// configs of different backbones and sizes, which share file names, do not
// collide), or by the config's name without output_dir.
func DefaultRunDir(config, outputDir string) string {
	rel := strings.TrimSuffix(filepath.Base(config), filepath.Ext(config))
	if outputDir != "" {
		rel = strings.TrimLeft(filepath.Clean(outputDir), `/\.`)
		if vol := filepath.VolumeName(rel); vol != "" {
			rel = strings.TrimLeft(rel[len(vol):], `/\`)
		}
	}
	return filepath.Join("runs", "train", rel)
}

func writeManifest(dir string, m *Manifest) error {
	if err := safefile.WriteJSON(filepath.Join(dir, LaunchManifest), m); err != nil {
		return fmt.Errorf("train launch: %w", err)
	}
	return nil
}

// describeConfig reads what the manifest records from a LLaMA-Factory
// config: its digest, base model, stage, output directory and the digests
// of its local dataset files.
func describeConfig(config string) (*Manifest, error) {
	data, err := os.ReadFile(config)
	if err != nil {
		return nil, fmt.Errorf("train launch: %w", err)
	}
	var c struct {
		Model      string `yaml:"model_name_or_path"`
		Stage      string `yaml:"stage"`
		Dataset    string `yaml:"dataset"`
		DatasetDir string `yaml:"dataset_dir"`
		OutputDir  string `yaml:"output_dir"`
	}
	if err := yaml.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("train launch: %s: %w", config, err)
	}
	if c.Model == "" {
		return nil, fmt.Errorf("train launch: %s: no model_name_or_path", config)
	}
	m := &Manifest{Config: config, ConfigSHA256: sha256Hex(data), BaseModel: c.Model, Stage: c.Stage,
		DatasetDir: c.DatasetDir, OutputDir: c.OutputDir, Datasets: []DatasetFile{}}
	dir := c.DatasetDir
	if dir == "" {
		dir = "data" // LLaMA-Factory's default
	}
	var info map[string]struct {
		FileName string `json:"file_name"`
	}
	if b, err := os.ReadFile(filepath.Join(dir, DatasetInfoFile)); err == nil {
		if err := json.Unmarshal(b, &info); err != nil {
			return nil, fmt.Errorf("train launch: %s: %w", filepath.Join(dir, DatasetInfoFile), err)
		}
	}
	for _, name := range strings.Split(c.Dataset, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		d := DatasetFile{Name: name}
		if e, ok := info[name]; ok && e.FileName != "" {
			d.File = filepath.Join(dir, e.FileName)
			b, err := os.ReadFile(d.File)
			if err != nil {
				return nil, fmt.Errorf("train launch: dataset %s: %w", name, err)
			}
			d.SHA256 = sha256Hex(b)
		}
		m.Datasets = append(m.Datasets, d)
	}
	return m, nil
}
