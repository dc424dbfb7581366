// Package training turns an oracle set into what LLaMA-Factory trains on
// (dataset files, dataset_info.json and YAML configs with the paper's
// settings) and launches the training, recording its provenance.
//
// It writes files for another tool and runs it; it never calls a model.
// It imports bench (the oracle set), prompt (the very prompts the runners
// send, so that training and inference see the same text) and reasons (the
// judge's verdicts that filter the oracle reasons).
package training

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/internal/safefile"
	"github.com/occbench/occbench/prompt"
	"github.com/occbench/occbench/reasons"
)

// A task is one dataset the paper trains on.
type task struct {
	name   string // file and dataset name part: sft_joint, dpo_reasoner, …
	stage  string // sft or dpo
	role   string // the runners prompt role of its instruction
	sftRef string // dpo: the SFT task whose checkpoint it starts from
	path   bool   // the path prompt of a run with a horizon: the answer is the next K occupations
}

// pathTask is direct SFT on paths, exported when the users have target
// paths: the direct path prompt (prompt.RolePrompts.RenderPath) and, as the
// answer, the numbered list of the K true occupation titles. Only the
// direct mode has path data: the oracle reasons explain the next job, not
// a path, so they cannot be the reasoning of a path answer.
var pathTask = task{name: "sft_direct_path", stage: "sft", role: prompt.RoleDirect, path: true}

// exportTasks are the tasks of an export whose users have target paths of
// horizon jobs (0: none).
func exportTasks(horizon int) []task {
	if horizon < 2 {
		return tasks
	}
	return append(slices.Clone(tasks), pathTask)
}

// pathHorizon is the horizon of the path data: the shortest target path of
// the users when every one of them has at least two jobs in it, else 0.
func pathHorizon(users []*bench.Example) int {
	k := 0
	for i, ex := range users {
		if h := ex.Horizon(); i == 0 || h < k {
			k = h
		}
	}
	if k < 2 {
		return 0
	}
	return k
}

// tasks in a fixed order: the order of files, dataset_info keys and configs.
var tasks = []task{
	{name: "sft_joint", stage: "sft", role: prompt.RoleJoint},
	{name: "sft_reasoner", stage: "sft", role: prompt.RoleReasoner},
	{name: "sft_predictor", stage: "sft", role: prompt.RolePredictor},
	{name: "sft_direct", stage: "sft", role: prompt.RoleDirect},
	{name: "dpo_joint", stage: "dpo", role: prompt.RoleJoint, sftRef: "sft_joint"},
	{name: "dpo_reasoner", stage: "dpo", role: prompt.RoleReasoner, sftRef: "sft_reasoner"},
}

// Backbone is a base model of the scaling study.
type Backbone struct {
	Name     string // the short name used in paths: qwen3-8b
	Model    string // the Hugging Face id
	Template string // LLaMA-Factory's chat template
}

// Backbones are the paper's base models (§6 and the scaling study).
var Backbones = []Backbone{
	{"qwen3-1.7b", "Qwen/Qwen3-1.7B", "qwen3"},
	{"qwen3-4b", "Qwen/Qwen3-4B", "qwen3"},
	{"qwen3-8b", "Qwen/Qwen3-8B", "qwen3"},
	{"llama3.1-8b", "meta-llama/Llama-3.1-8B-Instruct", "llama3"},
}

// ExportConfig are the knobs of Export.
type ExportConfig struct {
	Backbones  []string // names from Backbones
	TrainSizes []int    // users per training set; 0 is all of them
	DPOEpochs  float64
	Seed       uint64
	// Threshold applies to Judged: a user is kept only if the judge gave
	// their oracle reason at least Threshold on every dimension.
	Threshold int
	// DatasetDir is written as dataset_dir in the configs; "" is the
	// absolute path of the output directory.
	DatasetDir string
	// SavesDir is the root of the configs' output_dir.
	SavesDir string
}

// DefaultExport are the paper's settings: Qwen3-8B on all users, DPO for
// the released configs' 2 epochs.
var DefaultExport = ExportConfig{
	Backbones:  []string{"qwen3-8b"},
	TrainSizes: []int{0},
	DPOEpochs:  2,
	Seed:       1,
	Threshold:  4,
	SavesDir:   "saves",
}

// ExportInput is the oracle set and, optionally, the judge's verdicts on it.
type ExportInput struct {
	Oracle       []*bench.Example
	OracleSHA256 string // digest of the oracle file, recorded in export.json
	Judged       []reasons.JudgeRecord
	HaveJudged   bool
}

