package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/occbench/occbench/internal/fixture"
)

const csvHeader = "user_id,kind,start,end,title,occupation,industry,salary,school,degree,major,grad_year\n"

// careerCSV writes n users with jobs valid jobs each.
func careerCSV(n, jobs int) string {
	var b strings.Builder
	b.WriteString(csvHeader)
	codes := []string{"13-2051.00", "11-3031.01", "Financial and Investment Analysts", "11-1011.00", "15-1252.00"}
	for u := range n {
		fmt.Fprintf(&b, "u%03d,education,,,,,,,State University,Bachelor's degree,Economics,2000\n", u)
		for j := range jobs {
			fmt.Fprintf(&b, "u%03d,job,%d-01,%d-12,Title %d,%s,Finance,%d,,,,\n", u, 2001+j, 2001+j, j, codes[j%len(codes)], 40000+j*1000)
		}
	}
	return b.String()
}

func writeTemp(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImportCSVPreprocessing(t *testing.T) {
	in := csvHeader +
		"a,job,2010-01,,Dev,15-1252.00,,,,,,\n" +
		"a,education,,,,,,,MIT,BSc,CS,2009\n" + // undated education, kept, sorted by grad year
		"a,job,2011-01,,Dev,15-1252.00,,,,,,\n" +
		"a,job,,,Dev,15-1252.00,,,,,,\n" + // no start: dropped
		"a,job,2012-01,,Dev,,,,,,,\n" + // no occupation: dropped
		"a,job,2013-01,,Lead,15-1299.08,,,,,,\n" +
		"a,job,2009-01,,Intern,15-1252.00,,,,,,\n" + // out of order: sorted
		"a,job,2014-01,,CTO,11-3021.00,,,,,,\n" +
		"a,education,2015-09,2016-06,,,,,Stanford,MBA,Business,2016\n" + // after the target: dropped
		"b,job,2010-01,,Dev,15-1252.00,,,,,,\n" // one job: user dropped
	exs, rep, err := Import([]string{writeTemp(t, "in.csv", in)}, DefaultImport)
	if err != nil {
		t.Fatal(err)
	}
	if len(exs) != 1 {
		t.Fatalf("kept %d users, want 1", len(exs))
	}
	ex := exs[0]
	if ex.TargetCode != "11-3021.00" || ex.TargetTitle != "Computer and Information Systems Managers" {
		t.Errorf("target = %s %q", ex.TargetCode, ex.TargetTitle)
	}
	var got []string
	for _, r := range ex.History {
		got = append(got, r.Kind.String()+":"+r.Title+r.School)
	}
	want := "job:Intern education:MIT job:Dev job:Dev job:Lead"
	if strings.Join(got, " ") != want {
		t.Errorf("history = %v, want %s", got, want)
	}
	for key, n := range map[string]int{DropNoStart: 1, DropNoOccupation: 1, DropAfterTarget: 1} {
		if rep.DroppedRecords[key] != n {
			t.Errorf("dropped %q = %d, want %d", key, rep.DroppedRecords[key], n)
		}
	}
	if rep.UsersDropped[DropTooFewJobs] != 1 || rep.UsersRead != 2 || rep.Users != 1 || rep.Rows != 10 {
		t.Errorf("report = %+v", rep)
	}
	if rep.JobRecords != 5 || rep.EduRecords != 1 {
		t.Errorf("kept records: %d jobs, %d education", rep.JobRecords, rep.EduRecords)
	}
}

func TestImportBounds(t *testing.T) {
	in := writeTemp(t, "in.csv", careerCSV(2, 16)+strings.TrimPrefix(careerCSV(1, 4), csvHeader))
	_, rep, err := Import([]string{in}, DefaultImport)
	if err != nil {
		t.Fatal(err)
	}
	// u000 and u001 have 16 jobs; the second u000 block adds 4 more.
	if rep.UsersDropped[DropTooManyJobs] != 2 || rep.Users != 0 {
		t.Errorf("report = %+v", rep)
	}
	opts := DefaultImport
	opts.MaxJobs = 20
	exs, _, err := Import([]string{in}, opts)
	if err != nil || len(exs) != 2 {
		t.Fatalf("with --max-jobs 20: %d users, err %v", len(exs), err)
	}
}

func TestImportErrors(t *testing.T) {
	good := "u1,job,2010-01,,Dev,15-1252.00,,,,,,\n"
	for _, tc := range []struct {
		name, format, input string
		want                []string // substrings of the error
	}{
		{"bad date", "csv", csvHeader + good + "u1,job,2010-13-45,,Dev,15-1252.00,,,,,,\n", []string{"in.csv:3", `"start"`, `"2010-13-45"`}},
		{"unknown code", "csv", csvHeader + "u1,job,2010-01,,Dev,99-9999.00,,,,,,\n", []string{"in.csv:2", `"occupation"`, "99-9999.00", "not an O*NET-SOC 2019 occupation code"}},
		{"unknown title", "csv", csvHeader + "u1,job,2010-01,,Dev,Wizards,,,,,,\n", []string{"in.csv:2", `"occupation"`, "Wizards"}},
		{"short row", "csv", csvHeader + good + "u1,job,2010-01\n", []string{"in.csv:3", "3 fields", "header has 12"}},
		{"broken header", "csv", "user,kind,start\n" + good, []string{"in.csv:1", "no user_id column"}},
		{"duplicate column", "csv", "user_id,start,start\n", []string{"in.csv:1", "named twice"}},
		{"bad quote", "csv", csvHeader + "u1,\"job,2010\n", []string{"in.csv:", "malformed CSV"}},
		{"bad salary", "csv", csvHeader + "u1,job,2010-01,,Dev,15-1252.00,,lots,,,,\n", []string{"in.csv:2", `"salary"`, "lots"}},
		{"bad kind", "csv", csvHeader + "u1,hobby,2010-01,,Dev,15-1252.00,,,,,,\n", []string{"in.csv:2", `"kind"`, "hobby"}},
		{"end before start", "csv", csvHeader + "u1,job,2010-01,2009-01,Dev,15-1252.00,,,,,,\n", []string{"in.csv:2", `"end"`}},
		{"empty csv", "csv", "", []string{"in.csv:1", "header"}},
		{"jsonl not json", "jsonl", `{"user_id": "a", "records": []}` + "\n{oops\n", []string{"in.jsonl:2", "malformed JSON"}},
		{"jsonl bad date", "jsonl", `{"user_id": "a", "records": [{"kind": "job", "start": "yesterday", "occupation": "15-1252.00"}]}`, []string{"in.jsonl:1", "records[0].start", "yesterday"}},
		{"jsonl no user", "jsonl", `{"records": []}`, []string{"in.jsonl:1", "user_id"}},
		{"jsonl wrong type", "jsonl", `{"user_id": "a", "records": {}}`, []string{"in.jsonl:1", "records"}},
		{"recbole broken header", "recbole", "user_id\titem_id\ttimestamp\n", []string{"in.inter:1", "name:type"}},
		{"recbole missing field", "recbole", "user_id:token\titem_id:token\n", []string{"in.inter:1", "timestamp"}},
		{"recbole unknown code", "recbole", "user_id:token\titem_id:token\ttimestamp:float\nu1\t15-1252.00\t1262304000\nu1\t15-9999.00\t1262304000\n", []string{"in.inter:3", `"item_id"`, "15-9999.00"}},
		{"recbole bad timestamp", "recbole", "user_id:token\titem_id:token\ttimestamp:float\nu1\t15-1252.00\tnoon\n", []string{"in.inter:2", `"timestamp"`, "noon"}},
		{"recbole short row", "recbole", "user_id:token\titem_id:token\ttimestamp:float\nu1\t15-1252.00\n", []string{"in.inter:2", "2 fields"}},
		// One rule for text that is not UTF-8, in every format and field.
		{"csv bad id bytes", "csv", csvHeader + "u\xff,job,2010-01,,Dev,15-1252.00,,,,,,\n", []string{"in.csv:2", `field "user_id"`, `"u\xff"`, "not UTF-8"}},
		{"csv bad title bytes", "csv", csvHeader + "u1,job,2010-01,,D\xe9v,15-1252.00,,,,,,\n", []string{"in.csv:2", `field "title"`, "not UTF-8"}},
		{"recbole bad id bytes", "recbole", "user_id:token\titem_id:token\ttimestamp:float\nu\xfe\t15-1252.00\t1262304000\n", []string{"in.inter:2", `field "user_id"`, "not UTF-8"}},
		{"jsonl bad id bytes", "jsonl", "{\"user_id\": \"u\xff\", \"records\": []}\n", []string{"in.jsonl:1", `field "user_id"`, `"u\xff"`, "not UTF-8"}},
		{"jsonl bad title bytes", "jsonl", "{\"user_id\": \"a\", \"records\": [{\"kind\": \"job\", \"title\": \"D\xe9v\"}]}\n", []string{"in.jsonl:1", `field "title"`, "not UTF-8"}},
		{"jsonl two users on a line", "jsonl", `{"user_id": "a", "records": []} {"user_id": "b", "records": []}` + "\n", []string{"in.jsonl:1", "more than one JSON value"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := map[string]string{"csv": "in.csv", "jsonl": "in.jsonl", "recbole": "in.inter"}[tc.format]
			opts := DefaultImport
			opts.Format = tc.format
			_, _, err := Import([]string{writeTemp(t, name, tc.input)}, opts)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Errorf("error %T is not an *InputError", err)
			}
		})
	}
}

