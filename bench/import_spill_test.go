package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// interleave lays out each user's rows in rounds, the first row of every
// user, then the second, and so on, so that a user's rows lie far apart
// and land in different runs of the external sort.
func interleave(header string, users [][]string) string {
	var b strings.Builder
	b.WriteString(header)
	for round := 0; ; round++ {
		wrote := false
		for _, rows := range users {
			if round < len(rows) {
				b.WriteString(rows[round])
				wrote = true
			}
		}
		if !wrote {
			return b.String()
		}
	}
}

// scattered is an input of every format whose users' rows are spread over
// the file, with what the preprocessing must merge and drop: duplicates,
// jobs without a start date or occupation, records out of date order, equal
// dates, users with too few or too many jobs, invalid rows (read with
// SkipInvalid), JSONL users on several lines or without records, JobHop
// university levels on every row.
func scattered(format string) string {
	codes := []string{"13-2051.00", "11-3031.01", "Financial and Investment Analysts", "15-1252.00", "11-1021.00"}
	esco := []string{"2413.1", "1211.2", "unknown", "3313.1", "2512.4"}
	const users = 40
	var all [][]string
	for i := range users {
		id := fmt.Sprintf("u%03d", (i*17)%users) // file order is not id order
		jobs := 3 + i%11                         // some too few, some too many for 5..10
		var rows []string
		for j := range jobs {
			year := 2000 + j
			if i%3 == 0 {
				year = 2020 - j // newest first
			}
			if i%4 == 0 && j == 1 {
				year-- // the same date as a neighbour: input order decides
			}
			code := codes[(i+j)%len(codes)]
			switch format {
			case FormatCSV:
				start := fmt.Sprintf("%d-03", year)
				if i%5 == 0 && j == 2 {
					start = "" // dropped: no start date
				}
				rows = append(rows, fmt.Sprintf("%s,job,%s,,Title %d,%s,Finance,%d,,,,\n", id, start, j, code, 40000+1000*j))
			case TaxonomyESCO:
				rows = append(rows, fmt.Sprintf("%s,job,%d-03,,Title %d,%s,Finance,,,,,\n", id, year, j, esco[(i+j)%len(esco)]))
			case FormatRecBole:
				rows = append(rows, fmt.Sprintf("%s\t%s\t%d\n", id, code, (year-1970)*365*86400))
			case FormatJobHop:
				level := []string{"Bachelor", "Master", "unknown"}[i%3]
				rows = append(rows, fmt.Sprintf("%s,%s,Q%d %d,Q4 %d,%s\n", id, esco[(i+j)%len(esco)], 1+j%4, year, year, level))
			case FormatJSONL:
				rows = append(rows, fmt.Sprintf(`{"kind": "job", "start": "%d-03", "title": "Title %d", "occupation": "%s", "salary": %d}`, year, j, code, 40000+1000*j))
			}
		}
		if format == FormatCSV || format == TaxonomyESCO {
			rows = append(rows, fmt.Sprintf("%s,education,,1999-06,,,,,State University,Bachelor's degree,Economics,1999\n", id))
			if i%7 == 0 {
				rows = append(rows, rows[0]) // an exact copy
			}
			if i%11 == 0 {
				rows = append(rows, fmt.Sprintf("%s,job,2006-02-30,,Bad,%s,,,,,,\n", id, codes[0])) // invalid date
			}
		}
		if format == FormatJSONL {
			rows = jsonlLines(id, i, rows)
		}
		all = append(all, rows)
	}
	switch format {
	case FormatRecBole:
		return interleave("user_id:token\titem_id:token\ttimestamp:float\n", all)
	case FormatJobHop:
		return interleave("resume_id,matched_code,start_date,end_date,university_level\n", all)
	case FormatJSONL:
		return interleave("", all)
	}
	return interleave(csvHeader, all)
}

// jsonlLines splits a user's records over two lines, with an empty line or
// an invalid one for some users.
func jsonlLines(id string, i int, recs []string) []string {
	line := func(rs []string) string {
		return fmt.Sprintf(`{"user_id": %q, "records": [%s]}`+"\n", id, strings.Join(rs, ", "))
	}
	half := len(recs) / 2
	lines := []string{line(recs[:half]), line(recs[half:])}
	if i%6 == 0 {
		lines = append(lines, line(nil))
	}
	if i%11 == 0 {
		lines = append(lines, line([]string{`{"kind": "job", "start": "never"}`}))
	}
	if i%9 == 0 {
		lines = append(lines, fmt.Sprintf(`{"user_id": "e%03d", "records": []}`+"\n", i)) // a user without records
	}
	return lines
}

