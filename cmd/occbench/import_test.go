package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/internal/fixture"
)

func TestImportThenInspect(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "careers.arrow")
	stdout, stderr, err := runCLI(t, "import", "--format", "csv", "../../testdata/import/careers.csv", "-o", out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "wrote "+out+" (11 users)") {
		t.Errorf("stdout = %q", stdout)
	}
	golden(t, "import_report.txt", stderr)
	for _, format := range []string{"text", "json"} {
		stdout, _, err := runCLI(t, "data", "inspect", "--format", format, out)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "inspect."+format, strings.ReplaceAll(stdout, out, "careers.arrow"))
	}
}

// Raw resume titles import with --classify: the report (golden) counts how
// the classifier placed the jobs and names what it could not place.
func TestImportClassifyTitles(t *testing.T) {
	out := filepath.Join(t.TempDir(), "raw.arrow")
	_, stderr, err := runCLI(t, "import", "--format", "csv", "--classify", "--min-jobs", "3", "../../testdata/import/raw_titles.csv", "-o", out)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "import_classify_report.txt", stderr)
	if _, _, err := runCLI(t, "import", "--format", "csv", "--classify", "--min-score", "1.5", "../../testdata/import/raw_titles.csv", "-o", out); err == nil || !strings.Contains(err.Error(), "--min-score 1.5: want 0 to 1") {
		t.Errorf("--min-score 1.5: err = %v", err)
	}
}

// JobHop's CSV, ESCO-coded, imports end to end: the report (golden) says how
// the codes were mapped and which were not, the data set's metadata holds the
// same report, and every job records its ESCO code and the mapping's score.
func TestImportJobHop(t *testing.T) {
	out := filepath.Join(t.TempDir(), "jobhop.arrow")
	stdout, stderr, err := runCLI(t, "import", "--format", "jobhop", "--min-jobs", "3", "../../testdata/import/jobhop_sample.csv", "-o", out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "(3 users)") {
		t.Errorf("stdout = %q", stdout)
	}
	golden(t, "import_jobhop_report.txt", stderr)
	exs, meta, err := bench.ReadAll(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep bench.ImportReport
	if err := json.Unmarshal([]byte(meta[bench.MetaPreprocess]), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Taxonomy != "esco" || rep.Crosswalk == nil || rep.Crosswalk.Unmapped != 3 || len(rep.Crosswalk.UnmappedValues) != 3 {
		t.Errorf("metadata report = %+v", rep)
	}
	for _, ex := range exs {
		for _, r := range ex.Jobs() {
			if r.CodeMethod != bench.CodeCrosswalk || r.SourceCode == "" || r.CodeScore <= 0 || r.CodeScore > 1 {
				t.Errorf("user %s: job %+v", ex.UserID, r)
			}
		}
	}
	// The same rows as long CSV with --taxonomy esco give the same jobs.
	dir := t.TempDir()
	b, err := os.ReadFile("../../testdata/import/jobhop_sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(b), "resume_id,matched_code,start_date,end_date,", "user_id,occupation,start,end,", 1)
	fixture.Write(t, filepath.Join(dir, "long.csv"), strings.ReplaceAll(text, ",null,null,", ",,,"))
	if _, _, err := runCLI(t, "import", "--taxonomy", "esco", "--min-jobs", "3", filepath.Join(dir, "long.csv"), "-o", filepath.Join(dir, "long.arrow")); err != nil {
		t.Fatal(err)
	}
	long, _, err := bench.ReadAll(filepath.Join(dir, "long.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range exs {
		if a, b := fmt.Sprint(exs[i].Codes(), exs[i].TargetCode), fmt.Sprint(long[i].Codes(), long[i].TargetCode); a != b {
			t.Errorf("user %s: jobhop %s, long CSV %s", exs[i].UserID, a, b)
		}
	}
}

func TestImportFormatsAgree(t *testing.T) {
	dir := t.TempDir()
	var outs []string
	for _, format := range []string{"csv", "jsonl"} {
		out := filepath.Join(dir, format+".arrow")
		if _, _, err := runCLI(t, "import", "--format", format, "../../testdata/import/careers."+format, "-o", out); err != nil {
			t.Fatal(err)
		}
		stdout, _, err := runCLI(t, "data", "inspect", "--format", "json", out)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, strings.ReplaceAll(stdout, out, "X"))
	}
	if outs[0] != outs[1] {
		t.Errorf("CSV and JSONL imports of the same careers differ:\n%s", lineDiff(outs[0], outs[1]))
	}
}

func TestImportSplit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "set")
	_, _, err := runCLI(t, "import", "--format", "recbole", "../../testdata/import/careers.inter", "-o", dir, "--test-users", "3", "--seed", "2")
	if err != nil {
		t.Fatal(err)
	}
	for name, users := range map[string]string{"train.arrow": `"users": 8`, "test.arrow": `"users": 3`} {
		stdout, _, err := runCLI(t, "data", "inspect", "--format", "json", filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(stdout, users) {
			t.Errorf("%s: want %s in\n%s", name, users, stdout)
		}
	}
}

// A failed import exits non-zero, names the line and field, and writes nothing.
func TestImportFailureLeavesNothing(t *testing.T) {
	for _, tc := range []struct{ name, format, input, want string }{
		{"bad date", "csv", "user_id,kind,start,occupation\nu1,job,2019-02-30,15-1252.00\n", `bad.csv:2: field "start": value "2019-02-30"`},
		{"unknown code", "recbole", "user_id:token\titem_id:token\ttimestamp:float\nu1\t15-1252.07\t0\n", `bad.csv:2: field "item_id": value "15-1252.07"`},
		{"short row", "csv", "user_id,kind,start,occupation\nu1,job\n", "bad.csv:2: row has 2 fields, the header has 4"},
		{"broken header", "recbole", "user_id:token item_id:token timestamp:float\n", "bad.csv:1"},
		{"bad quarter", "jobhop", "resume_id,matched_code,start_date,end_date\n7,5120.3,Q1 2001,Q4 2001\n7,5131.1,Q5 2002,\n", `bad.csv:3: field "start_date": value "Q5 2002": want a date YYYY-MM-DD, YYYY-MM or YYYY, or a quarter such as Q3 1996`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "bad.csv")
			fixture.Write(t, in, tc.input)
			outDir := filepath.Join(dir, "out")
			for _, args := range [][]string{
				{"-o", filepath.Join(outDir, "x.arrow")},
				{"-o", outDir, "--test-users", "1"},
			} {
				_, _, err := runCLI(t, append([]string{"import", "--format", tc.format, in}, args...)...)
				if err == nil || exitCode(err) == 0 {
					t.Fatal("import of bad input succeeded")
				}
				if !strings.Contains(err.Error(), tc.want) {
					t.Errorf("error %q, want it to contain %q", err, tc.want)
				}
				if entries, _ := os.ReadDir(outDir); len(entries) > 0 {
					t.Errorf("failed import left %v", entries)
				}
			}
		})
	}
}

