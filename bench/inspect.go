package bench

import (
	"cmp"
	"fmt"
	"slices"
)

// Spread summarises a count per user.
type Spread struct {
	Min    int     `json:"min"`
	Median float64 `json:"median"`
	Max    int     `json:"max"`
}

// TargetCount is one of the most common targets.
type TargetCount struct {
	Code  string  `json:"code"`
	Title string  `json:"title"`
	Users int     `json:"users"`
	Share float64 `json:"share"`
}

// Summary describes a data set. Job records include each user's target job
// (every job of a target path).
type Summary struct {
	File          string `json:"file"`
	SchemaVersion string `json:"schema_version"`
	// Horizon is K, the number of target jobs of a data set with target
	// paths (absent for a single-step set); WithPath counts the users with
	// a target path, WithBayesPath those with a Bayes path.
	Horizon          int            `json:"horizon,omitempty"`
	WithPath         int            `json:"users_with_path,omitempty"`
	WithBayesPath    int            `json:"users_with_bayes_path,omitempty"`
	Users            int            `json:"users"`
	JobRecords       int            `json:"job_records"`
	EduRecords       int            `json:"education_records"`
	Occupations      int            `json:"occupations"` // distinct codes in histories and targets
	TargetOccs       int            `json:"target_occupations"`
	JobsPerUser      Spread         `json:"job_records_per_user"`
	EduPerUser       Spread         `json:"education_records_per_user"`
	TopTargets       []TargetCount  `json:"top_targets"`
	Missing          map[string]int `json:"missing"` // field → records (or users, for target) without it
	WithBayes        int            `json:"users_with_bayes"`
	WithOracleReason int            `json:"users_with_oracle_reason"`
	Mobility         Mobility       `json:"mobility"`
}

// Missing-field keys of a Summary.
var missingKeys = []string{
	"job.start", "job.end", "job.title", "job.code", "job.industry", "job.salary",
	"education.school", "education.degree", "education.major", "education.grad_year", "education.dates",
	"target",
}

// Summarizer accumulates a Summary one example at a time, so a data set of
// any size is summarised in one streaming pass.
type Summarizer struct {
	s       Summary
	jobs    []int
	edus    []int
	occs    map[string]bool
	targets map[string]*TargetCount
	mob     *mobility
	codes   []string // the current user's job codes, reused
}

// NewSummarizer returns an empty Summarizer.
func NewSummarizer() *Summarizer {
	m := map[string]int{}
	for _, k := range missingKeys {
		m[k] = 0
	}
	return &Summarizer{s: Summary{Missing: m}, occs: map[string]bool{}, targets: map[string]*TargetCount{}, mob: newMobility()}
}

// Add counts one example.
func (z *Summarizer) Add(ex *Example) {
	s := &z.s
	s.Users++
	jobs, edus := 0, 0
	z.codes = z.codes[:0]
	miss := func(cond bool, key string) {
		if cond {
			s.Missing[key]++
		}
	}
	for _, r := range ex.History {
		if r.IsJob() {
			jobs++
			miss(!r.Start.Valid(), "job.start")
			miss(!r.End.Valid(), "job.end")
			miss(r.Title == "", "job.title")
			miss(r.Code == "", "job.code")
			miss(r.Industry == "", "job.industry")
			miss(r.Salary == 0, "job.salary")
			if r.Code != "" {
				z.occs[r.Code] = true
			}
			z.codes = append(z.codes, r.Code)
			continue
		}
		edus++
		miss(r.School == "", "education.school")
		miss(r.Degree == "", "education.degree")
		miss(r.Major == "", "education.major")
		miss(r.GradYear == 0, "education.grad_year")
		miss(!r.Start.Valid() && !r.End.Valid(), "education.dates")
	}
	if ex.TargetCode == "" {
		s.Missing["target"]++
	} else {
		jobs++
		z.occs[ex.TargetCode] = true
		t := z.targets[ex.TargetCode]
		if t == nil {
			t = &TargetCount{Code: ex.TargetCode, Title: ex.TargetTitle}
			z.targets[ex.TargetCode] = t
		}
		t.Users++
		z.codes = append(z.codes, ex.TargetCode)
	}
	if len(ex.TargetPath) > 0 {
		s.WithPath++
		for _, r := range ex.TargetPath[1:] {
			jobs++
			z.occs[r.Code] = true
			z.codes = append(z.codes, r.Code)
		}
	}
	if len(ex.BayesPath) > 0 {
		s.WithBayesPath++
	}
	z.mob.add(ex.UserID, z.codes)
	if ex.BayesCode != "" {
		s.WithBayes++
	}
	if ex.OracleReason != "" {
		s.WithOracleReason++
	}
	s.JobRecords += jobs
	s.EduRecords += edus
	z.jobs = append(z.jobs, jobs)
	z.edus = append(z.edus, edus)
}

// Summary returns the summary with the top n targets.
func (z *Summarizer) Summary(top int) Summary {
	s := z.s
	s.Occupations = len(z.occs)
	s.TargetOccs = len(z.targets)
	s.JobsPerUser = spread(z.jobs)
	s.EduPerUser = spread(z.edus)
	s.Mobility = z.mob.result()
	all := make([]TargetCount, 0, len(z.targets))
	for _, t := range z.targets {
		all = append(all, *t)
	}
	slices.SortFunc(all, func(a, b TargetCount) int { return cmp.Or(cmp.Compare(b.Users, a.Users), cmp.Compare(a.Code, b.Code)) })
	withTarget := s.Users - s.Missing["target"]
	for i := range all[:min(top, len(all))] {
		all[i].Share = float64(all[i].Users) / float64(withTarget)
		s.TopTargets = append(s.TopTargets, all[i])
	}
	if s.TopTargets == nil {
		s.TopTargets = []TargetCount{}
	}
	return s
}

func spread(xs []int) Spread {
	if len(xs) == 0 {
		return Spread{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	med := float64(s[n/2])
	if n%2 == 0 {
		med = float64(s[n/2-1]+s[n/2]) / 2
	}
	return Spread{Min: s[0], Median: med, Max: s[n-1]}
}

// Inspect summarises a data set file in one streaming pass.
func Inspect(path string, top int) (Summary, error) {
	r, err := Open(path)
	if err != nil {
		return Summary{}, err
	}
	defer r.Close()
	z := NewSummarizer()
	for r.Scan() {
		z.Add(r.Example())
	}
	if err := r.Err(); err != nil {
		return Summary{}, err
	}
	s := z.Summary(top)
	s.File = path
	s.SchemaVersion = r.Metadata()[MetaSchemaVersion]
	if k, err := Horizon(r.Metadata()); err != nil {
		return Summary{}, fmt.Errorf("%s: %w", path, err)
	} else if k > 1 {
		s.Horizon = k
	}
	return s, nil
}
