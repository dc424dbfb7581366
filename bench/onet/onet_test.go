package onet

import (
	"math"
	"strings"
	"testing"
)

func TestCounts(t *testing.T) {
	tx := Default()
	if got := tx.Len(); got != 1016 {
		t.Fatalf("Len = %d, want 1016", got)
	}
	var withRelated, pairs, without, dotZero, withEdu, changerSources, changerPairs int
	var alternate, reported, withReported int
	zones := map[int]int{}
	for i, o := range tx.Occupations() {
		if i > 0 && tx.Occupations()[i-1].Code >= o.Code {
			t.Errorf("occupations not sorted at %s", o.Code)
		}
		if j, ok := tx.Index(o.Code); !ok || j != i {
			t.Errorf("Index(%s) = %d, %v; want %d", o.Code, j, ok, i)
		}
		if !ValidCode(o.Code) || o.Title == "" || o.Description == "" {
			t.Errorf("bad occupation %+v", o)
		}
		if strings.HasSuffix(o.Code, ".00") {
			dotZero++
		}
		zones[o.JobZone]++
		r := tx.Related(o.Code)
		if r == nil {
			without++
			if o.JobZone != 0 {
				t.Errorf("%s has no related list but job zone %d", o.Code, o.JobZone)
			}
		} else {
			withRelated++
			pairs += len(r)
		}
		if tx.Education(o.Code) != nil {
			withEdu++
		}
		if c := tx.CareerChangers(o.Code); c != nil {
			changerSources++
			changerPairs += len(c)
		}
		alternate += len(tx.AlternateTitles(o.Code))
		if n := len(tx.ReportedTitles(o.Code)); n > 0 {
			withReported++
			reported += n
		}
	}
	checks := []struct {
		name      string
		got, want int
	}{
		{"occupations with related list", withRelated, 923},
		{"related pairs", pairs, 18460},
		{"occupations without related list", without, 93},
		{".00 occupations", dotZero, 867},
		{"job zone 0", zones[0], 93},
		{"job zone 1", zones[1], 31},
		{"job zone 2", zones[2], 295},
		{"job zone 3", zones[3], 219},
		{"job zone 4", zones[4], 224},
		{"job zone 5", zones[5], 154},
		{"occupations with education", withEdu, 858},
		{"career changer sources", changerSources, 777},
		{"career changer pairs", changerPairs, 7221},
		{"alternate titles", alternate, 56560},
		{"reported titles", reported, 7796},
		{"occupations with reported titles", withReported, 901},
		{"major groups", len(tx.Groups(Major)), 23},
		{"minor groups", len(tx.Groups(Minor)), 98},
		{"broad groups", len(tx.Groups(Broad)), 459},
		{"detailed groups", len(tx.Groups(Detailed)), 867},
		{"job zones", len(tx.JobZones()), 5},
		{"education levels", len(EducationLevels()), 12},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
}

func TestRelatedLists(t *testing.T) {
	tx := Default()
	for _, o := range tx.Occupations() {
		r := tx.Related(o.Code)
		if r == nil {
			continue
		}
		if len(r) != 20 {
			t.Fatalf("%s: %d related, want 20", o.Code, len(r))
		}
		seen := map[string]bool{}
		for k, e := range r {
			want := "Supplemental"
			if k < 5 {
				want = "Primary-Short"
			} else if k < 10 {
				want = "Primary-Long"
			}
			if e.Index != k+1 || e.Tier != want {
				t.Errorf("%s[%d] = %+v, want index %d tier %s", o.Code, k, e, k+1, want)
			}
			if _, ok := tx.ByCode(e.Code); !ok || e.Code == o.Code || seen[e.Code] {
				t.Errorf("%s: related %s unknown, self or duplicate", o.Code, e.Code)
			}
			seen[e.Code] = true
			if got := tx.RelatedRank(o.Code, e.Code); got != k+1 {
				t.Errorf("RelatedRank(%s, %s) = %d, want %d", o.Code, e.Code, got, k+1)
			}
		}
		codes := tx.RelatedCodes(o.Code, 0)
		if len(codes) != 20 || codes[0] != r[0].Code || codes[19] != r[19].Code {
			t.Errorf("RelatedCodes(%s, 0) = %v", o.Code, codes)
		}
	}
	for _, o := range tx.Occupations() {
		c := tx.CareerChangers(o.Code)
		for k, e := range c {
			if e.Index != k+1 || e.Tier != "" || e.Code == o.Code {
				t.Errorf("CareerChangers(%s)[%d] = %+v", o.Code, k, e)
			}
		}
		if len(c) > 10 {
			t.Errorf("CareerChangers(%s) has %d entries, want at most 10", o.Code, len(c))
		}
	}
}

func TestSpotChecks(t *testing.T) {
	tx := Default()
	o, ok := tx.ByCode("15-1252.00")
	if !ok || o.Title != "Software Developers" || o.JobZone != 4 || !strings.HasPrefix(o.Description, "Research, design, and develop computer") {
		t.Errorf("ByCode(15-1252.00) = %+v, %v", o, ok)
	}
	if o2, ok := tx.ByTitle("  Software Developers\n"); !ok || o2 != o {
		t.Errorf("ByTitle(Software Developers) = %+v, %v", o2, ok)
	}
	if _, ok := tx.ByTitle("software developers"); ok {
		t.Error("ByTitle is case-insensitive; want exact")
	}
	if _, ok := tx.ByCode("15-1252"); ok {
		t.Error("ByCode(15-1252) found an occupation")
	}
	if o, _ := tx.ByCode("11-1011.00"); o.Title != "Chief Executives" || o.JobZone != 5 {
		t.Errorf("11-1011.00 = %+v", o)
	}
	if o, _ := tx.ByCode("11-9199.00"); o.Title != "Managers, All Other" || o.JobZone != 0 || tx.Related(o.Code) != nil {
		t.Errorf("11-9199.00 = %+v, related %v", o, tx.Related(o.Code))
	}
	r := tx.Related("11-1011.00")
	if r[0] != (Related{"11-1021.00", "Primary-Short", 1}) || r[1] != (Related{"11-2032.00", "Primary-Short", 2}) {
		t.Errorf("Related(11-1011.00)[:2] = %v", r[:2])
	}
	if got := tx.RelatedCodes("11-1011.00", 3); len(got) != 3 || got[0] != "11-1021.00" {
		t.Errorf("RelatedCodes(11-1011.00, 3) = %v", got)
	}
	if got := tx.RelatedRank("11-1011.00", "15-1252.00"); got != 0 {
		t.Errorf("RelatedRank of an unrelated code = %d", got)
	}
	r[0].Code = "mutated"
	if tx.Related("11-1011.00")[0].Code != "11-1021.00" {
		t.Error("Related returned shared storage")
	}
	if c := tx.CareerChangers("11-1011.00"); len(c) == 0 || c[0] != (Related{"11-9111.00", "", 1}) || c[1].Code != "11-2022.00" {
		t.Errorf("CareerChangers(11-1011.00) = %v", c)
	}
	if tx.CareerChangers("15-1252.00") != nil {
		t.Error("15-1252.00 (new in O*NET-SOC 2019) has career changers")
	}
	e := tx.Education("11-1011.00")
	if len(e) != 12 || math.Abs(e[7]-0.4591) > 1e-12 || math.Abs(e[1]-0.0446) > 1e-12 {
		t.Errorf("Education(11-1011.00) = %v", e)
	}
	if alt := tx.AlternateTitles("11-1011.00"); len(alt) == 0 || alt[0] != "Aeronautics Commission Director" {
		t.Errorf("AlternateTitles(11-1011.00) = %v", alt)
	}
	if rep := tx.ReportedTitles("11-1011.00"); len(rep) == 0 || rep[0] != "CEO (Chief Executive Officer)" {
		t.Errorf("ReportedTitles(11-1011.00) = %v", rep)
	}
	if s := tx.ShownReportedTitles("11-1011.00"); len(s) == 0 || s[0] != "CEO (Chief Executive Officer)" || len(s) >= len(tx.ReportedTitles("11-1011.00")) {
		t.Errorf("ShownReportedTitles(11-1011.00) = %v", s)
	}
	if z := tx.JobZones()[0]; z.Zone != 1 || z.Name != "Job Zone One: Little or No Preparation Needed" {
		t.Errorf("JobZones()[0] = %+v", z)
	}
	if tx.AlternateTitles("nope") != nil || tx.ReportedTitles("nope") != nil || tx.Education("nope") != nil || tx.RelatedCodes("nope", 1) != nil {
		t.Error("lookups of an unknown code returned data")
	}
}

func TestEducation(t *testing.T) {
	tx := Default()
	for _, o := range tx.Occupations() {
		e := tx.Education(o.Code)
		if e == nil {
			continue
		}
		sum := 0.0
		for _, v := range e {
			sum += v
		}
		if math.Abs(sum-1) > 0.0005 {
			t.Errorf("Education(%s) sums to %v", o.Code, sum)
		}
	}
	levels := EducationLevels()
	want := map[int]string{0: "Less than a High School Diploma", 1: "High School Diploma", 5: "Bachelor's Degree", 7: "Master's Degree", 11: "Post-Doctoral Training"}
	for i, w := range want {
		if levels[i] != w {
			t.Errorf("EducationLevels()[%d] = %q, want %q", i, levels[i], w)
		}
	}
	if d := EducationDescriptions(); !strings.HasPrefix(d[1], "High School Diploma - or the equivalent") {
		t.Errorf("EducationDescriptions()[1] = %q", d[1])
	}
}

func TestGroups(t *testing.T) {
	tx := Default()
	tests := []struct{ code, want string }{
		{"15-0000", "Computer and Mathematical Occupations"},
		{"15-1200", "Computer Occupations"},
		{"15-1250", "Software and Web Developers, Programmers, and Testers"},
		{"15-1252", "Software Developers"},
		{"15-1252.00", "Software Developers"},
		{"33-3051", "Police and Sheriff's Patrol Officers"},
		{"55-0000", "Military Specific Occupations"},
		{"99-0000", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := tx.GroupTitle(tc.code); got != tc.want {
			t.Errorf("GroupTitle(%q) = %q, want %q", tc.code, got, tc.want)
		}
	}
	a := tx.Ancestors("29-1141.01")
	var codes []string
	for _, g := range a {
		codes = append(codes, g.Code+"/"+g.Level.String())
	}
	if got := strings.Join(codes, " "); got != "29-0000/major 29-1000/minor 29-1140/broad 29-1141/detailed" {
		t.Errorf("Ancestors(29-1141.01) = %s", got)
	}
	if got := tx.Ancestors("15-1200"); len(got) != 2 || got[1].Title != "Computer Occupations" {
		t.Errorf("Ancestors(15-1200) = %v", got)
	}
	if tx.Ancestors("bogus") != nil {
		t.Error("Ancestors(bogus) != nil")
	}
	majors := map[string]bool{}
	for _, o := range tx.Occupations() {
		m := MajorGroup(o.Code)
		if g, ok := tx.Group(m); !ok || g.Level != Major {
			t.Errorf("MajorGroup(%s) = %s, not a major group", o.Code, m)
		}
		majors[m] = true
	}
	if len(majors) != 23 {
		t.Errorf("occupations span %d major groups, want 23", len(majors))
	}
	for _, g := range tx.Groups(Detailed) {
		if _, ok := tx.Group(g.Parent); !ok || len(tx.Ancestors(g.Code)) != 4 {
			t.Errorf("detailed group %s: bad parent chain", g.Code)
		}
	}
}

func TestCodeSyntax(t *testing.T) {
	for s, want := range map[string]bool{
		"15-1252.00": true, "29-1141.01": true, "15-1252": false, "15-1252.0": false,
		"151252.00": false, "15-1252.000": false, "1a-1252.00": false, "15_1252.00": false, "": false,
	} {
		if got := ValidCode(s); got != want {
			t.Errorf("ValidCode(%q) = %v, want %v", s, got, want)
		}
	}
	for s, want := range map[string]string{"15-1252.00": "15-0000", "15-1252": "15-0000", "15": "", "ab-1234": "", "": ""} {
		if got := MajorGroup(s); got != want {
			t.Errorf("MajorGroup(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestMajorGroups(t *testing.T) {
	tax := Default()
	groups := tax.MajorGroups()
	if len(groups) != tax.Len() {
		t.Fatalf("%d groups for %d occupations", len(groups), tax.Len())
	}
	for _, c := range []struct {
		code string
		want int32
	}{{"15-1252.00", 15}, {"11-1011.00", 11}, {"53-7065.00", 53}} {
		i, ok := tax.Index(c.code)
		if !ok {
			t.Fatalf("%s not in the taxonomy", c.code)
		}
		if groups[i] != c.want {
			t.Errorf("group of %s: %d, want %d", c.code, groups[i], c.want)
		}
	}
}
