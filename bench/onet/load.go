package onet

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"io/fs"
	"strconv"
	"strings"
)

// Embedded file names, as written by internal/gen.
const (
	fileOccupations = "data/occupations.tsv.gz"
	fileRelated     = "data/related.tsv.gz"
	fileChangers    = "data/career_changers.tsv.gz"
	fileAlternate   = "data/alternate_titles.tsv.gz"
	fileReported    = "data/reported_titles.tsv.gz"
	fileEducation   = "data/education.tsv.gz"
	fileEduLevels   = "data/education_levels.tsv"
	fileGroups      = "data/soc_groups.tsv.gz"
	fileJobZones    = "data/job_zones.tsv"
)

// eachRow calls fn for every data row of a TSV file (gunzipped when its name
// ends in .gz) after checking its header. Fields are substrings of one string
// holding the whole file, so rows cost no allocation of their own.
func eachRow(fsys fs.FS, name string, header []string, fn func(line int, f []string) error) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	text := string(b)
	if strings.HasSuffix(name, ".gz") {
		if text, err = gunzip(b); err != nil {
			return errorf(name, 0, "gunzip: %v", err)
		}
	}
	f := make([]string, len(header))
	for line := 1; text != ""; line++ {
		var row string
		row, text, _ = strings.Cut(text, "\n")
		n, more := 0, true
		for more && n < len(f) {
			var field string
			field, row, more = strings.Cut(row, "\t")
			f[n] = field
			n++
		}
		if n != len(f) || more {
			return errorf(name, line, "want %d tab-separated fields", len(header))
		}
		if line == 1 {
			for i, h := range header {
				if f[i] != h {
					return errorf(name, line, "column %d is %q, want %q", i+1, f[i], h)
				}
			}
			continue
		}
		if err := fn(line, f); err != nil {
			return err
		}
	}
	return nil
}

func (t *Taxonomy) loadOccupations(fsys fs.FS) error {
	t.index = make(map[string]int32, 1024)
	t.byTitle = make(map[string]int32, 1024)
	err := eachRow(fsys, fileOccupations, []string{"code", "title", "job_zone", "description"}, func(line int, f []string) error {
		if !ValidCode(f[0]) {
			return errorf(fileOccupations, line, "invalid code %q", f[0])
		}
		z, err := strconv.Atoi(f[2])
		if err != nil || z < 0 || z > 5 {
			return errorf(fileOccupations, line, "job zone %q, want 0-5", f[2])
		}
		if _, dup := t.index[f[0]]; dup {
			return errorf(fileOccupations, line, "duplicate code %s", f[0])
		}
		if _, dup := t.byTitle[f[1]]; dup {
			return errorf(fileOccupations, line, "duplicate title %q", f[1])
		}
		if n := len(t.occ); n > 0 && t.occ[n-1].Code > f[0] {
			return errorf(fileOccupations, line, "code %s out of order", f[0])
		}
		t.index[f[0]] = int32(len(t.occ))
		t.byTitle[f[1]] = int32(len(t.occ))
		t.occ = append(t.occ, Occupation{Code: f[0], Title: f[1], Description: f[3], JobZone: z})
		return nil
	})
	if err != nil {
		return err
	}
	n := len(t.occ)
	t.related = make([][]Related, n)
	t.relCodes = make([][]string, n)
	t.changers = make([][]Related, n)
	t.alternate = make([][]string, n)
	t.short = make([][]string, n)
	t.reported = make([][]string, n)
	t.shown = make([][]bool, n)
	t.education = make([][]float64, n)
	return nil
}

// lookup resolves a code of a data file to its position.
func (t *Taxonomy) lookup(file string, line int, code string) (int32, error) {
	i, ok := t.index[code]
	if !ok {
		return 0, errorf(file, line, "unknown occupation code %q", code)
	}
	return i, nil
}