func TestImportSkipInvalid(t *testing.T) {
	in := careerCSV(1, 6) + "u000,job,2030-99,,Dev,15-1252.00,,,,,,\nu000,job,2031-01,,Dev,Wizards,,,,,,\nshort\n"
	opts := DefaultImport
	opts.SkipInvalid = true
	exs, rep, err := Import([]string{writeTemp(t, "in.csv", in)}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(exs) != 1 || rep.InvalidRows != 3 || len(rep.Invalid) != 3 {
		t.Fatalf("users %d, report %+v", len(exs), rep)
	}
	if rep.Invalid[0].Line != 9 || rep.Invalid[0].Field != "start" || rep.Invalid[1].Value != "Wizards" {
		t.Errorf("invalid rows = %+v", rep.Invalid)
	}
	var b strings.Builder
	rep.WriteText(&b)
	if !strings.Contains(b.String(), "skipped 3 invalid rows") {
		t.Errorf("report text:\n%s", b.String())
	}
}

func TestImportJSONLAndRecBoleAgree(t *testing.T) {
	var jl, rb strings.Builder
	rb.WriteString("user_id:token\ttimestamp:float\titem_id:token\tcountry:token\n")
	codes := []string{"15-1252.00", "15-1299.08", "11-3021.00", "Software Developers", "11-1021.00", "15-1211.00"}
	for u := range 3 {
		fmt.Fprintf(&jl, `{"user_id": "u%d", "records": [`, u)
		for j, c := range codes {
			if j > 0 {
				jl.WriteString(",")
			}
			ts := int64(1262304000 + j*86400*400)
			fmt.Fprintf(&jl, `{"kind": "job", "start": %q, "occupation": %q, "salary": %d}`, dateFromUnix(float64(ts)).String(), c, 1000*j)
			fmt.Fprintf(&rb, "u%d\t%d\t%s\tSG\n", u, ts, c)
		}
		jl.WriteString("]}\n")
	}
	ej, _, err := Import([]string{writeTemp(t, "in.jsonl", jl.String())}, ImportOptions{Format: FormatJSONL, MinJobs: 5, MaxJobs: 15})
	if err != nil {
		t.Fatal(err)
	}
	er, rep, err := Import([]string{writeTemp(t, "in.inter", rb.String())}, ImportOptions{Format: FormatRecBole, MinJobs: 5, MaxJobs: 15})
	if err != nil {
		t.Fatal(err)
	}
	if len(ej) != 3 || len(er) != 3 {
		t.Fatalf("users: jsonl %d, recbole %d", len(ej), len(er))
	}
	for i := range ej {
		if fmt.Sprint(ej[i].Codes(), ej[i].TargetCode) != fmt.Sprint(er[i].Codes(), er[i].TargetCode) {
			t.Errorf("user %d: jsonl %v, recbole %v", i, ej[i].Codes(), er[i].Codes())
		}
	}
	if er[0].TargetCode != "15-1211.00" || er[0].History[3].Occupation != "Software Developers" {
		t.Errorf("recbole example = %+v", er[0])
	}
	if len(rep.IgnoredColumns) != 1 || rep.IgnoredColumns[0] != "country" {
		t.Errorf("ignored columns = %v", rep.IgnoredColumns)
	}
}

func TestSplitDeterministic(t *testing.T) {
	exs := sampleExamples(500)
	tr1, te1 := Split(exs, 100, 7)
	// Input order must not matter.
	rev := make([]*Example, len(exs))
	for i, ex := range exs {
		rev[len(exs)-1-i] = ex
	}
	_, te2 := Split(rev, 100, 7)
	ids := func(xs []*Example) map[string]bool {
		m := map[string]bool{}
		for _, x := range xs {
			m[x.UserID] = true
		}
		return m
	}
	a, b := ids(te1), ids(te2)
	if len(tr1) != 400 || len(te1) != 100 || len(a) != 100 {
		t.Fatalf("sizes %d/%d", len(tr1), len(te1))
	}
	for id := range a {
		if !b[id] {
			t.Fatalf("split depends on input order: %s", id)
		}
	}
	_, te3 := Split(exs, 100, 8)
	same := 0
	for id := range ids(te3) {
		if a[id] {
			same++
		}
	}
	if same > 50 {
		t.Errorf("seeds 7 and 8 share %d of 100 test users", same)
	}
}

func FuzzImportCSV(f *testing.F) {
	f.Add(careerCSV(1, 5))
	f.Add(csvHeader + "u1,job,2010-01,,\"Dev, \"\"lead\"\"\",15-1252.00,,1e3,,,,\n")
	f.Add("user_id\n\n")
	f.Add(csvHeader + "u1,education,,,,,,,,,,2009")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, in string) {
		p := filepath.Join(dir, "f.csv")
		fixture.Write(t, p, in)
		checkFuzzImport(t, p, FormatCSV)
	})
}