// importOf imports one input and returns the data set it writes, the
// number of runs the grouper spilled, and the split's test users.
func importOf(t *testing.T, path string, opts ImportOptions) (file []byte, runs int, test []string) {
	t.Helper()
	x, err := ImportFiles(context.Background(), []string{path}, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	entries, err := os.ReadDir(x.dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "run-") {
			runs++
		}
	}
	var exs []*Example
	err = x.Each(context.Background(), func(ex *Example, isTest bool) error {
		exs = append(exs, ex)
		if isTest {
			test = append(test, ex.UserID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out.arrow")
	if err := WriteExamples(out, exs, map[string]string{MetaPreprocess: x.Report.ReportJSON()}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b, runs, test
}

// TestImportSpillIsInvisible: however small the memory, and so however
// many runs the external sort spills, every format imports to the same
// bytes, report included, as when everything fits in memory.
func TestImportSpillIsInvisible(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts ImportOptions
	}{
		{"csv", ImportOptions{Format: FormatCSV, SkipInvalid: true}},
		{"csv dedupe", ImportOptions{Format: FormatCSV, SkipInvalid: true, Dedupe: true}},
		{"jsonl", ImportOptions{Format: FormatJSONL, SkipInvalid: true}},
		{"recbole", ImportOptions{Format: FormatRecBole}},
		{"jobhop", ImportOptions{Format: FormatJobHop, MinJobs: 3}},
		{"esco", ImportOptions{Format: FormatCSV, Codes: TaxonomyESCO, SkipInvalid: true, MinJobs: 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kind := tc.opts.Format
			if tc.opts.Codes == TaxonomyESCO {
				kind = TaxonomyESCO
			}
			in := writeTemp(t, "in", scattered(kind))
			opts := tc.opts
			opts.MinJobs, opts.MaxJobs = max(opts.MinJobs, 5), 10
			opts.TestUsers, opts.SplitSeed = 4, 3
			opts.TempDir = t.TempDir()
			want, runs, wantTest := importOf(t, in, opts)
			if runs != 0 {
				t.Fatalf("default memory: %d runs spilled, want none", runs)
			}
			if len(wantTest) != 4 {
				t.Fatalf("%d test users, want 4", len(wantTest))
			}
			for _, memory := range []int64{1, 700, 5000} {
				opts.Memory = memory
				got, runs, test := importOf(t, in, opts)
				if runs < 2 {
					t.Errorf("memory %d: %d runs spilled, want several", memory, runs)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("memory %d (%d runs): the data set differs from the one made in memory", memory, runs)
				}
				if !reflect.DeepEqual(test, wantTest) {
					t.Errorf("memory %d: test users %v, want %v", memory, test, wantTest)
				}
			}
			if entries, _ := os.ReadDir(opts.TempDir); len(entries) != 0 {
				t.Errorf("left %d temporary entries", len(entries))
			}
		})
	}
}

// The split an import chooses as users stream past is Split's.
func TestImportSplitIsSplit(t *testing.T) {
	in := writeTemp(t, "in.csv", careerCSV(50, 6))
	for _, n := range []int{1, 7, 50, 60} {
		opts := DefaultImport
		opts.TestUsers, opts.SplitSeed, opts.Memory = n, 9, 3000
		_, _, test := importOf(t, in, opts)
		exs, _, err := Import([]string{in}, DefaultImport)
		if err != nil {
			t.Fatal(err)
		}
		_, want := Split(exs, n, 9)
		var ids []string
		for _, ex := range want {
			ids = append(ids, ex.UserID)
		}
		if !reflect.DeepEqual(test, ids) {
			t.Errorf("%d test users: import chose %v, Split %v", n, test, ids)
		}
	}
}

// countdown is a context canceled after its Err has been asked n times.
type countdown struct {
	context.Context
	n int
}

func (c *countdown) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

// An import leaves no temporary file behind: after success and Close, on an
// input error met after runs were spilled, and when canceled while parsing
// or while its examples stream.
func TestImportRemovesTemporaryFiles(t *testing.T) {
	big := writeTemp(t, "big.csv", careerCSV(2000, 6)) // 14,000 rows
	bad := writeTemp(t, "bad.csv", careerCSV(300, 6)+"u999,job,2006-02-30,,Dev,15-1252.00,,,,,,\n")
	tmp := t.TempDir()
	opts := DefaultImport
	opts.Memory, opts.TempDir = 10_000, tmp
	left := func(when string) {
		t.Helper()
		if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
			t.Errorf("%s: left %d temporary entries", when, len(entries))
		}
	}

	x, err := ImportFiles(context.Background(), []string{big}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if x.Report.Users != 2000 {
		t.Errorf("kept %d users, want 2000", x.Report.Users)
	}
	ctx, cancel := context.WithCancel(context.Background())
	err = x.Each(ctx, func(*Example, bool) error { cancel(); return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Each canceled: %v", err)
	}
	x.Close()
	left("success")

	_, err = ImportFiles(context.Background(), []string{bad}, opts)
	var ie *InputError
	if !errors.As(err, &ie) || ie.File != bad || ie.Line != 2102 || ie.Field != "start" || ie.Value != "2006-02-30" {
		t.Errorf("input error after spills: %v", err)
	}
	left("input error")

	for _, asks := range []int{0, 2, 3} { // while parsing, and while merging
		_, err = ImportFiles(&countdown{context.Background(), asks}, []string{big}, opts)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("canceled after %d checks: %v", asks, err)
		}
		left(fmt.Sprintf("canceled after %d checks", asks))
	}
}

// Records and examples read back from a temporary file exactly as written.
func TestSpillRoundTrip(t *testing.T) {
	recs := []Record{
		{Kind: Education, End: DateOf(1961, 6, 30), School: "École", Degree: "BSc", Major: "Maths", GradYear: 1961},
		{Kind: Job, Start: DateFromDays(-4000), Title: "Dev", Code: "15-1252.00", Occupation: "Software Developers",
			Industry: "IT", Salary: math.Copysign(0, -1), CodeMethod: CodeCrosswalk, CodeScore: 0.3125, SourceCode: "2512.4"},
		{Kind: Job, Start: DateOf(2020, 1, 1), End: DateOf(2021, 2, 28), Salary: 1e12, CodeScore: 1, Title: strings.Repeat("long ", 40)},
		{},
	}
	dir := t.TempDir()
	w, err := createSpill(dir, "t-*")
	if err != nil {
		t.Fatal(err)
	}
	// More distinct strings than the file numbers, each twice.
	var many []Record
	for i := range tableMax + 500 {
		many = append(many, Record{Title: fmt.Sprint("t", i), Code: recs[1].Code}, Record{Title: fmt.Sprint("t", i)})
	}
	users := []*rawUser{{id: "a", records: recs, lines: 2, empty: true}, {id: "ü", lines: 1}, {id: "b", records: many}}
	for _, u := range users {
		if err := w.user(u); err != nil {
			t.Fatal(err)
		}
	}
	ex := &Example{UserID: "x", History: recs[:3], TargetCode: "11-1021.00", TargetTitle: "General and Operations Managers"}
	if err := w.example(ex, setTest); err != nil {
		t.Fatal(err)
	}
	withPath := &Example{UserID: "y", History: recs[:1], TargetCode: recs[1].Code, TargetTitle: recs[1].Occupation, TargetPath: recs[1:3]}
	if err := w.example(withPath, setTrain); err != nil {
		t.Fatal(err)
	}
	if err := w.close(); err != nil {
		t.Fatal(err)
	}
	r, err := openSpill(w.path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	for _, want := range users {
		got, err := r.next()
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("user read back as %+v (%v), want %+v", got, err, want)
		}
	}
	got, set, err := r.example()
	if err != nil || set != setTest || !reflect.DeepEqual(got, ex) || math.Signbit(got.History[1].Salary) != true {
		t.Fatalf("example read back as %+v in set %d (%v), want %+v", got, set, err, ex)
	}
	got, set, err = r.example()
	if err != nil || set != setTrain || !reflect.DeepEqual(got, withPath) {
		t.Fatalf("example read back as %+v in set %d (%v), want %+v", got, set, err, withPath)
	}
	if u, err := r.next(); u != nil || err != nil {
		t.Errorf("after the last item: %v, %v", u, err)
	}

	// A file cut short is an error, not a shorter input.
	b, _ := os.ReadFile(w.path)
	cut := filepath.Join(dir, "cut")
	if err := os.WriteFile(cut, b[:len(b)-3], 0o644); err != nil {
		t.Fatal(err)
	}
	r2, err := openSpill(cut)
	if err != nil {
		t.Fatal(err)
	}
	defer r2.close()
	for range users {
		r2.next()
	}
	r2.example()
	if _, _, err := r2.example(); err == nil || !strings.Contains(err.Error(), "unexpected EOF") {
		t.Errorf("a cut file: %v", err)
	}
}