// --memory bounds the records held before they spill to temporary files in
// $TMPDIR: the output is the same however small it is, and the temporary
// files go, after success, after an input error and when the import is
// interrupted (Ctrl-C cancels the context).
func TestImportMemory(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	left := func(when string) {
		t.Helper()
		if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
			t.Errorf("%s: left %d temporary entries", when, len(entries))
		}
	}
	dir := t.TempDir()
	for _, split := range [][]string{
		{"--test-users", "3"},
		{"--split", "time", "--cutoff", "2015-01", "--horizon", "2"},
		{"--test-users", "3", "--horizon", "3", "--min-jobs", "3"},
	} {
		var sets []string
		for _, memory := range []string{"256M", "1K"} {
			out := filepath.Join(dir, memory+strings.Join(split, ""))
			args := append([]string{"import", "--format", "csv", "--memory", memory, "../../testdata/import/careers.csv", "-o", out}, split...)
			stdout, stderr, err := runCLI(t, args...)
			if err != nil {
				t.Fatal(err)
			}
			var files []string
			for _, name := range []string{"train.arrow", "test.arrow"} {
				b, err := os.ReadFile(filepath.Join(out, name))
				if err != nil {
					t.Fatal(err)
				}
				files = append(files, string(b))
			}
			sets = append(sets, strings.ReplaceAll(stdout, out, "OUT")+stderr+strings.Join(files, "\x00"))
			left("--memory " + memory)
		}
		if sets[0] != sets[1] {
			t.Errorf("%v: --memory 1K wrote other files or printed another report than --memory 256M", split)
		}
	}

	bad := filepath.Join(dir, "bad.csv")
	good, err := os.ReadFile("../../testdata/import/careers.csv")
	if err != nil {
		t.Fatal(err)
	}
	fixture.Write(t, bad, string(good)+"u99,job,2019-02-30,,,15-1252.00,,,,,,\n")
	_, _, err = runCLI(t, "import", "--format", "csv", "--memory", "1K", bad, "-o", filepath.Join(dir, "bad.arrow"))
	if err == nil || !strings.Contains(err.Error(), `bad.csv:94: field "start": value "2019-02-30"`) {
		t.Errorf("bad input with --memory 1K: %v", err)
	}
	left("an input error")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	err = run(ctx, &stdout, &stderr, []string{"import", "--format", "csv", "--memory", "1K", "../../testdata/import/careers.csv", "-o", filepath.Join(dir, "cut.arrow")})
	if err == nil || exitCode(err) != 130 || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("interrupted import: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "cut.arrow")); err == nil {
		t.Error("an interrupted import wrote its output")
	}
	left("an interrupted import")

	if _, _, err := runCLI(t, "import", "--format", "csv", "--memory", "lots", "../../testdata/import/careers.csv", "-o", filepath.Join(dir, "x.arrow")); err == nil || !strings.Contains(err.Error(), `--memory "lots": want a size such as 256M`) {
		t.Errorf("--memory lots: %v", err)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"1": 1, "4096": 4096, "1K": 1 << 10, "64k": 64 << 10, "256M": 256 << 20, "256MiB": 256 << 20,
		"2 GB": 2 << 30, "3g": 3 << 30, "10B": 10, " 5 kib ": 5 << 10,
	} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1", "1.5G", "M", "1T", "1 iB", "12KK", "9999999999999G", "0x10"} {
		if got, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", in, got)
		}
	}
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"256M", "1", "2GiB", "-1", "9999999999999G"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseSize(s)
		if err == nil && n <= 0 {
			t.Fatalf("parseSize(%q) = %d", s, n)
		}
		if err == nil {
			if back, err := parseSize(strconv.FormatInt(n, 10)); err != nil || back != n {
				t.Fatalf("%d read back as %d, %v", n, back, err)
			}
		}
	})
}

