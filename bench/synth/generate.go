package synth

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/occbench/occbench/bench"
)

// Generator draws synthetic persons. It is safe for concurrent use.
type Generator struct {
	cfg Config
	w   *world
}

// New checks cfg and builds the generator's fixed world from the taxonomy.
func New(cfg Config) (*Generator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	g := &Generator{cfg: cfg.clone()}
	w, err := newWorld(&g.cfg)
	if err != nil {
		return nil, err
	}
	g.w = w
	return g, nil
}

// Config returns the generator's settings.
func (g *Generator) Config() Config { return g.cfg }

// User is one generated person: the example written to the data set and what
// only the generator knows.
type User struct {
	bench.Example
	Type int // index into Config.Types

	// Bayes is the probability the Bayes-optimal predictor gives its answer
	// (BayesCode): its expected exact match on this user.
	Bayes float64
	// OracleCode is the best prediction for someone who also knows Type.
	OracleCode string
}

// UserID is the id of the i-th user (0-based): "u000001" for i = 0.
func UserID(i int) string { return fmt.Sprintf("u%06d", i+1) }

// User draws the i-th person (0-based). A person depends only on the seed
// and i, so users can be drawn in any order and in parallel.
func (g *Generator) User(i int) *User {
	r := rand.New(rand.NewPCG(g.cfg.Seed, uint64(i)))
	c := g.w.career(r)
	u := &User{Type: c.k}
	u.UserID = UserID(i)
	u.History = g.w.records(r, c)
	t := g.w.occ[c.jobs[len(c.jobs)-1]]
	u.TargetCode, u.TargetTitle = t.Code, t.Title

	hist := c.jobs[:len(c.jobs)-1]
	pred := make([]float64, len(g.w.occ))
	g.w.predictive(hist, g.w.posterior(hist, int(c.level)), pred)
	b := argmax(pred)
	u.BayesCode, u.BayesTitle, u.Bayes = g.w.occ[b].Code, g.w.occ[b].Title, pred[b]
	g.w.predictive(hist, oneHot(len(g.w.typeW), c.k), pred)
	u.OracleCode = g.w.occ[argmax(pred)].Code
	return u
}