func FuzzImportJSONL(f *testing.F) {
	f.Add(`{"user_id": "a", "records": [{"kind": "job", "start": "2010", "occupation": "15-1252.00"}]}`)
	f.Add(`{"user_id": 7, "records": [{"start": 2010, "occupation": "Software Developers", "salary": "1,000"}]}`)
	f.Add(`{"user_id": "a", "records": null}` + "\n\n[]")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, in string) {
		p := filepath.Join(dir, "f.jsonl")
		fixture.Write(t, p, in)
		checkFuzzImport(t, p, FormatJSONL)
	})
}

// checkImported checks the invariants of any successful import.
func checkImported(t *testing.T, exs []*Example, rep *ImportReport) {
	t.Helper()
	if rep.Users != len(exs) {
		t.Fatalf("report says %d users, got %d", rep.Users, len(exs))
	}
	for _, ex := range exs {
		if ex.TargetCode == "" || ex.TargetTitle == "" {
			t.Fatalf("user %q has no target", ex.UserID)
		}
		prev := NoDate
		for _, r := range ex.History {
			if r.IsJob() && (r.Code == "" || !r.Start.Valid()) {
				t.Fatalf("user %q kept an invalid job %+v", ex.UserID, r)
			}
			if k := r.SortKey(); k.Before(prev) {
				t.Fatalf("user %q history out of order", ex.UserID)
			} else {
				prev = k
			}
		}
	}
}

