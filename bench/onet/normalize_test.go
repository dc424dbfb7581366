package onet

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	tx := Default()
	tests := []struct {
		name, in, code string
		method         Method
	}{
		{"exact", "Software Developers", "15-1252.00", MethodExact},
		{"exact trimmed", "  Nurse Practitioners \n", "29-1171.00", MethodExact},
		{"exact with commas", "Secondary School Teachers, Except Special and Career/Technical Education", "25-2031.00", MethodExact},
		{"exact with comma and and", "Buyers and Purchasing Agents, Farm Products", "13-1021.00", MethodExact},
		{"exact apostrophe", "Police and Sheriff's Patrol Officers", "33-3051.00", MethodExact},

		{"case", "software developers", "15-1252.00", MethodFolded},
		{"upper case", "CHIEF EXECUTIVES", "11-1011.00", MethodFolded},
		{"spacing", "Chief   Executives", "11-1011.00", MethodFolded},
		{"trailing period", "Nurse Practitioners.", "29-1171.00", MethodFolded},
		{"no commas", "Secondary School Teachers Except Special and Career Technical Education", "25-2031.00", MethodFolded},
		{"ampersand and hyphen", "Secondary School Teachers, Except Special & Career-Technical Education", "25-2031.00", MethodFolded},
		{"dash for comma", "Buyers and Purchasing Agents - Farm Products", "13-1021.00", MethodFolded},
		{"ampersand", "Buyers & Purchasing Agents, Farm Products", "13-1021.00", MethodFolded},
		{"curly apostrophe", "Police and Sheriff’s Patrol Officers", "33-3051.00", MethodFolded},
		{"oxford comma dropped", "Property, Real Estate and Community Association Managers", "11-9141.00", MethodFolded},
		{"singular", "Software Developer", "15-1252.00", MethodFolded},
		{"singular ies", "Executive Secretary and Executive Administrative Assistant", "43-6011.00", MethodFolded},
		{"singular long", "Computer Numerically Controlled Tool Programmer", "51-9162.00", MethodFolded},
		{"singular nurse", "nurse practitioner", "29-1171.00", MethodFolded},
		{"singular with comma", "Buyer and Purchasing Agent, Farm Products", "13-1021.00", MethodFolded},
		{"bold", "**Software Developers**", "15-1252.00", MethodFolded},
		{"quotes", `"Software Developers"`, "15-1252.00", MethodFolded},
		{"curly quotes", "“Data Scientists”", "15-2051.00", MethodFolded},
		{"answer label", "Answer: Data Scientists", "15-2051.00", MethodFolded},
		{"bold answer label", "**Answer:** Chief Executives", "11-1011.00", MethodFolded},
		{"occupation label", "Occupation: Registered Nurses", "29-1141.00", MethodFolded},
		{"answer tags", "<answer>\nData Scientists\n</answer>", "15-2051.00", MethodFolded},
		{"list number", "1. Nurse Practitioners", "29-1171.00", MethodFolded},
		{"bullet", "- Nurse Practitioners", "29-1171.00", MethodFolded},
		{"backticks", "`Software Developers`", "15-1252.00", MethodFolded},
		{"trailing parenthetical", "Software Developers (Job Zone 4)", "15-1252.00", MethodFolded},
		{"singular with parenthetical", "Registered Nurse (RN)", "29-1141.00", MethodFolded},
		{"title then code", "Software Developers (15-1252.00)", "15-1252.00", MethodFolded},

		{"code", "15-1252.00", "15-1252.00", MethodCode},
		{"code in text", "I predict 29-1141.01 for this person.", "29-1141.01", MethodCode},
		{"six-digit code", "15-1252", "15-1252.00", MethodCode},
		{"six-digit code in text", "SOC 29-1141, nursing", "29-1141.00", MethodCode},
		{"code beats other title", "Answer: 15-2051.00 - the data science role", "15-2051.00", MethodCode},
		{"unknown code skipped", "99-9999.00 or 15-2051.00", "15-2051.00", MethodCode},

		{"alternate title", "Software Engineer", "15-1252.00", MethodAlias},
		{"alternate title plural", "Software Engineers", "15-1252.00", MethodAlias},
		{"short title", "CEO", "11-1011.00", MethodAlias},
		{"reported title with parenthetical", "CEO (Chief Executive Officer)", "11-1011.00", MethodAlias},
		{"alias with markup", "**Answer:** software engineer.", "15-1252.00", MethodAlias},
		{"shared title: the common occupation with the head noun, not the lowest code", "Line Cook", "35-2014.00", MethodAlias},
		{"shared title: a physician, not a podiatrist", "Physician", "29-1215.00", MethodAlias},
		{"seniority and employer", "Sr. Software Engineer II, Google", "15-1252.00", MethodAlias},
		{"abbreviation", "RN, BSN", "29-1141.00", MethodAlias},
		{"typo", "sofware developer", "15-1252.00", MethodClassified},

		{"empty", "", "", MethodNone},
		{"space", "   ", "", MethodNone},
		{"punctuation", "?!", "", MethodNone},
		{"garbage", "asdf qwerty zxcv", "", MethodNone},
		{"sentence", "I am not sure what this person will do next", "", MethodNone},
		{"partial code", "15-125", "", MethodNone},
		{"code glued to digits", "115-1252.001", "", MethodNone},
		{"broad group code", "15-1250", "", MethodNone},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := tx.Normalize(tc.in)
			if m.Code != tc.code || m.Method != tc.method {
				t.Fatalf("Normalize(%q) = %+v, want %s by %s", tc.in, m, tc.code, tc.method)
			}
			if m.OK() {
				if o, _ := tx.ByCode(m.Code); o.Title != m.Title {
					t.Errorf("title %q, want %q", m.Title, o.Title)
				}
			} else if m != (Match{}) {
				t.Errorf("unmatched result %+v is not the zero Match", m)
			}
		})
	}
}