// Users draws persons from..to−1 on Config.Workers goroutines.
func (g *Generator) Users(ctx context.Context, from, to int) ([]*User, error) {
	if from < 0 || to < from {
		return nil, fmt.Errorf("synth: users %d to %d: want 0 ≤ from ≤ to", from, to)
	}
	out := make([]*User, to-from)
	workers := g.cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	const chunk = 256
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		next = from
	)
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				mu.Lock()
				lo := next
				next += chunk
				mu.Unlock()
				if lo >= to {
					return
				}
				for i := lo; i < min(lo+chunk, to); i++ {
					out[i-from] = g.User(i)
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// batchUsers is how many users Each draws at a time: enough to keep the
// workers busy, few enough that memory stays flat whatever the data set's
// size.
const batchUsers = 8192

// Each draws persons from..to−1 and calls fn on each in order, i being the
// person's index. Batches are drawn on Config.Workers goroutines while fn
// consumes the previous one, so at most three batches are in memory. An
// error from fn stops the drawing and is returned.
func (g *Generator) Each(ctx context.Context, from, to int, fn func(i int, u *User) error) error {
	if from < 0 || to < from {
		return fmt.Errorf("synth: users %d to %d: want 0 ≤ from ≤ to", from, to)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []*User, 1)
	var drawErr error // read once batches is closed
	go func() {
		defer close(batches)
		for lo := from; lo < to; lo += batchUsers {
			us, err := g.Users(ctx, lo, min(lo+batchUsers, to))
			if err != nil {
				drawErr = err
				return
			}
			select {
			case batches <- us:
			case <-ctx.Done():
				drawErr = ctx.Err()
				return
			}
		}
	}()
	i := from
	for us := range batches {
		for _, u := range us {
			if err := fn(i, u); err != nil {
				cancel()
				for range batches { // let the drawing goroutine end
				}
				return err
			}
			i++
		}
	}
	return drawErr
}

// career is the part of a person that prediction is about: the hidden
// type, the occupations (target last) and the highest degree.
type career struct {
	k     int
	jobs  []int
	level Level
}

func (w *world) career(r *rand.Rand) career {
	k := pick(r, w.typeW)
	return w.walk(r, k, w.numJobs(r))
}

// walk draws n occupations and the highest degree of a person of type k.
func (w *world) walk(r *rand.Rand, k, n int) career {
	c := career{k: k, jobs: make([]int, 1, n)}
	cdf := w.cdf[k]
	x := r.Float64() * cdf[len(cdf)-1]
	// The first index whose cdf exceeds x has a positive probability.
	c.jobs[0] = min(sort.Search(len(cdf), func(i int) bool { return cdf[i] > x }), len(cdf)-1)
	var ret []entry
	for len(c.jobs) < n {
		if w.chain != nil {
			c.jobs = append(c.jobs, w.chain.next(r, c.jobs))
			continue
		}
		ret = w.returns(c.jobs, ret)
		c.jobs = append(c.jobs, w.next(r, k, c.jobs[len(c.jobs)-1], ret))
	}
	c.level = Level(pick(r, w.degree[k][c.jobs[0]]))
	return c
}

// numJobs draws the number of jobs, independently of everything else, so
// that the target is just the next step of the same process.
func (w *world) numJobs(r *rand.Rand) int {
	ws := make([]float64, w.cfg.MaxJobs-w.cfg.MinJobs+1)
	for i := range ws {
		ws[i] = math.Pow(w.cfg.JobsDecay, float64(i))
	}
	return w.cfg.MinJobs + pick(r, ws)
}

func (w *world) next(r *rand.Rand, k, c int, ret []entry) int {
	mv := w.moves[k][c]
	if len(ret) > 0 && r.Float64() < w.cfg.Types[k].Return {
		mv = ret
	}
	return draw(r, mv)
}

// draw picks an occupation from a distribution.
func draw(r *rand.Rand, d []entry) int {
	u := r.Float64()
	for _, e := range d {
		u -= e.p
		if u < 0 {
			return int(e.y)
		}
	}
	return int(d[len(d)-1].y)
}

// pick draws an index with probability proportional to ws.
func pick(r *rand.Rand, ws []float64) int {
	tot := 0.0
	for _, v := range ws {
		tot += v
	}
	u := r.Float64() * tot
	last := 0
	for i, v := range ws {
		if v <= 0 {
			continue
		}
		last = i
		u -= v
		if u < 0 {
			return i
		}
	}
	return last
}

// Month arithmetic: months since January of year 0.
func monthStart(m int) bench.Date { return bench.DateOf(m/12, time.Month(m%12+1), 1) }
func monthEnd(m int) bench.Date   { return bench.DateOf(m/12, time.Month(m%12+2), 0) }

// First and last month a career's target job may start.
var (
	targetFrom = 2016*12 + 0
	targetTo   = 2025*12 + 5
)

// records draws the history's records given the career: education, then
// jobs with titles, dates, industries and salaries. Nothing here looks at the
// type, so none of it tells the Bayes predictor more than the occupations do.
func (w *world) records(r *rand.Rand, c career) []bench.Record {
	n := len(c.jobs)
	// Dates, backwards from the target's start.
	starts := make([]int, n)
	ends := make([]int, n)
	starts[n-1] = targetFrom + r.IntN(targetTo-targetFrom+1)
	for t := n - 2; t >= 0; t-- {
		gap := 0
		if r.Float64() < 0.18 { // between jobs for a while
			gap = 1 + min(int(math.Exp(math.Log(3)+0.7*r.NormFloat64())), 23)
		}
		ends[t] = starts[t+1] - 1 - gap
		tenure := int(math.Round(math.Exp(math.Log(26) + 0.55*r.NormFloat64())))
		starts[t] = ends[t] - min(max(tenure, 4), 180) + 1
	}
	group := w.group[c.jobs[0]]
	grad := starts[0] - 1 - r.IntN(6)
	recs := w.education(r, c.level, group, grad)

	var prevTitle, prevIndustry string
	for t := range n - 1 {
		o := w.occ[c.jobs[t]]
		g := w.group[c.jobs[t]]
		same := t > 0 && c.jobs[t] == c.jobs[t-1]
		title := prevTitle
		if !same || r.IntN(2) == 0 {
			title = w.title(r, o.Code, o.Title)
		}
		industry := prevIndustry
		if t == 0 || g != w.group[c.jobs[t-1]] || r.Float64() < 0.4 {
			is := w.words.industries[g]
			industry = is[r.IntN(len(is))]
		}
		years := float64(starts[t]-starts[0]) / 12
		salary := zoneSalary[w.zone[c.jobs[t]]-1] * w.words.salaryMult[g] *
			math.Pow(1.03, math.Min(years, 25)) * math.Exp(0.12*r.NormFloat64())
		recs = append(recs, bench.Record{
			Kind:       bench.Job,
			Start:      monthStart(starts[t]),
			End:        monthEnd(ends[t]),
			Title:      title,
			Code:       o.Code,
			Occupation: o.Title,
			Industry:   industry,
			Salary:     math.Round(salary/500) * 500,
		})
		prevTitle, prevIndustry = title, industry
	}
	return recs
}

// zoneSalary is a starting yearly salary by job zone, in US dollars; it
// grows 3% a year of experience for 25 years.
var zoneSalary = [5]float64{28000, 36000, 46000, 60000, 78000}

// title draws a job title as a resume would show it: usually a title O*NET
// collected from incumbents, sometimes an alternate title, sometimes the
// occupation's own title.
func (w *world) title(r *rand.Rand, code, own string) string {
	rep := w.tax.ReportedTitles(code)
	alt := w.tax.AlternateTitles(code)
	u := r.Float64()
	switch {
	case len(rep) > 0 && u < 0.6:
		return rep[r.IntN(len(rep))]
	case len(alt) > 0 && u < 0.85:
		return alt[r.IntN(len(alt))]
	}
	return own
}
