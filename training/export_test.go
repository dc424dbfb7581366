package training

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/internal/golden"
	"github.com/occbench/occbench/prompt"
	"github.com/occbench/occbench/reasons"
)

func job(title, code, occ string, y int) bench.Record {
	return bench.Record{Kind: bench.Job, Title: title, Code: code, Occupation: occ,
		Start: bench.DateOf(y, 1, 1), End: bench.DateOf(y+2, 6, 30), Industry: "Software"}
}

// oracleSet is four users: u1 right and wrong attempts, u2 all right, u3
// right and wrong, u4 without an oracle reason.
func oracleSet() []*bench.Example {
	edu := bench.Record{Kind: bench.Education, School: "State University", Degree: "BS", Major: "Computer Science", GradYear: 2010}
	mk := func(id, reason string, atts ...bench.Attempt) *bench.Example {
		return &bench.Example{
			UserID: id,
			History: []bench.Record{edu,
				job("Junior Developer", "15-1252.00", "Software Developers", 2011),
				job("Senior Developer", "15-1252.00", "Software Developers", 2014)},
			TargetCode: "15-1299.08", TargetTitle: "Computer Systems Engineers/Architects",
			OracleReason: reason, Attempts: atts,
		}
	}
	ok := func(r string) bench.Attempt {
		return bench.Attempt{Reason: r, Answer: "Computer Systems Engineers/Architects", Code: "15-1299.08", Correct: true}
	}
	bad := func(r string) bench.Attempt {
		return bench.Attempt{Reason: r, Answer: "Software Quality Assurance Analysts and Testers", Code: "15-1253.00"}
	}
	return []*bench.Example{
		mk("u1", "Two developer roles point to architecture.", ok("Two developer roles point to architecture."), bad("Testing is next."), ok("Seniority grows.")),
		mk("u2", "Senior developers design systems.", ok("Senior developers design systems."), ok("Architecture follows.")),
		mk("u3", "Growth in scope.", bad("QA fits."), ok("Growth in scope."), bad("Testers are needed.")),
		mk("u4", "", bad("Nothing fits.")),
	}
}

// pathOracleSet is oracleSet with a target path of 3 jobs per user, the
// target first; u2's path repeats an occupation.
func pathOracleSet() []*bench.Example {
	exs := oracleSet()
	for i, ex := range exs {
		ex.TargetPath = []bench.Record{
			job("Architect", ex.TargetCode, ex.TargetTitle, 2017),
			job("Engineering Manager", "11-3021.00", "Computer and Information Systems Managers", 2020),
			job("CTO", "11-1011.00", "Chief Executives", 2023),
		}
		if i == 1 {
			ex.TargetPath[2] = job("Principal Architect", ex.TargetCode, ex.TargetTitle, 2023)
		}
	}
	return exs
}

func TestExportGolden(t *testing.T) {
	cases := []struct {
		name   string
		cfg    func(*ExportConfig)
		judged []reasons.JudgeRecord
		oracle func() []*bench.Example
	}{
		{name: "default", cfg: func(*ExportConfig) {}},
		{name: "scaling", cfg: func(c *ExportConfig) {
			c.Backbones = []string{"qwen3-1.7b", "llama3.1-8b"}
			c.TrainSizes = []int{2, 0}
			c.DPOEpochs = 5
		}},
		{name: "judged", cfg: func(*ExportConfig) {}, judged: []reasons.JudgeRecord{
			{UserID: "u1", ReasonSHA256: reasons.ReasonDigest("Two developer roles point to architecture."),
				Factuality: reasons.JudgeScore{Score: 5}, Coherence: reasons.JudgeScore{Score: 4}, Utility: reasons.JudgeScore{Score: 5}},
			{UserID: "u2", ReasonSHA256: reasons.ReasonDigest("Senior developers design systems."),
				Factuality: reasons.JudgeScore{Score: 3}, Coherence: reasons.JudgeScore{Score: 5}, Utility: reasons.JudgeScore{Score: 5}},
			// u3's reason was never judged: left out.
		}},
		// Users with target paths of 3 jobs: direct path SFT data besides.
		{name: "path", cfg: func(*ExportConfig) {}, oracle: pathOracleSet},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultExport
			cfg.DatasetDir = "/data/lf"
			tc.cfg(&cfg)
			oracle := oracleSet
			if tc.oracle != nil {
				oracle = tc.oracle
			}
			in := ExportInput{Oracle: oracle(), OracleSHA256: "feed", Judged: tc.judged, HaveJudged: tc.judged != nil}
			dir := t.TempDir()
			if _, err := Export(dir, in, cfg); err != nil {
				t.Fatal(err)
			}
			got := snapshot(t, dir)
			// Byte-stable: a second export is identical.
			dir2 := t.TempDir()
			if _, err := Export(dir2, in, cfg); err != nil {
				t.Fatal(err)
			}
			if again := snapshot(t, dir2); !bytes.Equal(got, again) {
				t.Fatal("two exports of the same input differ")
			}
			golden.Check(t, filepath.Join("testdata", "export_"+tc.name+".golden"), got)
		})
	}
}

