package rundir

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/internal/safefile"
	"github.com/occbench/occbench/metrics"
)

// ScoreOptions control scoring.
type ScoreOptions struct {
	Related   int    // related occupations counted by RM
	Bootstrap int    // resamples for the 95% intervals
	Seed      uint64 // bootstrap seed
	Horizon   int    // a path run's K; 0 or 1 scores the next job alone
}

// Scores is scores.json: per runner, the occupation metrics over the test
// users, with 95% bootstrap intervals.
type Scores struct {
	Protocol Protocol                `json:"protocol"`
	Order    []string                `json:"order"` // runners in suite order
	Runners  map[string]RunnerScores `json:"runners"`
	Skipped  map[string]string       `json:"skipped,omitempty"` // runners not run, and why
}

// MappingCount is the answers one mapping method gave a code to, and how
// many of those codes were the true occupation.
type MappingCount struct {
	N     int `json:"n"`
	Right int `json:"right"`
}

// RunnerScores are one runner's scores. Fractions are 0–1.
type RunnerScores struct {
	N          int                         `json:"n"`
	EM         metrics.Number              `json:"em"`
	EMStrict   metrics.Number              `json:"em_strict"`
	RM         metrics.Number              `json:"rm"`
	EMCI       [2]metrics.Number           `json:"em_ci"`
	EMStrictCI [2]metrics.Number           `json:"em_strict_ci"`
	RMCI       [2]metrics.Number           `json:"rm_ci"`
	Ranked     int                         `json:"ranked"` // users with a ranked list
	HR         map[string]metrics.Interval `json:"hr,omitempty"`
	NDCG       map[string]metrics.Interval `json:"ndcg,omitempty"`
	MRR        *metrics.Interval           `json:"mrr,omitempty"`
	Unmapped   metrics.Number              `json:"unmapped_rate"`
	Errors     metrics.Number              `json:"error_rate"`
	Missing    int                         `json:"missing"` // test users without a prediction (counted wrong)
	// Mapping counts the recorded answers by how they reached a code
	// (exact, normalised, code, alias, classified, none) and how many of
	// them were exactly right: how much of the EM rests on fuzzy mapping.
	Mapping     map[string]MappingCount `json:"mapping,omitempty"`
	LatencyMS   metrics.Number          `json:"latency_ms_mean"`
	PromptTok   metrics.Number          `json:"prompt_tokens_mean"`
	CompleteTok metrics.Number          `json:"completion_tokens_mean"`
	Warnings    []string                `json:"warnings,omitempty"`
	// Horizon and Path score a path run (a test set with a horizon K > 1).
	Horizon []HorizonScores      `json:"horizon,omitempty"`
	Path    *metrics.PathSummary `json:"path,omitempty"`
}

// HorizonScores are a path run's measures at one horizon h: the
// free-running prediction's EM, RM and, for rankers, HR@10 and NDCG@10,
// and the teacher-forced prediction's EM, each with its 95% interval. A
// user without a step-h prediction counts as wrong.
type HorizonScores struct {
	H           int                `json:"h"`
	N           int                `json:"n"`
	EM          metrics.Number     `json:"em"`
	EMCI        [2]metrics.Number  `json:"em_ci"`
	RM          metrics.Number     `json:"rm"`
	RMCI        [2]metrics.Number  `json:"rm_ci"`
	HR10        *metrics.Interval  `json:"hr10,omitempty"`
	NDCG10      *metrics.Interval  `json:"ndcg10,omitempty"`
	EMTeacher   *metrics.Number    `json:"em_teacher,omitempty"`
	EMTeacherCI *[2]metrics.Number `json:"em_teacher_ci,omitempty"`
}

// Protocol is how these options score users: it goes into the manifest
// and scores.json, and every table prints it.
func (o ScoreOptions) Protocol(users int) Protocol {
	return Protocol{
		EM:        "code",
		Related:   o.Related,
		Ranking:   "full catalogue of 1,016 occupations, history not excluded, ties to the lower code",
		Bootstrap: o.Bootstrap,
		TestUsers: users,
		Horizon:   pathHorizon(o.Horizon),
	}
}

// ScoreRun scores the named runners' prediction files in a run directory
// against the test users.
func ScoreRun(dir string, test []*bench.Example, names []string, o ScoreOptions) (*Scores, error) {
	tax := onet.Default()
	opts := metrics.DefaultOccupation
	opts.MaxRelated = o.Related
	opts.Related = func(code string) []string { return tax.RelatedCodes(code, 0) }
	opts.Bootstrap.Resamples = o.Bootstrap
	opts.Bootstrap.Seed = o.Seed
	s := &Scores{
		Protocol: o.Protocol(len(test)),
		Order:    names,
		Runners:  map[string]RunnerScores{},
	}
	for _, name := range names {
		preds, err := ReadPredictions(PredictionsPath(dir, name))
		if err != nil {
			return nil, err
		}
		s.Runners[name] = scoreRunner(test, preds, opts, o.Horizon)
	}
	return s, nil
}

// pathHorizon is K for a path run, else 0.
func pathHorizon(k int) int {
	if k > 1 {
		return k
	}
	return 0
}