// loadRanked reads a ranked list file whose rows are sorted by code and
// index, checking that each list runs 1..n.
func (t *Taxonomy) loadRanked(fsys fs.FS, file string, header []string, dst [][]Related) error {
	// All lists share one backing array: one allocation instead of 923.
	var all []Related
	var owner []int32
	err := eachRow(fsys, file, header, func(line int, f []string) error {
		src, err := t.lookup(file, line, f[0])
		if err != nil {
			return err
		}
		rel, err := t.lookup(file, line, f[1])
		if err != nil {
			return err
		}
		k, err := strconv.Atoi(f[len(f)-1])
		want := 1
		if n := len(owner); n > 0 && owner[n-1] == src {
			want = all[n-1].Index + 1
		}
		if err != nil || k != want {
			return errorf(file, line, "index %q, want %d", f[len(f)-1], want)
		}
		tier := ""
		if len(f) == 4 {
			tier = internTier(f[2])
			if tier == "" {
				return errorf(file, line, "unknown tier %q", f[2])
			}
		}
		all = append(all, Related{Code: t.occ[rel].Code, Tier: tier, Index: k})
		owner = append(owner, src)
		return nil
	})
	if err != nil {
		return err
	}
	for lo := 0; lo < len(all); {
		hi := lo + 1
		for hi < len(all) && owner[hi] == owner[lo] {
			hi++
		}
		if dst[owner[lo]] != nil {
			return errorf(file, 0, "list of %s split", t.occ[owner[lo]].Code)
		}
		dst[owner[lo]] = all[lo:hi:hi]
		lo = hi
	}
	return nil
}

func internTier(s string) string {
	switch s {
	case "Primary-Short":
		return "Primary-Short"
	case "Primary-Long":
		return "Primary-Long"
	case "Supplemental":
		return "Supplemental"
	}
	return ""
}

func (t *Taxonomy) loadRelated(fsys fs.FS) error {
	if err := t.loadRanked(fsys, fileRelated, []string{"code", "related_code", "tier", "index"}, t.related); err != nil {
		return err
	}
	for i, r := range t.related {
		if r == nil {
			continue
		}
		codes := make([]string, len(r))
		for k := range r {
			codes[k] = r[k].Code
		}
		t.relCodes[i] = codes
	}
	return nil
}

func (t *Taxonomy) loadChangers(fsys fs.FS) error {
	return t.loadRanked(fsys, fileChangers, []string{"code", "related_code", "index"}, t.changers)
}

func (t *Taxonomy) loadTitles(fsys fs.FS) error {
	err := eachRow(fsys, fileReported, []string{"code", "reported_title", "shown_in_my_next_move"}, func(line int, f []string) error {
		i, err := t.lookup(fileReported, line, f[0])
		if err != nil {
			return err
		}
		t.reported[i] = append(t.reported[i], f[1])
		t.shown[i] = append(t.shown[i], f[2] == "Y")
		return nil
	})
	if err != nil {
		return err
	}
	return eachRow(fsys, fileAlternate, []string{"code", "alternate_title", "short_title"}, func(line int, f []string) error {
		i, err := t.lookup(fileAlternate, line, f[0])
		if err != nil {
			return err
		}
		t.alternate[i] = append(t.alternate[i], f[1])
		if f[2] != "" {
			t.short[i] = append(t.short[i], f[2])
		}
		return nil
	})
}

func (t *Taxonomy) loadEducation(fsys fs.FS) error {
	header := []string{"code"}
	for k := 1; k <= educationCategories; k++ {
		header = append(header, "rl"+strconv.Itoa(k))
	}
	return eachRow(fsys, fileEducation, header, func(line int, f []string) error {
		i, err := t.lookup(fileEducation, line, f[0])
		if err != nil {
			return err
		}
		v := make([]float64, educationCategories)
		for k := range v {
			x, err := strconv.ParseFloat(f[k+1], 64)
			if err != nil || x < 0 || x > 100 {
				return errorf(fileEducation, line, "category %d: share %q, want 0-100", k+1, f[k+1])
			}
			v[k] = x / 100
		}
		t.education[i] = v
		return nil
	})
}

func (t *Taxonomy) loadJobZones(fsys fs.FS) error {
	return eachRow(fsys, fileJobZones, []string{"job_zone", "name", "experience", "education", "job_training", "examples", "svp_range"}, func(line int, f []string) error {
		if f[0] != strconv.Itoa(len(t.zones)+1) {
			return errorf(fileJobZones, line, "job zone %q, want %d", f[0], len(t.zones)+1)
		}
		t.zones = append(t.zones, JobZone{
			Zone: len(t.zones) + 1, Name: f[1], Experience: f[2], Education: f[3],
			Training: f[4], Examples: f[5], SVPRange: f[6],
		})
		return nil
	})
}

// gunzip decompresses b into one string, sized from the gzip trailer so the
// text is allocated once.
func gunzip(b []byte) (string, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	if n := len(b); n >= 4 {
		if size := binary.LittleEndian.Uint32(b[n-4:]); size < 64<<20 {
			sb.Grow(int(size))
		}
	}
	if _, err := io.Copy(&sb, zr); err != nil {
		return "", err
	}
	return sb.String(), zr.Close()
}