// ExportSummary is export.json: what was written and from what.
type ExportSummary struct {
	Oracle        string            `json:"oracle_sha256,omitempty"`
	OracleUsers   int               `json:"oracle_users"`
	JudgeFiltered bool              `json:"judge_filtered"`
	Threshold     int               `json:"threshold,omitempty"`
	Users         int               `json:"users"` // after the judge filter
	DPOUsers      int               `json:"dpo_users"`
	Seed          uint64            `json:"seed"`
	Prompts       map[string]string `json:"prompts"` // role → template sha256; direct_path for path data
	HistoryFormat string            `json:"history_format"`
	// Horizon is K of the path data (sft_direct_path), absent without it.
	Horizon  int            `json:"horizon,omitempty"`
	Datasets []DatasetCount `json:"datasets"`
	Configs  []string       `json:"configs"`
}

// DatasetCount is one dataset file and its rows.
type DatasetCount struct {
	Name string `json:"name"`
	File string `json:"file"`
	Rows int    `json:"rows"`
}

// File names inside the export directory.
const (
	DatasetInfoFile = "dataset_info.json"
	SummaryFile     = "export.json"
	ConfigDir       = "configs"
)

type sftRow struct {
	Instruction string `json:"instruction"`
	Input       string `json:"input"`
	Output      string `json:"output"`
}

type dpoRow struct {
	Instruction string `json:"instruction"`
	Input       string `json:"input"`
	Chosen      string `json:"chosen"`
	Rejected    string `json:"rejected"`
}

// Export writes the LLaMA-Factory dataset directory dir. The same input
// and config give byte-identical files.
func Export(dir string, in ExportInput, cfg ExportConfig) (*ExportSummary, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	users, err := keptUsers(in, cfg.Threshold)
	if err != nil {
		return nil, err
	}
	if len(users) == 0 {
		return nil, errors.New("train export: no user left to train on (no oracle reason, or none passed the judge)")
	}
	sizes := make([]int, 0, len(cfg.TrainSizes))
	for _, n := range cfg.TrainSizes {
		if n > len(users) {
			return nil, fmt.Errorf("train export: --train-sizes %d: only %d users have an oracle reason", n, len(users))
		}
		sizes = append(sizes, n)
	}
	rp, err := prompt.NewRolePrompts()
	if err != nil {
		return nil, err
	}
	sum := &ExportSummary{
		Oracle: in.OracleSHA256, OracleUsers: len(in.Oracle), JudgeFiltered: in.HaveJudged,
		Users: len(users), Seed: cfg.Seed, Prompts: map[string]string{}, HistoryFormat: prompt.HistoryFormat,
	}
	if in.HaveJudged {
		sum.Threshold = cfg.Threshold
	}
	for _, role := range []string{prompt.RoleJoint, prompt.RoleReasoner, prompt.RolePredictor, prompt.RoleDirect} {
		sum.Prompts[role] = rp.Template(role).SHA256
	}
	sum.Horizon = pathHorizon(users)
	if sum.Horizon > 0 {
		sum.Prompts[prompt.RoleDirect+"_path"] = rp.PathTemplate(prompt.RoleDirect).SHA256
	}
	ts := exportTasks(sum.Horizon)
	for _, ex := range users {
		if _, _, ok := PreferencePair(ex, cfg.Seed); ok {
			sum.DPOUsers++
		}
	}
	// One seeded permutation: each smaller training set is a prefix of it,
	// so 100 ⊂ 1,000 ⊂ all, and a subset keeps the oracle file's order.
	perm := rand.New(rand.NewPCG(cfg.Seed, 0x6f63636265)).Perm(len(users))
	info := map[string]any{}
	for _, n := range sizes {
		sub := users
		if n > 0 {
			pick := slices.Clone(perm[:n])
			slices.Sort(pick)
			sub = make([]*bench.Example, n)
			for i, j := range pick {
				sub[i] = users[j]
			}
		}
		for _, t := range ts {
			name := datasetName(t.name, n)
			file := name + ".json"
			rows, _, err := buildRows(rp, t, sub, cfg.Seed, sum.Horizon)
			if err != nil {
				return nil, err
			}
			if err := safefile.WriteJSON(filepath.Join(dir, file), rows); err != nil {
				return nil, err
			}
			info[name] = datasetEntry(file, t.stage == "dpo")
			sum.Datasets = append(sum.Datasets, DatasetCount{Name: name, File: file, Rows: rowCount(rows)})
		}
	}
	if err := safefile.WriteJSON(filepath.Join(dir, DatasetInfoFile), info); err != nil {
		return nil, err
	}
	dsDir := cfg.DatasetDir
	if dsDir == "" {
		if dsDir, err = filepath.Abs(dir); err != nil {
			return nil, err
		}
	}
	for _, bname := range cfg.Backbones {
		b, _ := backbone(bname)
		for _, n := range sizes {
			for _, t := range ts {
				rel := filepath.Join(ConfigDir, b.Name, sizeName(n), t.name+".yaml")
				text := configYAML(b, t, n, dsDir, cfg)
				if err := safefile.WriteFile(filepath.Join(dir, rel), []byte(text)); err != nil {
					return nil, err
				}
				sum.Configs = append(sum.Configs, filepath.ToSlash(rel))
			}
		}
	}
	if err := safefile.WriteJSON(filepath.Join(dir, SummaryFile), sum); err != nil {
		return nil, err
	}
	return sum, nil
}