func scoreRunner(test []*bench.Example, preds map[string]Prediction, opts metrics.OccupationOptions, horizon int) RunnerScores {
	samples := make([]metrics.OccupationSample, len(test))
	var missing, errs int
	var lat, ptok, ctok float64
	mapping := map[string]MappingCount{}
	for i, ex := range test {
		p, ok := preds[ex.UserID]
		switch {
		case !ok:
			missing++
		case p.Error != "":
			errs++
		case p.Mapping != "":
			m := mapping[p.Mapping]
			m.N++
			if p.Code != "" && p.Code == ex.TargetCode {
				m.Right++
			}
			mapping[p.Mapping] = m
		}
		smp := OccupationSample(ex, nil)
		if ok {
			smp = OccupationSample(ex, &p)
		}
		if ok {
			lat += p.LatencyMS
			ptok += float64(p.PromptTokens)
			ctok += float64(p.CompletionTokens)
		}
		samples[i] = smp
	}
	sum := metrics.ScoreOccupations(samples, opts)
	rs := RunnerScores{
		N:          sum.N,
		EM:         metrics.Num(sum.EM.Estimate),
		EMStrict:   metrics.Num(sum.EMStrict.Estimate),
		RM:         metrics.Num(sum.RM.Estimate),
		EMCI:       sum.EM.CI(),
		EMStrictCI: sum.EMStrict.CI(),
		RMCI:       sum.RM.CI(),
		Ranked:     sum.RankedN,
		Unmapped:   metrics.Num(sum.UnmappedRate),
		Missing:    missing,
		Warnings:   sum.Warnings,
	}
	if len(mapping) > 0 {
		rs.Mapping = mapping
	}
	n := float64(len(test))
	recorded := n - float64(missing)
	rs.Errors = metrics.Num(float64(errs) / n)
	rs.LatencyMS = metrics.Num(lat / recorded)
	rs.PromptTok = metrics.Num(ptok / recorded)
	rs.CompleteTok = metrics.Num(ctok / recorded)
	if missing > 0 {
		rs.Warnings = append(rs.Warnings, fmt.Sprintf("%d test users have no prediction and count as wrong", missing))
	}
	if sum.RankedN > 0 {
		rs.HR, rs.NDCG = map[string]metrics.Interval{}, map[string]metrics.Interval{}
		for i, k := range sum.Ks {
			key := strconv.Itoa(k)
			rs.HR[key], rs.NDCG[key] = sum.HR[i], sum.NDCG[i]
		}
		rs.MRR = &sum.MRR
	}
	if horizon > 1 {
		rs.Horizon, rs.Path = scoreHorizons(test, preds, opts, horizon)
	}
	return rs
}

// scoreHorizons scores each horizon of a path run like a single step, and
// the paths as wholes.
func scoreHorizons(test []*bench.Example, preds map[string]Prediction, opts metrics.OccupationOptions, K int) ([]HorizonScores, *metrics.PathSummary) {
	free := make([]metrics.OccupationSample, len(test))
	teacher := make([]metrics.OccupationSample, len(test))
	var out []HorizonScores
	for h := 1; h <= K; h++ {
		hasTeacher := false
		for i, ex := range test {
			truth := ex.Path()
			free[i] = metrics.OccupationSample{ID: ex.UserID}
			if h <= len(truth) {
				free[i].TrueCode = truth[h-1]
			}
			teacher[i] = free[i]
			p, ok := preds[ex.UserID]
			if !ok || p.Error != "" {
				continue
			}
			if h <= len(p.Path) {
				st := p.Path[h-1]
				free[i].PredCode, free[i].Ranked = st.Code, st.Ranked
			}
			if h <= len(p.Teacher) {
				teacher[i].PredCode = p.Teacher[h-1].Code
				hasTeacher = true
			}
		}
		sum := metrics.ScoreOccupations(free, opts)
		hs := HorizonScores{H: h, N: sum.N, EM: metrics.Num(sum.EM.Estimate), EMCI: sum.EM.CI(), RM: metrics.Num(sum.RM.Estimate), RMCI: sum.RM.CI()}
		for i, k := range sum.Ks {
			if k == 10 && sum.RankedN > 0 {
				hs.HR10, hs.NDCG10 = &sum.HR[i], &sum.NDCG[i]
			}
		}
		if hasTeacher {
			t := metrics.ScoreOccupations(teacher, opts)
			em, ci := metrics.Num(t.EM.Estimate), t.EM.CI()
			hs.EMTeacher, hs.EMTeacherCI = &em, &ci
		}
		out = append(out, hs)
	}
	ms := make([]metrics.PathMatch, len(test))
	for i, ex := range test {
		var pred []string
		if p, ok := preds[ex.UserID]; ok && p.Error == "" {
			for _, st := range p.Path[:min(K, len(p.Path))] {
				pred = append(pred, st.Code)
			}
		}
		truth := ex.Path()
		ms[i] = metrics.MatchPath(truth[:min(K, len(truth))], pred)
	}
	sum := metrics.SummarisePaths(ms)
	return out, &sum
}

// OccupationSample is how a prediction is scored against its user. A
// missing (nil) or failed prediction is no answer, so it counts as wrong;
// strict EM compares the answer as written, or the title for runners that
// answer with codes.
func OccupationSample(ex *bench.Example, p *Prediction) metrics.OccupationSample {
	smp := metrics.OccupationSample{ID: ex.UserID, TrueCode: ex.TargetCode, TrueTitle: ex.TargetTitle}
	if p == nil || p.Error != "" {
		return smp
	}
	smp.PredCode, smp.PredTitle = p.Code, cmp.Or(p.Answer, p.Title)
	if len(p.Ranked) > 0 {
		smp.Ranked = p.Ranked
	}
	return smp
}

// ReadScores reads a scores.json.
func ReadScores(path string) (*Scores, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: missing; a run writes it when it finishes (occbench run --resume DIR completes an interrupted run)", path)
		}
		return nil, err
	}
	var s Scores
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &s, nil
}

// Write writes scores.json atomically.
func (s *Scores) Write(path string) error {
	return safefile.WriteJSON(path, s)
}
