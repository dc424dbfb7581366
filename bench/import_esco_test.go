package bench

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/occbench/occbench/bench/esco"
	"github.com/occbench/occbench/internal/fixture"
)

func TestParseQuarter(t *testing.T) {
	for _, tc := range []struct {
		in, first, last string // "" first: an error
	}{
		{"Q3 1996", "1996-07-01", "1996-09-30"},
		{"Q1 2000", "2000-01-01", "2000-03-31"},
		{"Q1 2004", "2004-01-01", "2004-03-31"},
		{"Q2 2010", "2010-04-01", "2010-06-30"},
		{"Q4 2019", "2019-10-01", "2019-12-31"},
		{"q4 2019", "2019-10-01", "2019-12-31"},
		{" Q2  2021 ", "2021-04-01", "2021-06-30"},
		{"Q32021", "2021-07-01", "2021-09-30"},
		{"Q5 1996", "", ""},
		{"Q0 1996", "", ""},
		{"Q3 96", "", ""},
		{"Q3 1996-07", "", ""},
		{"Q3", "", ""},
		{"Q", "", ""},
		{"3 1996", "", ""},
		{"Q3 +996", "", ""},
	} {
		first, last, err := ParseQuarter(tc.in)
		if tc.first == "" {
			if err == nil {
				t.Errorf("ParseQuarter(%q) = %s, %s; want an error", tc.in, first, last)
			}
			continue
		}
		if err != nil || first.String() != tc.first || last.String() != tc.last {
			t.Errorf("ParseQuarter(%q) = %s, %s, %v; want %s, %s", tc.in, first, last, err, tc.first, tc.last)
		}
	}
}

func FuzzParseQuarter(f *testing.F) {
	for _, s := range []string{"Q3 1996", "q1 0000", "Q4 9999", "Q5 1996", "Q3  1996", "Q", "Q3 19 6"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		first, last, err := ParseQuarter(s)
		if err != nil {
			if first.Valid() || last.Valid() || !strings.Contains(err.Error(), "Q3 1996") {
				t.Fatalf("ParseQuarter(%q): %s %s %v", s, first, last, err)
			}
			return
		}
		ft, lt := first.Time(), last.Time()
		if ft.Day() != 1 || (ft.Month()-1)%3 != 0 || lt.AddDate(0, 0, 1) != ft.AddDate(0, 3, 0) {
			t.Fatalf("ParseQuarter(%q) = %s, %s: not a quarter", s, first, last)
		}
		// What a start or end field reads is the quarter's first or last day.
		if d, err := parseDateField(s, false); err != nil || d != first {
			t.Fatalf("start %q = %s, %v", s, d, err)
		}
		if d, err := parseDateField(s, true); err != nil || d != last {
			t.Fatalf("end %q = %s, %v", s, d, err)
		}
	})
}

