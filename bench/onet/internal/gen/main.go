// Command gen regenerates the embedded O*NET data of package onet from the
// staged O*NET files (../shared/data/onet, see its PROVENANCE.md).
//
// It selects columns by header name, checks the integrity facts the package
// relies on (counts, code syntax, every referenced code known), trims the
// files to the columns onet reads, sorts them, and writes them as TSV, gzip
// compressed where large. The output is a pure function of the input: the same
// sources give byte-identical files (gzip with a zero header at
// BestCompression; should a future Go release change compress/flate's output,
// TestGenerateReproducesEmbeddedData says so).
//
// Run it through go generate, from the repository root:
//
//	go generate ./bench/onet
//
// -src defaults to ../../../shared/data/onet relative to bench/onet, where go
// generate runs it: the ../shared/data/onet next to the repository.
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

func main() {
	src := flag.String("src", "../../../shared/data/onet", "directory holding the staged O*NET data (29.3/, 25.x/, taxonomy/)")
	out := flag.String("out", "data", "output directory for the embedded files")
	flag.Parse()
	if err := run(*src, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// Source files, relative to -src.
const (
	fOccupations = "29.3/Occupation Data.txt"
	fRelated     = "29.3/Related Occupations.txt"
	fJobZones    = "29.3/Job Zones.txt"
	fJobZoneRef  = "29.3/Job Zone Reference.txt"
	fReported    = "29.3/Sample of Reported Titles.txt"
	fAlternate   = "29.3/Alternate Titles.txt"
	fETE         = "29.3/Education, Training, and Experience.txt"
	fETECat      = "29.3/Education, Training, and Experience Categories.txt"
	fCareer      = "25.x/Career Changers Matrix.txt"
	fONetSOC     = "taxonomy/O-NET-SOC 2019 Structure.txt"
	fBLSSOC      = "taxonomy/SOC 2018 Structure (BLS).txt"
)

// The Required Level of Education element and scale of the ETE file.
const (
	eduElement    = "2.D.1"
	eduScale      = "RL"
	eduCategories = 12
)

type generator struct {
	src, out string
	codes    map[string]bool // the 1,016 occupation codes
	manifest [][2]string     // source file, sha256
	outputs  []string
}

func run(src, out string) error {
	g := &generator{src: src, out: out, codes: map[string]bool{}}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	steps := []func() error{
		g.occupations, g.related, g.careerChangers, g.titles,
		g.education, g.jobZoneReference, g.socGroups, g.writeManifest,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// table is a parsed TSV file with columns selected by header name.
type table struct {
	name   string
	header map[string]int
	rows   [][]string
}

func (g *generator) read(name string, want ...string) (*table, error) {
	b, err := os.ReadFile(filepath.Join(g.src, name))
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	g.manifest = append(g.manifest, [2]string{name, hex.EncodeToString(sum[:])})
	text := strings.TrimSuffix(string(b), "\n")
	if strings.Contains(text, "\r") {
		return nil, fmt.Errorf("%s: unexpected carriage return", name)
	}
	lines := strings.Split(text, "\n")
	t := &table{name: name, header: map[string]int{}}
	head := strings.Split(lines[0], "\t")
	for i, h := range head {
		t.header[h] = i
	}
	idx := make([]int, len(want))
	for i, w := range want {
		j, ok := t.header[w]
		if !ok {
			return nil, fmt.Errorf("%s: no column %q in header %q", name, w, head)
		}
		idx[i] = j
	}
	for n, line := range lines[1:] {
		f := strings.Split(line, "\t")
		if len(f) != len(head) {
			return nil, fmt.Errorf("%s:%d: %d fields, want %d", name, n+2, len(f), len(head))
		}
		row := make([]string, len(want))
		for i, j := range idx {
			row[i] = f[j]
		}
		t.rows = append(t.rows, row)
	}
	return t, nil
}

func (g *generator) known(file string, line int, code string) error {
	if !g.codes[code] {
		return fmt.Errorf("%s:%d: code %q is not in %s", file, line, code, fOccupations)
	}
	return nil
}

func validCode(s string) bool {
	if len(s) != 10 || s[2] != '-' || s[7] != '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i == 2 || i == 7 {
			continue
		}
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func clean(s string) error {
	if s != strings.TrimSpace(s) || s == "" {
		return fmt.Errorf("value %q is empty or has surrounding space", s)
	}
	return nil
}

func (g *generator) occupations() error {
	occ, err := g.read(fOccupations, "O*NET-SOC Code", "Title", "Description")
	if err != nil {
		return err
	}
	jz, err := g.read(fJobZones, "O*NET-SOC Code", "Job Zone")
	if err != nil {
		return err
	}
	titles := map[string]bool{}
	for i, r := range occ.rows {
		if !validCode(r[0]) {
			return fmt.Errorf("%s:%d: invalid code %q", fOccupations, i+2, r[0])
		}
		if g.codes[r[0]] || titles[r[1]] {
			return fmt.Errorf("%s:%d: duplicate code or title %q %q", fOccupations, i+2, r[0], r[1])
		}
		if err := clean(r[1]); err != nil {
			return fmt.Errorf("%s:%d: title: %w", fOccupations, i+2, err)
		}
		g.codes[r[0]] = true
		titles[r[1]] = true
	}
	zone := map[string]string{}
	for i, r := range jz.rows {
		if err := g.known(fJobZones, i+2, r[0]); err != nil {
			return err
		}
		if z, err := strconv.Atoi(r[1]); err != nil || z < 1 || z > 5 {
			return fmt.Errorf("%s:%d: job zone %q, want 1-5", fJobZones, i+2, r[1])
		}
		zone[r[0]] = r[1]
	}
	rows := make([][]string, 0, len(occ.rows))
	for _, r := range occ.rows {
		z := zone[r[0]]
		if z == "" {
			z = "0"
		}
		rows = append(rows, []string{r[0], r[1], z, r[2]})
	}
	sortRows(rows, 0)
	if len(rows) != 1016 {
		return fmt.Errorf("%s: %d occupations, want 1016", fOccupations, len(rows))
	}
	return g.write("occupations.tsv.gz", []string{"code", "title", "job_zone", "description"}, rows)
}

func (g *generator) related() error {
	t, err := g.read(fRelated, "O*NET-SOC Code", "Related O*NET-SOC Code", "Relatedness Tier", "Index")
	if err != nil {
		return err
	}
	count := map[string]int{}
	for i, r := range t.rows {
		for _, c := range r[:2] {
			if err := g.known(fRelated, i+2, c); err != nil {
				return err
			}
		}
		k, err := strconv.Atoi(r[3])
		if err != nil || k < 1 || k > 20 {
			return fmt.Errorf("%s:%d: index %q, want 1-20", fRelated, i+2, r[3])
		}
		switch r[2] {
		case "Primary-Short", "Primary-Long", "Supplemental":
		default:
			return fmt.Errorf("%s:%d: unknown tier %q", fRelated, i+2, r[2])
		}
		count[r[0]]++
	}
	if err := checkRanks(fRelated, t.rows, 3, 20); err != nil {
		return err
	}
	if len(count) != 923 || len(t.rows) != 18460 {
		return fmt.Errorf("%s: %d sources and %d pairs, want 923 and 18460", fRelated, len(count), len(t.rows))
	}
	sortRanked(t.rows, 3)
	return g.write("related.tsv.gz", []string{"code", "related_code", "tier", "index"}, t.rows)
}

func (g *generator) careerChangers() error {
	t, err := g.read(fCareer, "O*NET-SOC Code", "Related O*NET-SOC Code", "Index")
	if err != nil {
		return err
	}
	for i, r := range t.rows {
		for _, c := range r[:2] {
			if err := g.known(fCareer, i+2, c); err != nil {
				return err
			}
		}
		if k, err := strconv.Atoi(r[2]); err != nil || k < 1 || k > 10 {
			return fmt.Errorf("%s:%d: index %q, want 1-10", fCareer, i+2, r[2])
		}
	}
	if err := checkRanks(fCareer, t.rows, 2, 0); err != nil {
		return err
	}
	sortRanked(t.rows, 2)
	return g.write("career_changers.tsv.gz", []string{"code", "related_code", "index"}, t.rows)
}

// checkRanks checks that each source's indexes run 1..n without gaps or
// duplicates and with no self-links; want > 0 also fixes n.
func checkRanks(file string, rows [][]string, col, want int) error {
	seen := map[string]map[int]bool{}
	for i, r := range rows {
		if r[0] == r[1] {
			return fmt.Errorf("%s:%d: self-link %s", file, i+2, r[0])
		}
		k, _ := strconv.Atoi(r[col])
		if seen[r[0]] == nil {
			seen[r[0]] = map[int]bool{}
		}
		if seen[r[0]][k] {
			return fmt.Errorf("%s:%d: duplicate index %d for %s", file, i+2, k, r[0])
		}
		seen[r[0]][k] = true
	}
	for c, ks := range seen {
		n := len(ks)
		if want > 0 && n != want {
			return fmt.Errorf("%s: %s has %d related, want %d", file, c, n, want)
		}
		for k := 1; k <= n; k++ {
			if !ks[k] {
				return fmt.Errorf("%s: %s: index %d missing", file, c, k)
			}
		}
	}
	return nil
}

func sortRanked(rows [][]string, col int) {
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i][0] != rows[j][0] {
			return rows[i][0] < rows[j][0]
		}
		a, _ := strconv.Atoi(rows[i][col])
		b, _ := strconv.Atoi(rows[j][col])
		return a < b
	})
}

// sortRows sorts by the given column, keeping file order within equal keys.
func sortRows(rows [][]string, col int) {
	sort.SliceStable(rows, func(i, j int) bool { return rows[i][col] < rows[j][col] })
}

func (g *generator) titles() error {
	rep, err := g.read(fReported, "O*NET-SOC Code", "Reported Job Title", "Shown in My Next Move")
	if err != nil {
		return err
	}
	for i, r := range rep.rows {
		if err := g.known(fReported, i+2, r[0]); err != nil {
			return err
		}
		if err := clean(r[1]); err != nil {
			return fmt.Errorf("%s:%d: %w", fReported, i+2, err)
		}
		if r[2] != "Y" && r[2] != "N" {
			return fmt.Errorf("%s:%d: shown flag %q, want Y or N", fReported, i+2, r[2])
		}
	}
	sortRows(rep.rows, 0)
	if err := g.write("reported_titles.tsv.gz", []string{"code", "reported_title", "shown_in_my_next_move"}, rep.rows); err != nil {
		return err
	}
	alt, err := g.read(fAlternate, "O*NET-SOC Code", "Alternate Title", "Short Title")
	if err != nil {
		return err
	}
	for i, r := range alt.rows {
		if err := g.known(fAlternate, i+2, r[0]); err != nil {
			return err
		}
		if err := clean(r[1]); err != nil {
			return fmt.Errorf("%s:%d: %w", fAlternate, i+2, err)
		}
		if r[2] != strings.TrimSpace(r[2]) {
			return fmt.Errorf("%s:%d: short title %q has surrounding space", fAlternate, i+2, r[2])
		}
	}
	sortRows(alt.rows, 0)
	return g.write("alternate_titles.tsv.gz", []string{"code", "alternate_title", "short_title"}, alt.rows)
}

func (g *generator) education() error {
	cat, err := g.read(fETECat, "Element ID", "Scale ID", "Category", "Category Description")
	if err != nil {
		return err
	}
	var levels [][]string
	for _, r := range cat.rows {
		if r[0] == eduElement && r[1] == eduScale {
			levels = append(levels, []string{r[2], r[3]})
		}
	}
	for i, r := range levels {
		if r[0] != strconv.Itoa(i+1) {
			return fmt.Errorf("%s: education category %q at position %d", fETECat, r[0], i+1)
		}
	}
	if len(levels) != eduCategories {
		return fmt.Errorf("%s: %d education categories, want %d", fETECat, len(levels), eduCategories)
	}
	if err := g.write("education_levels.tsv", []string{"category", "description"}, levels); err != nil {
		return err
	}

	ete, err := g.read(fETE, "O*NET-SOC Code", "Element ID", "Scale ID", "Category", "Data Value")
	if err != nil {
		return err
	}
	values := map[string][]string{}
	var order []string
	for i, r := range ete.rows {
		if r[1] != eduElement || r[2] != eduScale {
			continue
		}
		if err := g.known(fETE, i+2, r[0]); err != nil {
			return err
		}
		k, err := strconv.Atoi(r[3])
		if err != nil || k < 1 || k > eduCategories {
			return fmt.Errorf("%s:%d: category %q, want 1-%d", fETE, i+2, r[3], eduCategories)
		}
		if _, err := strconv.ParseFloat(r[4], 64); err != nil {
			return fmt.Errorf("%s:%d: data value %q: %w", fETE, i+2, r[4], err)
		}
		v := values[r[0]]
		if v == nil {
			v = make([]string, eduCategories)
			values[r[0]] = v
			order = append(order, r[0])
		}
		if v[k-1] != "" {
			return fmt.Errorf("%s:%d: duplicate category %d for %s", fETE, i+2, k, r[0])
		}
		v[k-1] = r[4]
	}
	sort.Strings(order)
	rows := make([][]string, 0, len(order))
	for _, c := range order {
		row := append([]string{c}, values[c]...)
		for k, v := range values[c] {
			if v == "" {
				return fmt.Errorf("%s: %s lacks category %d", fETE, c, k+1)
			}
		}
		rows = append(rows, row)
	}
	head := []string{"code"}
	for k := 1; k <= eduCategories; k++ {
		head = append(head, "rl"+strconv.Itoa(k))
	}
	return g.write("education.tsv.gz", head, rows)
}

func (g *generator) jobZoneReference() error {
	t, err := g.read(fJobZoneRef, "Job Zone", "Name", "Experience", "Education", "Job Training", "Examples", "SVP Range")
	if err != nil {
		return err
	}
	for i, r := range t.rows {
		if r[0] != strconv.Itoa(i+1) {
			return fmt.Errorf("%s:%d: job zone %q, want %d", fJobZoneRef, i+2, r[0], i+1)
		}
	}
	return g.write("job_zones.tsv", []string{"job_zone", "name", "experience", "education", "job_training", "examples", "svp_range"}, t.rows)
}

// socGroups writes the SOC 2018 groups (major, minor, broad, detailed) with
// their parents and titles from the O*NET-SOC 2019 structure, after checking
// them against the BLS structure.
func (g *generator) socGroups() error {
	on, err := g.read(fONetSOC, "Major Group", "Minor Group", "Broad Occupation", "Detailed Occupation", "Detailed O*NET-SOC", "SOC or O*NET-SOC 2019 Title")
	if err != nil {
		return err
	}
	bls, err := g.read(fBLSSOC, "Major Group", "Minor Group", "Broad Group", "Detailed Occupation", "Title")
	if err != nil {
		return err
	}
	var rows [][]string
	var path [4]string
	onet := map[string]string{}
	xx := map[string]bool{}
	for i, r := range on.rows {
		level, code := -1, ""
		for j, c := range r[:5] {
			if c != "" {
				if level >= 0 {
					return fmt.Errorf("%s:%d: two codes in one row", fONetSOC, i+2)
				}
				level, code = j, c
			}
		}
		if level < 0 {
			return fmt.Errorf("%s:%d: no code", fONetSOC, i+2)
		}
		if level == 4 { // an O*NET .xx occupation below its detailed SOC code
			if !g.codes[code] || path[3] != code[:7] {
				return fmt.Errorf("%s:%d: O*NET code %s unknown or out of place", fONetSOC, i+2, code)
			}
			xx[code] = true
			continue
		}
		parent := ""
		if level > 0 {
			parent = path[level-1]
			if parent == "" || parent[:2] != code[:2] {
				return fmt.Errorf("%s:%d: %s has no parent", fONetSOC, i+2, code)
			}
		}
		path[level] = code
		for j := level + 1; j < 4; j++ {
			path[j] = ""
		}
		onet[code] = r[5]
		rows = append(rows, []string{code, strconv.Itoa(level + 1), parent, r[5]})
	}
	for i, r := range bls.rows {
		code := strings.Join(r[:4], "")
		title, ok := onet[code]
		if !ok {
			return fmt.Errorf("%s:%d: %s not in %s", fBLSSOC, i+2, code, fONetSOC)
		}
		// The BLS file spells one apostrophe typographically.
		if strings.ReplaceAll(r[4], "\u2019", "'") != title {
			return fmt.Errorf("%s:%d: %s title %q differs from %q", fBLSSOC, i+2, code, r[4], title)
		}
	}
	if len(bls.rows) != len(onet) {
		return fmt.Errorf("%s: %d groups, %s has %d", fBLSSOC, len(bls.rows), fONetSOC, len(onet))
	}
	// Every occupation is a detailed SOC code (.00) or an O*NET .xx code below one.
	for c := range g.codes {
		if strings.HasSuffix(c, ".00") {
			if _, ok := onet[c[:7]]; !ok {
				return fmt.Errorf("%s: %s has no detailed SOC group", fONetSOC, c)
			}
		} else if !xx[c] {
			return fmt.Errorf("%s: %s missing", fONetSOC, c)
		}
	}
	sortRows(rows, 0)
	return g.write("soc_groups.tsv.gz", []string{"code", "level", "parent", "title"}, rows)
}

// write writes a TSV file with a header line; names ending in .gz are
// compressed with a zero gzip header so the bytes depend on the content only.
func (g *generator) write(name string, head []string, rows [][]string) error {
	var buf bytes.Buffer
	buf.WriteString(strings.Join(head, "\t"))
	buf.WriteByte('\n')
	for _, r := range rows {
		for _, f := range r {
			if strings.ContainsAny(f, "\t\n\r") {
				return fmt.Errorf("%s: field %q has a tab or newline", name, f)
			}
		}
		buf.WriteString(strings.Join(r, "\t"))
		buf.WriteByte('\n')
	}
	data := buf.Bytes()
	if strings.HasSuffix(name, ".gz") {
		var z bytes.Buffer
		w, err := gzip.NewWriterLevel(&z, gzip.BestCompression)
		if err != nil {
			return err
		}
		if _, err := w.Write(data); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		data = z.Bytes()
	}
	g.outputs = append(g.outputs, name)
	return writeFile(filepath.Join(g.out, name), data)
}

func (g *generator) writeManifest() error {
	var b strings.Builder
	b.WriteString("# Generated by bench/onet/internal/gen from ../shared/data/onet; do not edit.\n")
	b.WriteString("# sha256 of each source file read (see ../shared/data/onet/PROVENANCE.md).\n")
	sort.Slice(g.manifest, func(i, j int) bool { return g.manifest[i][0] < g.manifest[j][0] })
	for _, m := range g.manifest {
		fmt.Fprintf(&b, "%s  %s\n", m[1], m[0])
	}
	return writeFile(filepath.Join(g.out, "SOURCES.sha256"), []byte(b.String()))
}

func writeFile(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return errors.Join(err, os.Remove(tmp))
	}
	return nil
}
