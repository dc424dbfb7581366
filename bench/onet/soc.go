package onet

import (
	"io/fs"
	"strconv"
	"strings"
	"sync"
)

// GroupLevel is a level of the SOC 2018 hierarchy.
type GroupLevel uint8

// The SOC 2018 levels, from the 23 major groups down to the 867 detailed
// occupations. O*NET-SOC occupations ("15-1252.00", "29-1141.01") sit below
// the detailed level.
const (
	Major    GroupLevel = 1 // "15-0000" Computer and Mathematical Occupations
	Minor    GroupLevel = 2 // "15-1200" Computer Occupations
	Broad    GroupLevel = 3 // "15-1250" Software and Web Developers, Programmers, and Testers
	Detailed GroupLevel = 4 // "15-1252" Software Developers
)

func (l GroupLevel) String() string {
	switch l {
	case Major:
		return "major"
	case Minor:
		return "minor"
	case Broad:
		return "broad"
	case Detailed:
		return "detailed"
	}
	return "level(" + strconv.Itoa(int(l)) + ")"
}

// Group is one group of the SOC 2018 hierarchy.
type Group struct {
	Code   string // "15-1200"
	Title  string // "Computer Occupations"
	Level  GroupLevel
	Parent string // code of the enclosing group; "" for a major group
}

func (t *Taxonomy) loadGroups(fsys fs.FS) error {
	t.groups = make(map[string]Group, 1500)
	err := eachRow(fsys, fileGroups, []string{"code", "level", "parent", "title"}, func(line int, f []string) error {
		lv, err := strconv.Atoi(f[1])
		if err != nil || lv < int(Major) || lv > int(Detailed) || !validGroupCode(f[0]) {
			return errorf(fileGroups, line, "group %q at level %q", f[0], f[1])
		}
		g := Group{Code: f[0], Title: f[3], Level: GroupLevel(lv), Parent: f[2]}
		if p, ok := t.groups[g.Parent]; lv > 1 && (!ok || p.Level != g.Level-1) {
			return errorf(fileGroups, line, "group %s: parent %q is not a %s group listed before it", g.Code, g.Parent, g.Level-1)
		}
		t.groups[g.Code] = g
		t.byLevel[lv] = append(t.byLevel[lv], g)
		return nil
	})
	if err != nil {
		return err
	}
	for _, o := range t.occ {
		if g, ok := t.groups[o.Code[:7]]; !ok || g.Level != Detailed {
			return errorf(fileGroups, 0, "occupation %s has no detailed SOC group", o.Code)
		}
	}
	return nil
}

// Groups returns the SOC groups of one level sorted by code (23 major, 98
// minor, 459 broad, 867 detailed). The slice is shared: do not modify it.
func (t *Taxonomy) Groups(level GroupLevel) []Group {
	if level < Major || level > Detailed {
		return nil
	}
	return t.byLevel[level]
}

// Group returns the SOC group with the given code ("15-1250").
func (t *Taxonomy) Group(code string) (Group, bool) {
	g, ok := t.groups[code]
	return g, ok
}

// GroupTitle returns the title of a major, minor, broad or detailed SOC group
// ("15-0000" → "Computer and Mathematical Occupations"); given an O*NET-SOC
// occupation code it returns the occupation's title. It returns "" for an
// unknown code.
func (t *Taxonomy) GroupTitle(soc string) string {
	if g, ok := t.groups[soc]; ok {
		return g.Title
	}
	if o, ok := t.ByCode(soc); ok {
		return o.Title
	}
	return ""
}

// Ancestors returns the SOC groups enclosing an occupation or group code,
// major group first, down to the detailed group (for an occupation) or the
// group itself. It returns nil for an unknown code.
func (t *Taxonomy) Ancestors(code string) []Group {
	if _, ok := t.index[code]; ok {
		code = code[:7]
	}
	g, ok := t.groups[code]
	if !ok {
		return nil
	}
	out := make([]Group, g.Level)
	for {
		out[g.Level-1] = g
		if g.Parent == "" {
			return out
		}
		g = t.groups[g.Parent]
	}
}

// MajorGroup returns the SOC major group of a code ("15-1252.00" →
// "15-0000"), or "" when code does not start with two digits and a hyphen.
func MajorGroup(code string) string {
	if len(code) < 3 || !isDigit(code[0]) || !isDigit(code[1]) || code[2] != '-' {
		return ""
	}
	return code[:2] + "-0000"
}

// ValidCode reports whether s is an O*NET-SOC code in form: two digits, a
// hyphen, four digits, a period and two digits ("15-1252.00"). It does not
// say whether the occupation exists; use ByCode for that.
func ValidCode(s string) bool {
	if len(s) != 10 || s[2] != '-' || s[7] != '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i != 2 && i != 7 && !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func validGroupCode(s string) bool {
	return len(s) == 7 && ValidCode(s+".00")
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// educationCategories is the number of Required Level of Education
// categories (O*NET element 2.D.1, scale RL).
const educationCategories = 12

var (
	eduOnce         sync.Once
	eduLevels       []string
	eduDescriptions []string
)

func loadEducationLevels() {
	err := eachRow(embedded, fileEduLevels, []string{"category", "description"}, func(line int, f []string) error {
		if f[0] != strconv.Itoa(len(eduLevels)+1) {
			return errorf(fileEduLevels, line, "category %q, want %d", f[0], len(eduLevels)+1)
		}
		name, _, _ := strings.Cut(f[1], " - ")
		eduLevels = append(eduLevels, name)
		eduDescriptions = append(eduDescriptions, f[1])
		return nil
	})
	if err == nil && len(eduLevels) != educationCategories {
		err = errorf(fileEduLevels, 0, "%d categories, want %d", len(eduLevels), educationCategories)
	}
	if err != nil {
		panic("onet: embedded data: " + err.Error())
	}
}

// EducationLevels returns the names of the 12 Required Level of Education
// categories in order, index 0 = category 1: "Less than a High School
// Diploma", "High School Diploma", "Post-Secondary Certificate", … "Doctoral
// Degree", "Post-Doctoral Training". A name is O*NET's category description
// up to its " - " gloss (see EducationDescriptions). The result is a fresh
// slice.
func EducationLevels() []string {
	eduOnce.Do(loadEducationLevels)
	return append([]string(nil), eduLevels...)
}

// EducationDescriptions returns O*NET's full descriptions of the Required
// Level of Education categories, in the order of EducationLevels.
func EducationDescriptions() []string {
	eduOnce.Do(loadEducationLevels)
	return append([]string(nil), eduDescriptions...)
}

// MajorGroups gives each occupation (in Occupations order) its SOC major
// group as a number: 15 for "15-1252.00".
func (t *Taxonomy) MajorGroups() []int32 {
	out := make([]int32, len(t.occ))
	for i, o := range t.occ {
		g, _ := strconv.Atoi(o.Code[:2]) // codes are checked to be "NN-NNNN.NN" on load
		out[i] = int32(g)
	}
	return out
}