// The long CSV, JSONL and RecBole formats take ESCO values with
// --taxonomy esco: URIs, labels and codes, recorded as crosswalk mappings.
func TestImportESCO(t *testing.T) {
	const uri = "http://data.europa.eu/esco/occupation/5bca96fd-4203-400b-be58-9e9b50bc98da" // member of parliament
	in := "user_id,start,end,title,occupation\n" +
		"a,2001-01,2002-12,MP," + uri + "\n" +
		"a,2003,2004,Cab,taxi driver\n" +
		"a,Q1 2005,Q4 2006,Analyst,2431.11\n" +
		"a,Q1 2007,,Soldier,0110.1\n" +
		"a,Q1 2008,,,unknown\n" +
		"a,Q1 2009,,,\n" + // empty: no occupation, as with O*NET codes
		"a,Q1 2010,,Cook,5120.3\n"
	opts := ImportOptions{Format: FormatCSV, Codes: TaxonomyESCO, MinJobs: 1, MaxJobs: 10}
	exs, rep, err := Import([]string{writeTemp(t, "in.csv", in)}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(exs) != 1 {
		t.Fatalf("%d users", len(exs))
	}
	ex := exs[0]
	want := []struct {
		code, source string
		score        float64
	}{
		{"11-1031.00", uri, 1},
		{"53-3054.00", "taxi driver", 0.5},
		{"13-1161.00", "2431.11", 0.3125},
	}
	if len(ex.History) != len(want) || ex.TargetCode != "35-2012.00" {
		t.Fatalf("history %+v, target %s", ex.History, ex.TargetCode)
	}
	for i, w := range want {
		r := ex.History[i]
		if r.Code != w.code || r.SourceCode != w.source || r.CodeMethod != CodeCrosswalk || math.Abs(r.CodeScore-w.score) > 1e-12 {
			t.Errorf("job %d = %+v, want %s from %q with score %g", i, r, w.code, w.source, w.score)
		}
	}
	if ex.History[1].Occupation != "Taxi Drivers" || ex.History[1].Title != "Cab" {
		t.Errorf("job 1 = %+v", ex.History[1])
	}
	x := rep.Crosswalk
	if rep.Taxonomy != TaxonomyESCO || x == nil {
		t.Fatalf("report = %+v", rep)
	}
	if x.Jobs != 6 || x.Mapped["uri"] != 1 || x.Mapped["label"] != 1 || x.Mapped["code_via_isco"] != 2 || x.Ambiguous != 1 || x.Split != 1 || x.Unmapped != 2 {
		t.Errorf("crosswalk report = %+v", x)
	}
	if len(x.UnmappedValues) != 2 || x.UnmappedValues[0] != (ValueCount{"0110.1", 1}) || x.UnmappedValues[1] != (ValueCount{"unknown", 1}) {
		t.Errorf("unmapped values = %+v", x.UnmappedValues)
	}
	if rep.DroppedRecords[DropUnmapped] != 2 || rep.DroppedRecords[DropNoOccupation] != 1 {
		t.Errorf("dropped = %v", rep.DroppedRecords)
	}
	// JSONL and RecBole read the same values in the same way.
	jsonl := `{"user_id": "a", "records": [{"start": "Q1 2005", "occupation": "2431.11"}, {"start": "2003", "occupation": "taxi driver"}, {"start": "2010", "occupation": "unknown"}]}`
	inter := "user_id:token\titem_id:token\ttimestamp:float\na\t2431.11\t1104537600\na\ttaxi driver\t1041379200\na\tunknown\t1262304000\n"
	for name, in := range map[string]string{"in.jsonl": jsonl, "in.inter": inter} {
		opts.Format = map[string]string{"in.jsonl": FormatJSONL, "in.inter": FormatRecBole}[name]
		exs, rep, err := Import([]string{writeTemp(t, name, in)}, opts)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(exs) != 1 || exs[0].TargetCode != "13-1161.00" || exs[0].History[0].SourceCode != "taxi driver" || rep.Crosswalk.Unmapped != 1 {
			t.Errorf("%s: %+v, report %+v", name, exs, rep.Crosswalk)
		}
	}
}

// The report lists the 20 most frequent unmapped values, most frequent
// first, and counts them all.
func TestImportESCOUnmappedList(t *testing.T) {
	var b strings.Builder
	b.WriteString("user_id,start,occupation\n")
	for i := range 25 {
		for range i + 1 {
			b.WriteString("u,2010," + strings.Repeat("x", i+1) + "\n")
		}
	}
	b.WriteString("u,2011,5120.3\n")
	_, rep, err := Import([]string{writeTemp(t, "in.csv", b.String())}, ImportOptions{Format: FormatCSV, Codes: TaxonomyESCO, MinJobs: 1, MaxJobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	x := rep.Crosswalk
	if x.Unmapped != 25*26/2 || len(x.UnmappedValues) != 20 || x.UnmappedValues[0] != (ValueCount{strings.Repeat("x", 25), 25}) || x.UnmappedValues[19].Jobs != 6 {
		t.Errorf("unmapped %d, listed %+v", x.Unmapped, x.UnmappedValues)
	}
}

func TestImportJobHop(t *testing.T) {
	exs, rep, err := Import([]string{"../testdata/import/jobhop_sample.csv"}, ImportOptions{Format: FormatJobHop, MinJobs: 3, MaxJobs: 15})
	if err != nil {
		t.Fatal(err)
	}
	if len(exs) != 3 || rep.Taxonomy != TaxonomyESCO || rep.Rows != 19 || rep.Crosswalk.Unmapped != 3 || rep.DroppedRecords[DropNoStart] != 1 {
		t.Fatalf("%d users, report %+v", len(exs), rep)
	}
	first := exs[0]
	if first.UserID != "101" || first.History[0].Kind != Education || first.History[0].Degree != "Bachelor" {
		t.Errorf("user 101 history starts with %+v", first.History[0])
	}
	job := first.History[1]
	if job.Start.String() != "1996-07-01" || job.End.String() != "1998-06-30" || job.SourceCode != "5131.1" || job.Code != "35-3031.00" || job.CodeMethod != CodeCrosswalk || job.CodeScore != 1 {
		t.Errorf("first job = %+v", job)
	}
	// "unknown" is no education record.
	if exs[2].UserID != "103" || exs[2].History[0].Kind != Job {
		t.Errorf("user 103 = %+v", exs[2])
	}
}

func TestImportJobHopErrors(t *testing.T) {
	header := "resume_id,matched_code,start_date,end_date,university_level\n"
	good := "1,5120.3,Q1 2000,Q4 2001,Master\n"
	for _, tc := range []struct {
		name, format, codes, input string
		want                       []string
	}{
		{"bad quarter", FormatJobHop, "", header + good + "1,5120.3,Q5 2001,Q4 2001,Master\n", []string{`in.csv:3: field "start_date": value "Q5 2001": want a date YYYY-MM-DD, YYYY-MM or YYYY, or a quarter such as Q3 1996`}},
		{"bad end quarter", FormatJobHop, "", header + "1,5120.3,Q1 2000,Q1 20x1,Master\n", []string{`in.csv:2: field "end_date": value "Q1 20x1"`}},
		{"end before start", FormatJobHop, "", header + "1,5120.3,Q2 2000,Q1 2000,Master\n", []string{`in.csv:2: field "end_date": value "Q1 2000": want a date not before start 2000-04-01`}},
		{"empty resume id", FormatJobHop, "", header + " ,5120.3,Q2 2000,,Master\n", []string{`in.csv:2: field "resume_id"`, "non-empty"}},
		{"missing column", FormatJobHop, "", "resume_id,matched_code,start_date\n" + "1,5120.3,Q1 2000\n", []string{"in.csv:1", "no end_date column", "resume_id,matched_code,start_date,end_date,university_level"}},
		{"jobhop as csv", FormatCSV, "", header + good, []string{"in.csv:1", "no user_id column", "--format jobhop"}},
		{"jobhop with onet codes", FormatJobHop, TaxonomyONET, header + good, []string{`taxonomy "onet"`, "ESCO"}},
		{"unknown taxonomy", FormatCSV, "isco", header + good, []string{`taxonomy "isco": want onet or esco`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Import([]string{writeTemp(t, "in.csv", tc.input)}, ImportOptions{Format: tc.format, Codes: tc.codes, MinJobs: 1, MaxJobs: 15})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
	// With --skip-invalid the bad row is reported, with the same words.
	in := writeTemp(t, "in.csv", header+good+"1,5120.3,Q5 2001,,Master\n")
	_, rep, err := Import([]string{in}, ImportOptions{Format: FormatJobHop, MinJobs: 1, MaxJobs: 15, SkipInvalid: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Invalid) != 1 || rep.Invalid[0] != (InvalidRow{File: in, Line: 3, Field: "start_date", Value: "Q5 2001", Reason: wantDate}) {
		t.Errorf("invalid = %+v", rep.Invalid)
	}
}

func FuzzImportJobHop(f *testing.F) {
	f.Add("resume_id,matched_code,start_date,end_date,university_level\n1,5120.3,Q1 2000,Q4 2001,Master\n1,unknown,null,,\n")
	f.Add("resume_id,matched_code,start_date,end_date\n1," + esco.URIPrefix + "5bca96fd-4203-400b-be58-9e9b50bc98da,Q1 2000,q2 2000\n")
	f.Add("resume_id,matched_code,start_date,end_date\n1,2431.11.2,2000-01,Q3  2001\n2,taxi driver,Q9 2000,\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, in string) {
		p := filepath.Join(dir, "f.csv")
		fixture.Write(t, p, in)
		checkFuzzImport(t, p, FormatJobHop, func(exs []*Example, rep *ImportReport) {
			x := rep.Crosswalk
			mapped := 0
			for _, n := range x.Mapped {
				mapped += n
			}
			if mapped+x.Unmapped != x.Jobs || x.Unmapped != rep.DroppedRecords[DropUnmapped] {
				t.Fatalf("crosswalk counts do not add up: %+v, dropped %v", x, rep.DroppedRecords)
			}
			for _, ex := range exs {
				for _, r := range ex.Jobs() {
					if r.CodeMethod != CodeCrosswalk || r.CodeScore <= 0 || r.CodeScore > 1 || r.SourceCode == "" {
						t.Fatalf("job %+v", r)
					}
				}
			}
		})
	})
}

// jobhopCSV writes a JobHop-style CSV of rows rows: resumes of 2 to 12
// jobs with ESCO codes drawn from the crosswalk's ISCO groups (5% "unknown"),
// quarters from 1990.
func jobhopCSV(rows int) string {
	groups := esco.Default().Groups()
	var b strings.Builder
	b.WriteString("resume_id,matched_code,start_date,end_date,university_level\n")
	rng := uint64(1)
	next := func(n int) int { // xorshift: deterministic and cheap
		rng ^= rng << 13
		rng ^= rng >> 7
		rng ^= rng << 17
		return int(rng % uint64(n))
	}
	levels := []string{"Bachelor", "Master", "unknown", "Professional Bachelor", "Doctorate"}
	for id, n := 0, 0; n < rows; id++ {
		jobs, year, level := 2+next(11), 1990+next(20), levels[next(len(levels))]
		for j := 0; j < jobs && n < rows; j, n = j+1, n+1 {
			code := "unknown"
			if next(20) > 0 {
				code = groups[next(len(groups))].ISCO + "." + strconv.Itoa(1+next(9))
			}
			q := 1 + next(4)
			fmt.Fprintf(&b, "%d,%s,Q%d %d,Q%d %d,%s\n", id, code, q, year, q, year+1, level)
			year++
		}
	}
	return b.String()
}

func BenchmarkImportJobHop(b *testing.B) {
	const rows = 100_000
	p := writeTemp(b, "jobhop.csv", jobhopCSV(rows))
	opts := ImportOptions{Format: FormatJobHop, MinJobs: 5, MaxJobs: 15}
	esco.Default() // load the crosswalk (and O*NET) outside the timing
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := Import([]string{p}, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