// checkFuzzImport imports a fuzzed file with and without --skip-invalid:
// either it fails with an error that names the file and a line, or what it
// imported holds the importer's promises, and those of the format (more,
// when given).
func checkFuzzImport(t *testing.T, p, format string, more ...func(exs []*Example, rep *ImportReport)) {
	for _, skip := range []bool{false, true} {
		exs, rep, err := Import([]string{p}, ImportOptions{Format: format, MinJobs: 1, MaxJobs: 100, SkipInvalid: skip})
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.File != p || ie.Line < 1 {
				t.Fatalf("error without a file and line: %v", err)
			}
			continue
		}
		checkImported(t, exs, rep)
		for _, check := range more {
			check(exs, rep)
		}
		if skip {
			checkPathImport(t, p, format, len(exs))
		}
	}
}

// checkPathImport imports p again with a horizon of 2, by user and at a
// cutoff, and checks what paths and a time split promise: a path of two
// jobs that starts with the target, after the history; at the cutoff, no
// history record dated from it on and a path from it on.
func checkPathImport(t *testing.T, p, format string, users int) {
	cut := DateOf(2015, time.January, 1)
	for _, split := range []string{SplitUser, SplitTime} {
		opts := ImportOptions{Format: format, MinJobs: 1, MaxJobs: 100, SkipInvalid: true, Horizon: 2, Split: split}
		if split == SplitTime {
			opts.Cutoff = cut
		}
		x, err := ImportFiles(context.Background(), []string{p}, opts)
		if err != nil {
			t.Fatalf("split %s: %v", split, err)
		}
		n := 0
		err = x.Each(context.Background(), func(ex *Example, test bool) error {
			n++
			if split == SplitTime && !test {
				if ex.TargetPath != nil || ex.TargetCode == "" || len(ex.Jobs()) == 0 {
					t.Errorf("%s: train example %+v", ex.UserID, ex)
				}
			} else if len(ex.TargetPath) != 2 || ex.checkPath() != nil {
				t.Errorf("%s: target path %+v", ex.UserID, ex.TargetPath)
			}
			for _, r := range ex.History {
				if len(ex.TargetPath) > 0 && ex.TargetPath[0].Start.Before(r.Start) {
					t.Errorf("%s: history record %+v after the path", ex.UserID, r)
				}
				if split == SplitTime && (!r.SortKey().Before(cut) || r.End.Valid() && !r.End.Before(cut)) {
					t.Errorf("%s: history record %+v from the cutoff on", ex.UserID, r)
				}
			}
			if split == SplitTime && test && ex.TargetPath[0].Start.Before(cut) {
				t.Errorf("%s: path %+v starts before the cutoff", ex.UserID, ex.TargetPath)
			}
			return nil
		})
		x.Close()
		if err != nil {
			t.Fatal(err)
		}
		if split == SplitUser && n > users {
			t.Errorf("a horizon of 2 kept %d users, a single step %d", n, users)
		}
	}
}