func (c *ExportConfig) check() error {
	if len(c.Backbones) == 0 {
		return errors.New("train export: --backbone: give at least one")
	}
	for _, b := range c.Backbones {
		if _, ok := backbone(b); !ok {
			return fmt.Errorf("train export: --backbone %q: want one of %s", b, strings.Join(backboneNames(), ", "))
		}
	}
	if len(c.TrainSizes) == 0 {
		return errors.New("train export: --train-sizes: give at least one")
	}
	for _, n := range c.TrainSizes {
		if n < 0 {
			return fmt.Errorf("train export: --train-sizes %d: want a positive count or all", n)
		}
	}
	if c.DPOEpochs <= 0 {
		return fmt.Errorf("train export: --epochs-dpo %v: want a positive number", c.DPOEpochs)
	}
	if c.Threshold < 1 || c.Threshold > 5 {
		return fmt.Errorf("train export: --threshold %d: want 1 to 5", c.Threshold)
	}
	return nil
}

// ParseTrainSizes reads "100,1000,all".
func ParseTrainSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "all" {
			out = append(out, 0)
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("--train-sizes %q: want positive counts or all, comma-separated", f)
		}
		out = append(out, n)
	}
	if len(out) != len(slices.Compact(slices.Clone(out))) {
		return nil, fmt.Errorf("--train-sizes %q: a size is repeated", s)
	}
	return out, nil
}

func backbone(name string) (Backbone, bool) {
	for _, b := range Backbones {
		if b.Name == name {
			return b, true
		}
	}
	return Backbone{}, false
}

func backboneNames() []string {
	var out []string
	for _, b := range Backbones {
		out = append(out, b.Name)
	}
	return out
}

func sizeName(n int) string {
	if n == 0 {
		return "all"
	}
	return "n" + strconv.Itoa(n)
}

// datasetName is occp_<task> for all users, occp_<task>_n<N> for a subset.
func datasetName(task string, n int) string {
	if n == 0 {
		return "occp_" + task
	}
	return "occp_" + task + "_" + sizeName(n)
}

// keptUsers are the oracle users with a reason, in file order, less those
// whose reason the judge scored below threshold (when a judge file is
// given; a reason the judge never saw is left out).
func keptUsers(in ExportInput, threshold int) ([]*bench.Example, error) {
	pass := map[string]bool{} // user \x00 reason digest → passes
	for _, r := range in.Judged {
		k := r.UserID + "\x00" + r.ReasonSHA256
		pass[k] = pass[k] || r.Passes(threshold)
	}
	seen := map[string]bool{}
	var out []*bench.Example
	for _, ex := range in.Oracle {
		if seen[ex.UserID] {
			return nil, fmt.Errorf("train export: user %s appears twice in the oracle set", ex.UserID)
		}
		seen[ex.UserID] = true
		if strings.TrimSpace(ex.OracleReason) == "" {
			continue
		}
		if ex.TargetTitle == "" {
			return nil, fmt.Errorf("train export: user %s has no target_title", ex.UserID)
		}
		if in.HaveJudged && !pass[ex.UserID+"\x00"+reasons.ReasonDigest(ex.OracleReason)] {
			continue
		}
		out = append(out, ex)
	}
	return out, nil
}

// The assistant targets follow the reply formats of the prompts: each tag
// on its own line.
func thinkText(reason string) string {
	return "<think>\n" + strings.TrimSpace(reason) + "\n</think>"
}

func answerText(title string) string {
	return "<answer>\n" + strings.TrimSpace(title) + "\n</answer>"
}

