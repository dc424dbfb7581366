package synth

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
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
	if g.cfg.Horizon == 1 {
		g.cfg.Horizon = 0 // single-step: the config, and so the files, as before horizons
	}
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
	// BayesByHorizon is, for a test user of a set with a horizon K > 1, the
	// probability of BayesPath[h−1] at each horizon h = 1..K: the Bayes
	// predictor's expected exact match h jobs ahead. BayesByHorizon[0] is
	// Bayes.
	BayesByHorizon []float64
}

// UserID is the id of the i-th user (0-based): "u000001" for i = 0.
func UserID(i int) string { return fmt.Sprintf("u%06d", i+1) }

// User draws the i-th person (0-based). A person depends only on the seed
// and i, so users can be drawn in any order and in parallel.
//
// With a horizon K > 1 the career goes on K−1 jobs past the target, drawn
// after everything a single-step person draws, so the history and the
// target are the same whatever K is; a test user also gets the
// Bayes-optimal occupation at each horizon (bayesPath).
func (g *Generator) User(i int) *User {
	r := rand.New(rand.NewPCG(g.cfg.Seed, uint64(i)))
	c := g.w.career(r)
	u := &User{Type: c.k}
	u.UserID = UserID(i)
	var tail recordsTail
	u.History, tail = g.w.records(r, c)
	t := g.w.occ[c.jobs[len(c.jobs)-1]]
	u.TargetCode, u.TargetTitle = t.Code, t.Title

	hist := c.jobs[:len(c.jobs)-1]
	post := g.w.posterior(hist, int(c.level))
	pred := make([]float64, len(g.w.occ))
	g.w.predictive(hist, post, pred)
	b := argmax(pred)
	u.BayesCode, u.BayesTitle, u.Bayes = g.w.occ[b].Code, g.w.occ[b].Title, pred[b]
	g.w.predictive(hist, oneHot(len(g.w.typeW), c.k), pred)
	u.OracleCode = g.w.occ[argmax(pred)].Code

	if k := g.cfg.horizon(); k > 1 {
		jobs := slices.Clone(c.jobs)
		for len(jobs) < len(c.jobs)+k-1 {
			jobs = append(jobs, g.w.step(r, c.k, jobs))
		}
		u.TargetPath = g.w.pathRecords(r, jobs, len(c.jobs)-1, tail)
		if i >= g.cfg.Users-g.cfg.TestUsers {
			g.bayesPath(u, hist, post, k)
		}
	}
	return u
}

// bayesPath sets a test user's Bayes-optimal occupation and its
// probability at each horizon. The first is BayesCode itself, so that h = 1
// is the single-step ceiling to the last bit.
func (g *Generator) bayesPath(u *User, hist []int, post []float64, k int) {
	m := g.w.marginals(hist, post, k)
	u.BayesPath = []bench.Occupation{{Code: u.BayesCode, Title: u.BayesTitle}}
	u.BayesByHorizon = []float64{u.Bayes}
	for _, d := range m[1:] {
		b := argmax(d)
		u.BayesPath = append(u.BayesPath, bench.Occupation{Code: g.w.occ[b].Code, Title: g.w.occ[b].Title})
		u.BayesByHorizon = append(u.BayesByHorizon, d[b])
	}
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

// step draws the occupation after jobs for a person of type k: the same
// law walk draws from.
func (w *world) step(r *rand.Rand, k int, jobs []int) int {
	if w.chain != nil {
		return w.chain.next(r, jobs)
	}
	return w.next(r, k, jobs[len(jobs)-1], w.returns(jobs, nil))
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

// recordsTail is where records left off, for pathRecords to go on from:
// the months the first and the target job start, the last job's title and
// industry.
type recordsTail struct {
	first, target           int
	prevTitle, prevIndustry string
}

// records draws the history's records given the career: education, then
// jobs with titles, dates, industries and salaries. Nothing here looks at the
// type, so none of it tells the Bayes predictor more than the occupations do.
func (w *world) records(r *rand.Rand, c career) ([]bench.Record, recordsTail) {
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

	tail := recordsTail{first: starts[0], target: starts[n-1]}
	for t := range n - 1 {
		rec := w.job(r, c.jobs, t, starts[0], starts[t], &tail)
		rec.End = monthEnd(ends[t])
		recs = append(recs, rec)
	}
	return recs, tail
}

// job draws the record of jobs[t], which starts in month start, the
// career's first job in month first, given the previous job's title and
// industry in tail, which it updates. The end date is left to the caller.
func (w *world) job(r *rand.Rand, jobs []int, t, first, start int, tail *recordsTail) bench.Record {
	o := w.occ[jobs[t]]
	g := w.group[jobs[t]]
	same := t > 0 && jobs[t] == jobs[t-1]
	title := tail.prevTitle
	if !same || r.IntN(2) == 0 {
		title = w.title(r, o.Code, o.Title)
	}
	industry := tail.prevIndustry
	if t == 0 || g != w.group[jobs[t-1]] || r.Float64() < 0.4 {
		is := w.words.industries[g]
		industry = is[r.IntN(len(is))]
	}
	years := float64(start-first) / 12
	salary := zoneSalary[w.zone[jobs[t]]-1] * w.words.salaryMult[g] *
		math.Pow(1.03, math.Min(years, 25)) * math.Exp(0.12*r.NormFloat64())
	tail.prevTitle, tail.prevIndustry = title, industry
	return bench.Record{
		Kind:       bench.Job,
		Start:      monthStart(start),
		Title:      title,
		Code:       o.Code,
		Occupation: o.Title,
		Industry:   industry,
		Salary:     math.Round(salary/500) * 500,
	}
}

// pathRecords draws the records of the target path, jobs[from:], forwards
// from the target's start month where records left off: tenures and gaps
// as records draws them, then each job's title, industry and salary. The
// last job has no end date: it is still held. Paths run past the target
// window, so with a long horizon some jobs start after 2025.
func (w *world) pathRecords(r *rand.Rand, jobs []int, from int, tail recordsTail) []bench.Record {
	n := len(jobs) - from
	starts := make([]int, n)
	ends := make([]int, n)
	starts[0] = tail.target
	for t := range n - 1 {
		tenure := int(math.Round(math.Exp(math.Log(26) + 0.55*r.NormFloat64())))
		ends[t] = starts[t] + min(max(tenure, 4), 180) - 1
		gap := 0
		if r.Float64() < 0.18 {
			gap = 1 + min(int(math.Exp(math.Log(3)+0.7*r.NormFloat64())), 23)
		}
		starts[t+1] = ends[t] + 1 + gap
	}
	recs := make([]bench.Record, n)
	for t := range n {
		recs[t] = w.job(r, jobs, from+t, tail.first, starts[t], &tail)
		if t < n-1 {
			recs[t].End = monthEnd(ends[t])
		}
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