// --horizon and --split time write target paths, a time split's train set
// single-step; bad combinations of the flags are errors that say what to
// change.
func TestImportHorizonAndTimeSplit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "time")
	stdout, stderr, err := runCLI(t, "import", "--format", "csv", "--split", "time", "--cutoff", "2015-01", "--horizon", "2",
		"../../testdata/import/careers.csv", "-o", dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "split (time, cutoff 2015-01): 11 train, 5 test") || !strings.Contains(stdout, "test.arrow (5 users)") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
	}
	for name, want := range map[string][]string{
		"train.arrow": {`"schema_version": "2"`, `"users": 11`},
		"test.arrow":  {`"schema_version": "3"`, `"horizon": 2`, `"users_with_path": 5`},
	} {
		out, _, err := runCLI(t, "data", "inspect", "--format", "json", filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: want %s in\n%s", name, w, out)
			}
		}
	}
	one := filepath.Join(t.TempDir(), "paths.arrow")
	if _, stderr, err := runCLI(t, "import", "--format", "csv", "--horizon", "2", "../../testdata/import/careers.csv", "-o", one); err != nil ||
		!strings.Contains(stderr, "dropped users, fewer valid jobs than min − 1 + horizon (6): 3") {
		t.Errorf("--horizon 2: %v\n%s", err, stderr)
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"cutoff without split", []string{"--cutoff", "2015-01"}, "--cutoff 2015-01: a cutoff splits by date; add --split time"},
		{"time without cutoff", []string{"--split", "time"}, "--split time: want --cutoff YYYY-MM"},
		{"bad month", []string{"--split", "time", "--cutoff", "2015-13"}, `--cutoff: cutoff "2015-13": want a month YYYY-MM`},
		{"a day", []string{"--split", "time", "--cutoff", "2015-01-01"}, `--cutoff: cutoff "2015-01-01": want a month YYYY-MM`},
		{"test users", []string{"--split", "time", "--cutoff", "2015-01", "--test-users", "3"}, "--test-users: --split time takes as test users"},
		{"unknown split", []string{"--split", "random"}, `--split "random": want user or time`},
		{"horizon 0", []string{"--horizon", "0"}, "--horizon 0: want 1 to 64 target jobs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"import", "--format", "csv", "../../testdata/import/careers.csv", "-o", filepath.Join(t.TempDir(), "x")}, tc.args...)
			if _, _, err := runCLI(t, args...); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}
