package esco

import (
	"math"
	"strings"
	"testing"
)

func TestMap(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		name, in  string
		code      string // "" when unmapped
		kind      Kind
		score     float64
		ambiguous bool
		split     bool
	}{
		{"uri", "http://data.europa.eu/esco/occupation/0ee67d5e-8de9-48f0-97c5-ba23d486b1e9", "11-1011.00", KindURI, 0.5, false, false},
		{"uri https, any case", " HTTPS://DATA.europa.eu/esco/occupation/0EE67D5E-8de9-48f0-97c5-ba23d486b1e9 ", "11-1011.00", KindURI, 0.5, false, false},
		{"label", "Member of Parliament", "11-1031.00", KindLabel, 1, false, false},
		{"label with the source's double space", "nonwoven textile technician", "51-6099.00", KindLabel, 0.5, false, false},
		{"label repaired from mojibake", "répétiteur", "27-2042.00", KindLabel, 0.5, false, false},
		{"code, group agrees", "5414.1", "33-9032.00", KindISCO, 1, false, false},
		{"deeper code inherits", "5414.1.9", "33-9032.00", KindISCO, 1, false, false},
		{"isco only", "5414", "33-9032.00", KindISCO, 1, false, false},
		// 9 of the 16 rows of ISCO 2431 hold 13-1161.00, mean row score 5/9.
		{"code, group disagrees", "2431.11", "13-1161.00", KindISCO, 9.0 / 16 * 5 / 9, true, false},
		// 2512: four rows, four codes; the tie goes to the highest mean row score, then the lowest code.
		{"code, tie in the group", "2512.2", "15-1251.00", KindISCO, 0.125, true, false},
		{"code, split in the group", "5312.1", "25-9042.00", KindISCO, 0.1875, true, true},
		// 53-3041.00 Taxi Drivers and Chauffeurs became 53-3053.00 and 53-3054.00.
		{"split 2010 code, title overlap", "taxi driver", "53-3054.00", KindLabel, 0.5, false, true},
		{"split 2010 code, other half", "private chauffeur", "53-3053.00", KindLabel, 0.5, false, true},
		// No overlap with either title: the 2010 title decides.
		{"split 2010 code, 2010 title", "picture archiving and communication systems administrator", "29-9021.00", KindLabel, 0.25, false, true},
		// A tie on the label: the candidate equal to the 2010 code.
		{"split 2010 code, same code", "project manager", "11-9199.00", KindLabel, 0.25, false, true},
		{"words after except do not count", "special educational needs assistant", "25-9043.00", KindLabel, 0.25, false, true},
		{"unknown", "unknown", "", "", 0, false, false},
		{"empty", "  ", "", "", 0, false, false},
		{"group without rows", "0110.10", "", "", 0, false, false},
		{"unknown uri", URIPrefix + "00000000-0000-0000-0000-000000000000", "", "", 0, false, false},
		{"uri of another concept", "http://data.europa.eu/esco/skill/0ee67d5e-8de9-48f0-97c5-ba23d486b1e9", "", "", 0, false, false},
		{"not a code", "2353.", "", "", 0, false, false},
		{"onet code", "15-1252.00", "", "", 0, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, ok := c.Map(tc.in)
			if ok != (tc.code != "") {
				t.Fatalf("Map(%q) = %+v, %v", tc.in, m, ok)
			}
			if !ok {
				return
			}
			if m.Code != tc.code || m.Kind != tc.kind || math.Abs(m.Score-tc.score) > 1e-12 || m.Ambiguous != tc.ambiguous || m.Split != tc.split {
				t.Errorf("Map(%q) = %+v, want code %s kind %s score %g ambiguous %v split %v", tc.in, m, tc.code, tc.kind, tc.score, tc.ambiguous, tc.split)
			}
		})
	}
}

func TestParseCode(t *testing.T) {
	for in, want := range map[string]string{
		"2353": "2353", "2353.1": "2353", "3118.3.12": "3118", "0110.10": "0110",
		"235": "", "2353.": "", "2353..1": "", "2353.a": "", "23a3.1": "", "2353.1 ": "", "C2353": "", "": "",
	} {
		got, ok := ParseCode(in)
		if got != want || ok != (want != "") {
			t.Errorf("ParseCode(%q) = %q, %v, want %q", in, got, ok, want)
		}
	}
}

func TestOverlap(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"taxi driver", "Taxi Drivers", 2},
		{"driller", "Earth Drillers, Except Oil and Gas", 1},
		{"oil driller", "Earth Drillers, Except Oil and Gas", 1},
		{"secretaries of state", "Secretary", 1},
		{"managers, all other", "Managers, All Other", 1},
		{"Sheriff's deputy", "Sheriffs", 1},
		{"", "Managers", 0},
	} {
		if got := Overlap(tc.a, tc.b); got != tc.want {
			t.Errorf("Overlap(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// The facts the package doc and README state about the embedded crosswalk.
func TestEmbeddedCrosswalk(t *testing.T) {
	c := Default()
	occ := c.Occupations()
	split, codes := 0, map[string]bool{}
	for i := range occ {
		o := &occ[i]
		m, ok := c.Map(o.URI)
		if !ok || m.Code != o.Code {
			t.Fatalf("%s (%s) does not map to its own row: %+v", o.URI, o.Label, m)
		}
		if m2, ok := c.Map(strings.ToUpper(o.Label)); !ok || m2 != (Mapping{Code: o.Code, Kind: KindLabel, Score: m.Score, ISCO: o.ISCO, Split: o.Split()}) {
			t.Fatalf("label %q maps to %+v", o.Label, m2)
		}
		if o.Split() {
			split++
		}
		codes[o.Code] = true
		if s := o.Score(); s <= 0 || s > 1 {
			t.Fatalf("%s: score %g", o.URI, s)
		}
	}
	groups := c.Groups()
	agree := 0
	for _, g := range groups {
		if !g.Ambiguous() {
			agree++
		}
		if g.Score <= 0 || g.Score > 1 || g.Agree < 1 || g.Agree > g.Rows {
			t.Errorf("group %+v", g)
		}
	}
	// 1,680 rows, all reaching a 2019 code; 67 through one of the 20 split
	// 2010 codes; 423 ISCO groups, 203 of them unanimous.
	if len(occ) != 1680 || split != 67 || len(codes) != 637 || len(groups) != 423 || agree != 203 {
		t.Errorf("rows %d, split %d, distinct 2019 codes %d, groups %d, unanimous %d", len(occ), split, len(codes), len(groups), agree)
	}
}

func FuzzParseCode(f *testing.F) {
	for _, s := range []string{"2353.1", "3118.3.12", "0110", "2353.", "unknown", URIPrefix + "x", "１２３４"} {
		f.Add(s)
	}
	c := Default()
	f.Fuzz(func(t *testing.T, s string) {
		isco, ok := ParseCode(s)
		if ok && (len(isco) != 4 || !strings.HasPrefix(s, isco)) {
			t.Fatalf("ParseCode(%q) = %q", s, isco)
		}
		m, mapped := c.Map(s)
		if mapped && (m.Code == "" || m.Score <= 0 || m.Score > 1) {
			t.Fatalf("Map(%q) = %+v", s, m)
		}
		if ok && mapped && (m.Kind != KindISCO || m.ISCO != isco) {
			t.Fatalf("code %q mapped as %+v", s, m)
		}
	})
}
