package bench

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"
)

// horizonCSV: a has six jobs and education inside its last three; b has
// five jobs; c has four (dropped by min 5).
const horizonCSV = csvHeader +
	"a,education,,,,,,,MIT,BSc,CS,2004\n" +
	"a,job,2005-01,2006-12,Dev,15-1252.00,,,,,,\n" +
	"a,job,2007-01,2008-12,Dev,15-1252.00,,,,,,\n" +
	"a,job,2009-01,2010-12,Lead,15-1299.08,,,,,,\n" +
	"a,job,2011-01,2012-12,Manager,11-3021.00,,,,,,\n" +
	"a,education,2013-01,2013-06,,,,,Stanford,MBA,Business,2013\n" +
	"a,job,2014-01,2016-12,CTO,11-1021.00,,,,,,\n" +
	"a,job,2017-01,,CEO,11-1011.00,,,,,,\n" +
	"a,education,2018-01,2018-06,,,,,INSEAD,Certificate,Leadership,2018\n" +
	"b,job,2010-01,2010-12,Dev,15-1252.00,,,,,,\n" +
	"b,job,2011-01,2011-12,Dev,15-1252.00,,,,,,\n" +
	"b,job,2012-01,2014-06,Lead,15-1299.08,,,,,,\n" +
	"b,job,2014-07,2020-02,Manager,11-3021.00,,,,,,\n" +
	"b,job,2020-03,,CTO,11-1021.00,,,,,,\n" +
	"c,job,2010-01,,Dev,15-1252.00,,,,,,\n" +
	"c,job,2011-01,,Dev,15-1252.00,,,,,,\n" +
	"c,job,2012-01,,Dev,15-1252.00,,,,,,\n" +
	"c,job,2019-01,,Dev,15-1252.00,,,,,,\n"