// snapshot is every file of dir, sorted by path, with its contents.
func snapshot(t *testing.T, dir string) []byte {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(paths)
	var b bytes.Buffer
	for _, p := range paths {
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("==== " + filepath.ToSlash(rel) + " ====\n")
		b.Write(data)
	}
	return b.Bytes()
}

// TestExportFormats checks the files against LLaMA-Factory's documented
// alpaca formats and the runner's inference prompts.
func TestExportFormats(t *testing.T) {
	dir := t.TempDir()
	cfg := DefaultExport
	sum, err := Export(dir, ExportInput{Oracle: oracleSet()}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Users != 3 || sum.DPOUsers != 2 {
		t.Fatalf("users %d, dpo users %d: want 3 and 2 (u4 has no reason, u2 no wrong attempt)", sum.Users, sum.DPOUsers)
	}
	var info map[string]struct {
		FileName   string            `json:"file_name"`
		Formatting string            `json:"formatting"`
		Ranking    bool              `json:"ranking"`
		Columns    map[string]string `json:"columns"`
	}
	readJSON(t, filepath.Join(dir, DatasetInfoFile), &info)
	if len(info) != 6 {
		t.Fatalf("dataset_info has %d datasets, want 6", len(info))
	}
	rp, err := prompt.NewRolePrompts()
	if err != nil {
		t.Fatal(err)
	}
	ex := oracleSet()[0]
	for name, e := range info {
		var rows []map[string]string
		readJSON(t, filepath.Join(dir, e.FileName), &rows)
		if e.Formatting != "alpaca" || len(rows) == 0 {
			t.Fatalf("%s: formatting %q, %d rows", name, e.Formatting, len(rows))
		}
		want := []string{"input", "instruction", "output"}
		if strings.Contains(name, "dpo") {
			want = []string{"chosen", "input", "instruction", "rejected"}
			if !e.Ranking || e.Columns["chosen"] != "chosen" || e.Columns["rejected"] != "rejected" {
				t.Errorf("%s: want ranking with chosen/rejected columns, got %+v", name, e)
			}
		}
		for k, col := range e.Columns {
			if _, ok := rows[0][col]; !ok {
				t.Errorf("%s: column %s=%s missing from the rows", name, k, col)
			}
		}
		if keys := slices.Sorted(maps.Keys(rows[0])); !slices.Equal(keys, want) {
			t.Errorf("%s: row keys %v, want %v", name, keys, want)
		}
		role, reasoning := prompt.RoleJoint, ""
		switch {
		case strings.Contains(name, "reasoner"):
			role = prompt.RoleReasoner
		case strings.Contains(name, "predictor"):
			role, reasoning = prompt.RolePredictor, ex.OracleReason
		case strings.Contains(name, "direct"):
			role = prompt.RoleDirect
		}
		prompt, err := rp.Render(role, ex, reasoning)
		if err != nil {
			t.Fatal(err)
		}
		if rows[0]["instruction"] != prompt {
			t.Errorf("%s: the instruction is not the inference prompt of %s", name, role)
		}
	}
	var joint []map[string]string
	readJSON(t, filepath.Join(dir, "occp_sft_joint.json"), &joint)
	p := prompt.ParseOutput(joint[0]["output"], false)
	if p.Reason != ex.OracleReason || p.Answer != ex.TargetTitle {
		t.Errorf("joint output parses to %+v", p)
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func TestExportErrors(t *testing.T) {
	cases := []struct {
		name string
		cfg  func(*ExportConfig)
		want string
	}{
		{"backbone", func(c *ExportConfig) { c.Backbones = []string{"gpt-2"} }, "--backbone"},
		{"size", func(c *ExportConfig) { c.TrainSizes = []int{100} }, "only 3 users"},
		{"epochs", func(c *ExportConfig) { c.DPOEpochs = 0 }, "--epochs-dpo"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultExport
			tc.cfg(&cfg)
			_, err := Export(t.TempDir(), ExportInput{Oracle: oracleSet()}, cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one about %s", err, tc.want)
			}
		})
	}
}

func TestParseTrainSizes(t *testing.T) {
	cases := []struct {
		in   string
		want []int
		err  bool
	}{
		{"all", []int{0}, false},
		{"100,1000,all", []int{100, 1000, 0}, false},
		{"100, x", nil, true},
		{"0", nil, true},
		{"all,all", nil, true},
	}
	for _, tc := range cases {
		got, err := ParseTrainSizes(tc.in)
		if (err != nil) != tc.err || !slices.Equal(got, tc.want) {
			t.Errorf("ParseTrainSizes(%q) = %v, %v", tc.in, got, err)
		}
	}
}

func TestPreferencePairSeeded(t *testing.T) {
	ex := oracleSet()[2]
	c1, r1, ok := PreferencePair(ex, 7)
	c2, r2, _ := PreferencePair(ex, 7)
	if !ok || c1 != c2 || r1 != r2 {
		t.Fatal("the same seed gave another pair")
	}
	if c1.Reason != ex.OracleReason || r1.Correct {
		t.Fatalf("chosen %+v rejected %+v", c1, r1)
	}
	if _, _, ok := PreferencePair(oracleSet()[1], 7); ok {
		t.Fatal("a user with only correct attempts has a pair")
	}
}

// The path answers exported read back, through the runners' path parser,
// as the users' true paths.
func TestExportPathAnswersParse(t *testing.T) {
	dir := t.TempDir()
	sum, err := Export(dir, ExportInput{Oracle: pathOracleSet()}, DefaultExport)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Horizon != 3 {
		t.Fatalf("horizon %d, want 3", sum.Horizon)
	}
	b, err := os.ReadFile(filepath.Join(dir, "occp_sft_direct_path.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rows []sftRow
	if err := json.Unmarshal(b, &rows); err != nil {
		t.Fatal(err)
	}
	users := pathOracleSet()[:3] // u4 has no oracle reason
	if len(rows) != len(users) {
		t.Fatalf("%d rows, want %d", len(rows), len(users))
	}
	for i, row := range rows {
		var want []string
		for _, r := range users[i].TargetPath {
			want = append(want, r.Occupation)
		}
		if got := prompt.ParsePath(row.Output, false); !slices.Equal(got.Items, want) || got.How != prompt.ParseTag {
			t.Errorf("row %d: %q reads as %q (%s), want %q", i, row.Output, got.Items, got.How, want)
		}
	}
	// Without target paths there is no path data.
	if sum, err := Export(t.TempDir(), ExportInput{Oracle: oracleSet()}, DefaultExport); err != nil || sum.Horizon != 0 || len(sum.Datasets) != len(tasks) {
		t.Errorf("single-step export: %v, horizon %d, %d datasets", err, sum.Horizon, len(sum.Datasets))
	}
}
