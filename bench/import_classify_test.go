package bench

import (
	"strings"
	"testing"
)

// --classify reads each job's occupation from its title where the
// occupation field is empty or free text, records how and how sure, and
// drops and counts the jobs it cannot place.
func TestImportClassify(t *testing.T) {
	p := writeTemp(t, "raw.csv", "user_id,start,title,occupation\n"+
		"u1,2010-01,Barista at Starbucks,\n"+
		"u1,2011-01,Sr. Software Engineer II,\n"+
		"u1,2012-01,RN BSN,Registered Nurse\n"+
		"u1,2013-01,Analyst,15-1252.00\n"+
		"u1,2014-01,Career Break,\n"+
		"u1,2015-01,,Cashier\n")
	opts := DefaultImport
	opts.MinJobs, opts.Classify = 2, true
	exs, rep, err := Import([]string{p}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(exs) != 1 {
		t.Fatalf("%d users", len(exs))
	}
	jobs := append(exs[0].History, Record{Code: exs[0].TargetCode})
	want := []struct{ code, method string }{
		{"35-3023.01", CodeClassified}, {"15-1252.00", CodeClassified}, {"29-1141.00", CodeClassified},
		{"15-1252.00", CodeGiven}, {"41-2011.00", CodeClassified},
	}
	if len(jobs) != len(want) {
		t.Fatalf("%d jobs, want %d: %+v", len(jobs), len(want), jobs)
	}
	for i, w := range want[:len(want)-1] {
		r := jobs[i]
		if r.Code != w.code || r.CodeMethod != w.method || r.CodeScore <= 0.5 || r.CodeScore > 1 {
			t.Errorf("job %d (%q): %s by %s (%.2f), want %s by %s", i, r.Title, r.Code, r.CodeMethod, r.CodeScore, w.code, w.method)
		}
	}
	if exs[0].TargetCode != "41-2011.00" {
		t.Errorf("target %s, want the cashier the occupation field names", exs[0].TargetCode)
	}
	x := rep.Classifier
	if x == nil || x.Jobs != 5 || x.Unclassified != 1 || x.ByMethod["alias"] < 3 || len(x.UnclassifiedTitles) != 1 || x.UnclassifiedTitles[0].Value != "Career Break" {
		t.Errorf("classifier report %+v", x)
	}
	if rep.DroppedRecords[DropUnclassified] != 1 {
		t.Errorf("dropped %v", rep.DroppedRecords)
	}

	// Without --classify, free text in the occupation field is an error that
	// names the closest occupations and the flag.
	opts.Classify = false
	_, _, err = Import([]string{p}, opts)
	if err == nil || !strings.Contains(err.Error(), `raw.csv:4: field "occupation": value "Registered Nurse": want an O*NET-SOC 2019 title or code; closest: 29-1141.00 Registered Nurses`) ||
		!strings.Contains(err.Error(), "--classify maps free text") {
		t.Errorf("err = %v", err)
	}
}
