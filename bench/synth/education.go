package synth

import (
	"math/rand/v2"

	"github.com/occbench/occbench/bench"
)

// zonePrior is the highest degree by the first occupation's job zone,
// blended with O*NET's Required Level of Education, which is noisy for
// small occupations and mostly below college for zones 1–2.
var zonePrior = [5][numLevels]float64{
	{0.5, 0.5},
	{0.4, 0.6},
	{0.25, 0.65, 0, 0.1},
	{0, 0.7, 0.05, 0.25},
	{0, 0.25, 0, 0.45, 0, 0.1, 0.2},
}

// degreeOf is P(highest degree | first occupation c, type t).
func (w *world) degreeOf(t Type, c int) []float64 {
	var share [numLevels]float64
	sum := 0.0
	if rl := w.tax.Education(w.occ[c].Code); len(rl) == 12 {
		for cat := 4; cat < 12; cat++ { // categories 5–12; 1–4 are below college
			share[min(Level(cat-4), Doctoral)] += rl[cat]
			sum += rl[cat]
		}
	}
	prior := zonePrior[w.zone[c]-1]
	out := make([]float64, numLevels)
	for l := range out {
		out[l] = prior[l]
		if sum > 0 {
			out[l] = 0.4*prior[l] + 0.6*share[l]/sum
		}
	}
	// A level with no degree name for the group (a first professional degree
	// outside law and health) is reported as a master's.
	for l := range numLevels {
		if len(w.words.degreesFor(l, w.group[c])) == 0 {
			out[Master] += out[l]
			out[l] = 0
		}
	}
	tot := 0.0
	for l := range out {
		if Level(l) >= Certificate {
			out[l] *= t.Graduate
		}
		tot += out[l]
	}
	for l := range out {
		out[l] /= tot
	}
	return out
}

// path is the sequence of degrees that ends in a highest level.
func (l Level) path() []Level {
	switch l {
	case Associate, Bachelor:
		return []Level{l}
	case PostMaster:
		return []Level{Bachelor, Master, PostMaster}
	}
	return []Level{Bachelor, l}
}

// years is how long a degree takes, full time.
func (l Level) years() int {
	return [numLevels]int{2, 4, 1, 2, 1, 3, 5}[l]
}

// education draws the education records of a person whose highest degree is
// top and whose first occupation is in group; the last degree ends in May or
// December before month end (months since year 0). It draws nothing that
// depends on the type.
func (w *world) education(r *rand.Rand, top Level, group string, end int) []bench.Record {
	switch m := end % 12; {
	case m >= 11:
	case m >= 4:
		end -= m - 4
	default:
		end -= m + 1
	}
	path := top.path()
	recs := make([]bench.Record, len(path))
	var major string
	for i := len(path) - 1; i >= 0; i-- {
		l := path[i]
		ds := w.words.degreesFor(l, group)
		d := ds[r.IntN(len(ds))]
		m := d.major
		switch {
		case m != "":
		case major != "" && r.IntN(2) == 0:
			m = major // same field as the degree before it
		default:
			ms := w.words.majors[group]
			m = ms[r.IntN(len(ms))]
		}
		if d.major == "" {
			major = m
		}
		schools := w.words.univs
		if l == Associate {
			schools = w.words.colleges
		}
		start := end - l.years()*12 + 4
		if d.name == "Doctor of Medicine" {
			start -= 12
		}
		for start%12 != 8 { // classes start in September
			start--
		}
		recs[i] = bench.Record{
			Kind:     bench.Education,
			Start:    monthStart(start),
			End:      monthEnd(end),
			School:   schools[r.IntN(len(schools))],
			Degree:   d.name,
			Major:    m,
			GradYear: end / 12,
		}
		// The degree before started after a break of 0–2 years.
		end = start - 4 - 12*r.IntN(3)
	}
	return recs
}