// Every official title, and simple variants of it, maps back to its code.
func TestNormalizeAllTitles(t *testing.T) {
	tx := Default()
	for _, o := range tx.Occupations() {
		cases := []struct {
			in     string
			method Method
		}{
			{o.Title, MethodExact},
			{strings.ToLower(o.Title), MethodFolded},
			{strings.ToUpper(o.Title) + ".", MethodFolded},
			{strings.ReplaceAll(o.Title, ",", ""), MethodFolded},
			{"**" + o.Title + "**", MethodFolded},
			{o.Code, MethodCode},
			{"The answer is " + o.Code + ".", MethodCode},
		}
		for _, c := range cases {
			m := tx.Normalize(c.in)
			want := c.method
			if c.in == o.Title {
				want = MethodExact
			}
			if m.Code != o.Code || m.Method != want {
				t.Errorf("Normalize(%q) = %+v, want %s by %s", c.in, m, o.Code, want)
			}
		}
	}
}

// Folding must not merge two official titles, or the folded step would be
// ambiguous; the singular step drops ambiguous keys, and there should be none.
func TestFoldedTitlesUnique(t *testing.T) {
	tx := Default()
	x := tx.normIndex()
	if len(x.title) != tx.Len() {
		t.Errorf("%d folded titles for %d occupations", len(x.title), tx.Len())
	}
	if len(x.titleLoose) != tx.Len() {
		t.Errorf("%d singular-folded titles for %d occupations", len(x.titleLoose), tx.Len())
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Software Developers", "software developers"},
		{"  Career/Technical  Education. ", "career technical education"},
		{"Sheriff's", "sheriffs"},
		{"Sheriff’s", "sheriffs"},
		{"R&D", "r and d"},
		{"A & B", "a and b"},
		{"&", "and"},
		{"Café Workers", "café workers"},
		{"ÉCOLE", "école"},
		{"**x**", "x"},
		{"(a), [b]", "a b"},
		{"", ""},
		{"--", ""},
	}
	for _, tc := range tests {
		if got := string(fold(nil, tc.in)); got != tc.want {
			t.Errorf("fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSingular(t *testing.T) {
	tests := []struct{ in, want string }{
		{"software developers", "software developer"},
		{"secretaries", "secretary"},
		{"coaches and dispatchers", "coach and dispatcher"},
		{"business glass status analysis", "business glass status analysis"},
		{"businesses", "business"},
		{"salesmen salespeople", "salesman salesperson"},
		{"gas bus", "gas bus"},
		{"boxes", "box"},
	}
	for _, tc := range tests {
		if got := string(singular(nil, []byte(tc.in))); got != tc.want {
			t.Errorf("singular(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMethodText(t *testing.T) {
	for m := MethodNone; m <= MethodAlias; m++ {
		b, err := m.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Method
		if err := back.UnmarshalText(b); err != nil || back != m {
			t.Errorf("round trip of %s gave %s, %v", m, back, err)
		}
	}
	want := []string{"none", "exact", "normalised", "code", "alias"}
	for i, w := range want {
		if got := Method(i).String(); got != w {
			t.Errorf("Method(%d) = %q, want %q", i, got, w)
		}
	}
	if _, err := ParseMethod("fuzzy"); err == nil {
		t.Error("ParseMethod(fuzzy) succeeded")
	}
	if m, err := ParseMethod("normalized"); err != nil || m != MethodFolded {
		t.Errorf("ParseMethod(normalized) = %v, %v", m, err)
	}
	var zero Match
	if zero.Method != MethodNone || zero.OK() {
		t.Error("zero Match is not MethodNone")
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"Software Developers", "software developer", "**Answer:** CEO", "15-1252", "15-1252.00.",
		"<answer>Data Scientists</answer>", "“Nurse Practitioners”", "1) x", "Answer:", "(", ")", "<>",
		"99-9999.99", "15-1252.0", "&&&", "\xff\xfe", "Ω", "people", "ies", "- ", "#",
	} {
		f.Add(s)
	}
	tx := Default()
	f.Fuzz(func(t *testing.T, s string) {
		m := tx.Normalize(s)
		if m.Method == MethodNone {
			if m != (Match{}) {
				t.Fatalf("Normalize(%q) = %+v: no method but a code", s, m)
			}
			return
		}
		if !ValidCode(m.Code) {
			t.Fatalf("Normalize(%q) = %+v: invalid code", s, m)
		}
		o, ok := tx.ByCode(m.Code)
		if !ok || o.Title != m.Title {
			t.Fatalf("Normalize(%q) = %+v: title is not the code's %q", s, m, o.Title)
		}
		if m.Method == MethodExact && strings.TrimSpace(s) != m.Title {
			t.Fatalf("Normalize(%q) = %+v: exact but text differs", s, m)
		}
		if utf8.ValidString(s) && tx.Normalize(s) != m {
			t.Fatalf("Normalize(%q) is not deterministic", s)
		}
	})
}

var sink Match

func BenchmarkNormalize(b *testing.B) {
	tx := Default()
	tx.Normalize("") // build the index outside the timer
	cases := []struct{ name, in string }{
		{"exact", "Software Developers"},
		{"folded", "**Answer:** software developers."},
		{"singular", "Secondary School Teacher, Except Special and Career/Technical Education"},
		{"code", "The next occupation is 15-1252.00."},
		{"alias", "Senior Software Engineer"},
		{"none", "I cannot tell what this person will do next without more information"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink = tx.Normalize(c.in)
			}
		})
	}
}

func BenchmarkNormalizeIndex(b *testing.B) {
	tx := Default()
	b.ReportAllocs()
	for b.Loop() {
		tx.buildNormIndex()
	}
}