// pathAnswerText is the answer to a path prompt: the numbered list of the
// occupation titles of the first k jobs of the target path, as the prompt
// asks for it.
func pathAnswerText(ex *bench.Example, k int) string {
	var b strings.Builder
	b.WriteString("<answer>\n")
	for h, r := range ex.TargetPath[:k] {
		fmt.Fprintf(&b, "%d. %s\n", h+1, strings.TrimSpace(r.Occupation))
	}
	b.WriteString("</answer>")
	return b.String()
}

// buildRows makes a task's rows for users. dpo counts the users with a
// preference pair. horizon is K of a path task.
func buildRows(rp *prompt.RolePrompts, t task, users []*bench.Example, seed uint64, horizon int) (rows any, dpo int, err error) {
	if t.path {
		out := make([]sftRow, 0, len(users))
		for _, ex := range users {
			instr, err := rp.RenderPath(t.role, ex, "", horizon)
			if err != nil {
				return nil, 0, fmt.Errorf("train export: user %s: %w", ex.UserID, err)
			}
			out = append(out, sftRow{Instruction: instr, Output: pathAnswerText(ex, horizon)})
		}
		return out, 0, nil
	}
	if t.stage == "sft" {
		out := make([]sftRow, 0, len(users))
		for _, ex := range users {
			reasoning := ""
			if t.role == prompt.RolePredictor {
				reasoning = strings.TrimSpace(ex.OracleReason)
			}
			instr, err := rp.Render(t.role, ex, reasoning)
			if err != nil {
				return nil, 0, fmt.Errorf("train export: user %s: %w", ex.UserID, err)
			}
			var output string
			switch t.name {
			case "sft_joint":
				output = thinkText(ex.OracleReason) + "\n" + answerText(ex.TargetTitle)
			case "sft_reasoner":
				output = thinkText(ex.OracleReason)
			default: // predictor, direct
				output = answerText(ex.TargetTitle)
			}
			out = append(out, sftRow{Instruction: instr, Output: output})
		}
		return out, 0, nil
	}
	out := make([]dpoRow, 0, len(users))
	for _, ex := range users {
		chosen, rejected, ok := PreferencePair(ex, seed)
		if !ok {
			continue
		}
		instr, err := rp.Render(t.role, ex, "")
		if err != nil {
			return nil, 0, fmt.Errorf("train export: user %s: %w", ex.UserID, err)
		}
		row := dpoRow{Instruction: instr}
		if t.name == "dpo_joint" {
			row.Chosen = thinkText(chosen.Reason) + "\n" + answerText(ex.TargetTitle)
			row.Rejected = thinkText(rejected.Reason) + "\n" + answerText(rejected.Answer)
		} else {
			row.Chosen, row.Rejected = thinkText(chosen.Reason), thinkText(rejected.Reason)
		}
		out = append(out, row)
	}
	return out, len(out), nil
}

// PreferencePair is a user's DPO pair: the oracle reason's attempt (else a
// seeded pick of the correct ones) against a seeded pick of the incorrect
// ones. ok is false when the user has no correct or no incorrect attempt
// with a reason: users whose attempts were all correct are left out, as in
// the paper.
func PreferencePair(ex *bench.Example, seed uint64) (chosen, rejected bench.Attempt, ok bool) {
	var good, bad []bench.Attempt
	for _, a := range ex.Attempts {
		if strings.TrimSpace(a.Reason) == "" {
			continue
		}
		if a.Correct {
			good = append(good, a)
		} else {
			bad = append(bad, a)
		}
	}
	if len(good) == 0 || len(bad) == 0 {
		return chosen, rejected, false
	}
	rng := bench.UserRand(seed, ex.UserID)
	chosen = good[rng.IntN(len(good))]
	for _, a := range good {
		if a.Reason == ex.OracleReason {
			chosen = a
			break
		}
	}
	return chosen, bad[rng.IntN(len(bad))], true
}

func datasetEntry(file string, ranking bool) map[string]any {
	cols := map[string]string{"prompt": "instruction", "query": "input"}
	e := map[string]any{"file_name": file, "formatting": "alpaca", "columns": cols}
	if ranking {
		e["ranking"] = true
		cols["chosen"], cols["rejected"] = "chosen", "rejected"
	} else {
		cols["response"] = "output"
	}
	return e
}

func rowCount(rows any) int {
	switch r := rows.(type) {
	case []sftRow:
		return len(r)
	case []dpoRow:
		return len(r)
	}
	return 0
}

// FileSHA256 is the hex SHA-256 of a file's bytes.
func FileSHA256(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return sha256Hex(b), nil
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