// Import says what it merged, ignored and doubted.
func TestImportReportsMerges(t *testing.T) {
	job := func(user, start, code string) string {
		return fmt.Sprintf(`{"kind": "job", "start": %q, "occupation": %q}`, start, code)
	}
	jsonl := `{"user_id": "a", "records": [` + job("a", "2010", "15-1252.00") + `, ` + job("a", "2012", "15-1251.00") + `], "company": "x"}
{"user_id": "a", "records": [` + job("a", "2014", "15-1252.00") + `, {"kind": "job", "start": "2990", "occupation": "15-1252.00", "team": "y"}]}
{"user_id": "b", "records": []}
`
	opts := ImportOptions{Format: FormatJSONL, MinJobs: 1, MaxJobs: 10, Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }}
	exs, rep, err := Import([]string{writeTemp(t, "in.jsonl", jsonl)}, opts)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	rep.WriteText(&text)
	for _, want := range []string{
		"ignored keys: company, records[].team",
		"users given on more than one line, their records merged: 1",
		"dropped users, no records: 1",
		"users read: 2",
		"warning: 1 dates before 1900 or after 2027",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, text.String())
		}
	}
	if len(exs) != 1 {
		t.Errorf("%d users", len(exs))
	}
	// The same CSV twice: each record twice, counted, and dropped with Dedupe.
	in := writeTemp(t, "in.csv", csvHeader+"u1,job,2010-01,,Dev,15-1252.00,,,,,,\nu1,job,2012-01,,Dev,15-1251.00,,,,,,\n")
	for _, dedupe := range []bool{false, true} {
		exs, rep, err := Import([]string{in, in}, ImportOptions{Format: FormatCSV, MinJobs: 1, MaxJobs: 10, Dedupe: dedupe})
		if err != nil {
			t.Fatal(err)
		}
		wantJobs := map[bool]int{false: 3, true: 1}[dedupe] // history jobs
		if rep.DuplicateRecords != 2 || len(exs[0].History) != wantJobs {
			t.Errorf("dedupe %v: %d duplicates, history of %d", dedupe, rep.DuplicateRecords, len(exs[0].History))
		}
	}
	// Empty inputs are errors.
	for name, in := range map[string]string{"in.csv": csvHeader, "in.jsonl": "\n\n"} {
		format := map[string]string{"in.csv": FormatCSV, "in.jsonl": FormatJSONL}[name]
		if _, _, err := Import([]string{writeTemp(t, name, in)}, ImportOptions{Format: format, MinJobs: 1, MaxJobs: 10}); err == nil || !strings.Contains(err.Error(), "no records") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