// importEach imports in with opts and returns each example's user, set
// and path, and the report.
func importEach(t *testing.T, in string, opts ImportOptions) ([]*Example, []bool, *ImportReport) {
	t.Helper()
	x, err := ImportFiles(context.Background(), []string{writeTemp(t, "in.csv", in)}, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	var exs []*Example
	var test []bool
	err = x.Each(context.Background(), func(ex *Example, isTest bool) error {
		exs = append(exs, ex)
		test = append(test, isTest)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return exs, test, x.Report
}

func historyCodes(ex *Example) []string { return ex.Codes() }

func TestImportHorizon(t *testing.T) {
	for _, tc := range []struct {
		name     string
		k, min   int
		users    []string
		paths    [][]string
		hist     [][]string
		dropped  map[string]int // users
		records  map[string]int // records dropped
		jobs     int
		edu      int
		horizonK int
	}{
		{
			name: "horizon 1", k: 1, min: 5, users: []string{"a", "b"},
			paths:   [][]string{{"11-1011.00"}, {"11-1021.00"}},
			hist:    [][]string{{"15-1252.00", "15-1252.00", "15-1299.08", "11-3021.00", "11-1021.00"}, {"15-1252.00", "15-1252.00", "15-1299.08", "11-3021.00"}},
			dropped: map[string]int{DropTooFewJobs: 1}, records: map[string]int{DropAfterTarget: 1},
			jobs: 11, edu: 2,
		},
		{
			// 6 jobs needed: b and c are short; the MBA falls inside a's path.
			name: "horizon 3", k: 3, min: 4, users: []string{"a"},
			paths:   [][]string{{"11-3021.00", "11-1021.00", "11-1011.00"}},
			hist:    [][]string{{"15-1252.00", "15-1252.00", "15-1299.08"}},
			dropped: map[string]int{DropShortPath: 2}, records: map[string]int{DropInPath: 1, DropAfterTarget: 1},
			jobs: 6, edu: 1, horizonK: 3,
		},
		{
			// 6 jobs needed: b is short.
			name: "horizon 2", k: 2, min: 5, users: []string{"a"},
			paths:   [][]string{{"11-1021.00", "11-1011.00"}},
			hist:    [][]string{{"15-1252.00", "15-1252.00", "15-1299.08", "11-3021.00"}},
			dropped: map[string]int{DropTooFewJobs: 1, DropShortPath: 1}, records: map[string]int{DropAfterTarget: 1},
			jobs: 6, edu: 2, horizonK: 2,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := DefaultImport
			opts.Horizon, opts.MinJobs = tc.k, tc.min
			exs, _, rep := importEach(t, horizonCSV, opts)
			var users []string
			for i, ex := range exs {
				users = append(users, ex.UserID)
				if i >= len(tc.paths) {
					break
				}
				if got := ex.Path(); !reflect.DeepEqual(got, tc.paths[i]) {
					t.Errorf("%s: path %v, want %v", ex.UserID, got, tc.paths[i])
				}
				if got := historyCodes(ex); !reflect.DeepEqual(got, tc.hist[i]) {
					t.Errorf("%s: history %v, want %v", ex.UserID, got, tc.hist[i])
				}
				if tc.k == 1 && ex.TargetPath != nil {
					t.Errorf("%s: a single-step import wrote a target path", ex.UserID)
				}
				if tc.k > 1 && (ex.TargetPath[0].Title == "" || !ex.TargetPath[0].Start.Valid() || ex.TargetCode != ex.TargetPath[0].Code) {
					t.Errorf("%s: target path %+v, target %s", ex.UserID, ex.TargetPath, ex.TargetCode)
				}
			}
			if !reflect.DeepEqual(users, tc.users) {
				t.Errorf("users %v, want %v", users, tc.users)
			}
			if !reflect.DeepEqual(rep.UsersDropped, tc.dropped) || rep.JobRecords != tc.jobs || rep.EduRecords != tc.edu || rep.Horizon != tc.horizonK {
				t.Errorf("report: dropped %v, %d jobs, %d education, horizon %d; want %v, %d, %d, %d", rep.UsersDropped, rep.JobRecords, rep.EduRecords, rep.Horizon, tc.dropped, tc.jobs, tc.edu, tc.horizonK)
			}
			for k, v := range tc.records {
				if rep.DroppedRecords[k] != v {
					t.Errorf("dropped records %v, want %v", rep.DroppedRecords, tc.records)
				}
			}
		})
	}
}

func TestImportTimeSplit(t *testing.T) {
	opts := DefaultImport
	opts.MinJobs = 4
	opts.Split, opts.Horizon = SplitTime, 2
	opts.Cutoff = DateOf(2014, time.January, 1)
	exs, test, rep := importEach(t, horizonCSV, opts)
	type row struct {
		user string
		test bool
		hist []string
		path []string
	}
	var got []row
	for i, ex := range exs {
		got = append(got, row{ex.UserID, test[i], historyCodes(ex), ex.Path()})
		for _, r := range append(ex.History, ex.TargetPath[:0]...) {
			if r.End.Valid() && !r.End.Before(opts.Cutoff) || r.GradYear >= 2014 {
				t.Errorf("%s: a history record dated after the cutoff: %+v", ex.UserID, r)
			}
		}
	}
	want := []row{
		// a: four jobs and the MBA before 2014, then two.
		{"a", false, []string{"15-1252.00", "15-1252.00", "15-1299.08"}, []string{"11-3021.00"}},
		{"a", true, []string{"15-1252.00", "15-1252.00", "15-1299.08", "11-3021.00"}, []string{"11-1021.00", "11-1011.00"}},
		// b: three jobs before 2014, two after; the third ends after the
		// cutoff, so it reads as ongoing.
		{"b", false, []string{"15-1252.00", "15-1252.00"}, []string{"15-1299.08"}},
		{"b", true, []string{"15-1252.00", "15-1252.00", "15-1299.08"}, []string{"11-3021.00", "11-1021.00"}},
		// c: three jobs before, one after: train only.
		{"c", false, []string{"15-1252.00", "15-1252.00"}, []string{"15-1252.00"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("examples:\n got %v\nwant %v", got, want)
	}
	if ex := exs[3]; ex.History[2].End.Valid() {
		t.Errorf("b's job held across the cutoff ends %s", ex.History[2].End)
	}
	if ex := exs[1]; len(ex.History) != 6 || ex.History[5].Degree != "MBA" {
		t.Errorf("a's test history %+v, want the MBA of 2013 last", ex.History)
	}
	s := rep.Split
	if s == nil || s.Method != SplitTime || s.Cutoff != "2014-01" || s.Train != 3 || s.Test != 2 ||
		!reflect.DeepEqual(s.NotTest, map[string]int{NotTestShortPath: 1}) || len(s.NotTrain) != 0 {
		t.Errorf("split report %+v", s)
	}
	if rep.Users != 3 {
		t.Errorf("%d users kept, want 3", rep.Users)
	}
	var b strings.Builder
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"  horizon: 2 target jobs per user\n",
		"  split (time, cutoff 2014-01): 3 train, 2 test\n",
		"    users not in test, fewer than 2 jobs (the horizon) from the cutoff on: 1\n",
	} {
		if !strings.Contains(b.String(), line) {
			t.Errorf("report lacks %q:\n%s", line, b.String())
		}
	}

	// A cutoff before every job leaves no train example and no test user.
	opts.Cutoff = DateOf(2000, time.January, 1)
	exs, _, rep = importEach(t, horizonCSV, opts)
	if len(exs) != 0 || rep.Split.NotTest[NotTestNoHistory] != 3 || rep.Split.NotTrain[NotTrainTooFew] != 3 {
		t.Errorf("an early cutoff: %d examples, split %+v", len(exs), rep.Split)
	}
}

func TestImportSplitOptionErrors(t *testing.T) {
	cut := DateOf(2014, time.January, 1)
	for _, tc := range []struct {
		name string
		edit func(*ImportOptions)
		want string
	}{
		{"negative horizon", func(o *ImportOptions) { o.Horizon = -1 }, "horizon -1: want 1 to 64"},
		{"cutoff without time", func(o *ImportOptions) { o.Cutoff = cut }, `cutoff 2014-01-01: a cutoff splits by time; want split "time"`},
		{"time without cutoff", func(o *ImportOptions) { o.Split = SplitTime }, `split "time": want a cutoff month`},
		{"time with test users", func(o *ImportOptions) { o.Split, o.Cutoff, o.TestUsers = SplitTime, cut, 3 }, "test users 3: a time split"},
		{"unknown split", func(o *ImportOptions) { o.Split = "random" }, `split "random": want user or time`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := DefaultImport
			tc.edit(&opts)
			_, err := ImportFiles(context.Background(), []string{writeTemp(t, "in.csv", horizonCSV)}, opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestParseCutoff(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Date
		ok   bool
	}{
		{"2021-01", DateOf(2021, time.January, 1), true},
		{"1999-12", DateOf(1999, time.December, 1), true},
		{"2021-13", NoDate, false},
		{"2021-00", NoDate, false},
		{"2021-1", NoDate, false},
		{"2021-01-01", NoDate, false},
		{"+021-01", NoDate, false},
		{"2021/01", NoDate, false},
		{"", NoDate, false},
	} {
		got, err := ParseCutoff(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseCutoff(%q) = %v, %v", tc.in, got, err)
		}
		if err != nil && !strings.Contains(err.Error(), "want a month YYYY-MM") {
			t.Errorf("ParseCutoff(%q): error %v", tc.in, err)
		}
	}
}

// A cutoff either reads as the first day of its month, written back the
// same, or is an error.
func FuzzParseCutoff(f *testing.F) {
	for _, s := range []string{"2021-01", "1999-12", "2021-13", "0000-01", "２０２１-01", "2021-1 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseCutoff(s)
		if err != nil {
			return
		}
		if !d.Valid() || d.Time().Day() != 1 || d.String()[:7] != s {
			t.Errorf("ParseCutoff(%q) = %v", s, d)
		}
	})
}
