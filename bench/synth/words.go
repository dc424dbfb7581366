package synth

import (
	"bufio"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

//go:embed data/words.txt
var wordsTxt string

// Level is a person's highest degree, the education the generator draws
// from O*NET's Required Level of Education. Levels below the associate's
// degree are not drawn: the paper's population is college-educated.
type Level uint8

const (
	Associate    Level = iota // O*NET category 5
	Bachelor                  // 6
	Certificate               // 7, post-baccalaureate certificate
	Master                    // 8
	PostMaster                // 9, post-master's certificate
	Professional              // 10, first professional degree
	Doctoral                  // 11 and 12
	numLevels
)

var levelNames = [numLevels]string{"associate", "bachelor", "certificate", "master", "postmaster", "professional", "doctoral"}

func (l Level) String() string {
	if l < numLevels {
		return levelNames[l]
	}
	return "level(" + strconv.Itoa(int(l)) + ")"
}

func parseLevel(s string) (Level, bool) {
	for i, n := range levelNames {
		if n == s {
			return Level(i), true
		}
	}
	return 0, false
}

// degree is one degree name of the word list.
type degree struct {
	level  Level
	groups map[string]bool // nil: every group
	name   string
	major  string // fixed major, or "" to draw one from the group
}

// words is the parsed data/words.txt.
type words struct {
	popular    map[string]float64
	groupShare map[string]float64
	salaryMult map[string]float64
	majors     map[string][]string
	industries map[string][]string
	degrees    []degree
	levelOf    map[string]Level // degree name → level
	univs      []string
	colleges   []string
}

var (
	wordsOnce sync.Once
	wordsVal  *words
	wordsErr  error
)

func loadWords() (*words, error) {
	wordsOnce.Do(func() { wordsVal, wordsErr = parseWords(wordsTxt) })
	return wordsVal, wordsErr
}

func parseWords(txt string) (*words, error) {
	w := &words{
		popular: map[string]float64{}, groupShare: map[string]float64{}, salaryMult: map[string]float64{},
		majors: map[string][]string{}, industries: map[string][]string{}, levelOf: map[string]Level{},
	}
	section := ""
	sc := bufio.NewScanner(strings.NewReader(txt))
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimRight(sc.Text(), " \r")
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
			section = s[1 : len(s)-1]
			continue
		}
		f := strings.Split(s, "\t")
		bad := func(why string) error {
			return fmt.Errorf("synth: data/words.txt:%d: [%s] %q: %s", line, section, s, why)
		}
		num := func(i int) (float64, error) {
			if i >= len(f) {
				return 0, bad("missing number")
			}
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil || !(v > 0) {
				return 0, bad("want a positive number")
			}
			return v, nil
		}
		switch section {
		case "popular":
			v, err := num(1)
			if err != nil {
				return nil, err
			}
			w.popular[f[0]] = v
		case "group":
			share, err := num(1)
			if err != nil {
				return nil, err
			}
			mult, err := num(2)
			if err != nil {
				return nil, err
			}
			w.groupShare[f[0]], w.salaryMult[f[0]] = share, mult
		case "majors", "industries":
			if len(f) < 2 {
				return nil, bad("want a group and at least one name")
			}
			m := w.majors
			if section == "industries" {
				m = w.industries
			}
			m[f[0]] = f[1:]
		case "degrees":
			if len(f) < 3 {
				return nil, bad("want level, groups and name")
			}
			l, ok := parseLevel(f[0])
			if !ok {
				return nil, bad("unknown level")
			}
			d := degree{level: l, name: f[2]}
			if f[1] != "*" {
				d.groups = map[string]bool{}
				for _, g := range strings.Fields(f[1]) {
					d.groups[g] = true
				}
			}
			if len(f) > 3 {
				d.major = f[3]
			}
			if old, ok := w.levelOf[d.name]; ok && old != l {
				return nil, bad("degree name in two levels")
			}
			w.levelOf[d.name] = l
			w.degrees = append(w.degrees, d)
		case "universities":
			w.univs = append(w.univs, f[0])
		case "colleges":
			w.colleges = append(w.colleges, f[0])
		default:
			return nil, bad("unknown section")
		}
	}
	if len(w.univs) == 0 || len(w.colleges) == 0 || len(w.degrees) == 0 {
		return nil, fmt.Errorf("synth: data/words.txt: missing schools or degrees")
	}
	return w, nil
}

// degreesFor returns the degree names of a level that fit a group.
func (w *words) degreesFor(l Level, group string) []degree {
	var out []degree
	for _, d := range w.degrees {
		if d.level == l && (d.groups == nil || d.groups[group]) {
			out = append(out, d)
		}
	}
	return out
}
