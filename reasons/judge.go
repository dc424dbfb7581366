package reasons

import (
	"crypto/sha256"
	"encoding/hex"
	"os"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/internal/jsonl"
	"github.com/occbench/occbench/metrics"
	"github.com/occbench/occbench/prompt"
)

// JudgeScore is one dimension's verdict on a reason.
type JudgeScore struct {
	Score         int    `json:"score"` // 1–5; 0 when the judge call failed or gave no score
	Justification string `json:"justification,omitempty"`
	Error         string `json:"error,omitempty"`
	CacheKey      string `json:"cache_key,omitempty"`
}

// JudgeRecord is one judged reason, a line of a judge JSONL file.
type JudgeRecord struct {
	UserID string `json:"user_id"`
	// Source is where the reason came from: "oracle", or a runner's name.
	Source       string     `json:"source"`
	ReasonSHA256 string     `json:"reason_sha256"`
	Factuality   JudgeScore `json:"factuality"`
	Coherence    JudgeScore `json:"coherence"`
	Utility      JudgeScore `json:"utility"`
	// Pass says every dimension scored at least the run's threshold.
	Pass bool `json:"pass"`
}

// Scores are the record's scores in prompt.JudgeDimensions order.
func (r *JudgeRecord) Scores() [3]int {
	return [3]int{r.Factuality.Score, r.Coherence.Score, r.Utility.Score}
}

// Passes says every dimension scored at least threshold.
func (r *JudgeRecord) Passes(threshold int) bool {
	for _, s := range r.Scores() {
		if s < threshold {
			return false
		}
	}
	return true
}

// ReasonDigest is the hex SHA-256 of a reason's text, which ties a judge
// record to the reason it judged.
func ReasonDigest(reason string) string {
	s := sha256.Sum256([]byte(reason))
	return hex.EncodeToString(s[:])
}

// ReadJudgeRecords reads a judge JSONL file. A line cut short at the end
// (a killed run) is skipped; any other bad line is an error.
func ReadJudgeRecords(path string) ([]JudgeRecord, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	var out []JudgeRecord
	err := jsonl.ReadFile(path, func(r *JudgeRecord) error {
		out = append(out, *r)
		return nil
	})
	return out, err
}

// DefaultJudgeThreshold is the paper's filter (§4): every score at least 4.
const DefaultJudgeThreshold = 4

// JudgeSummary is what Judge reports (and writes beside its output).
type JudgeSummary struct {
	Judge     string             `json:"judge"`
	Threshold int                `json:"threshold"`
	Reasons   int                `json:"reasons"`
	Failed    int                `json:"failed"` // reasons with a dimension the judge did not score
	Kept      int                `json:"kept"`   // reasons at or above the threshold on every dimension
	Means     map[string]float64 `json:"means"`
	Overall   float64            `json:"overall"`
	KeptUsers []string           `json:"kept_users"`
	Warnings  []string           `json:"warnings,omitempty"`
}

// FirstError is the error of the record's first unscored dimension.
func (rec *JudgeRecord) FirstError() string {
	for _, s := range []JudgeScore{rec.Factuality, rec.Coherence, rec.Utility} {
		if s.Error != "" {
			return s.Error
		}
	}
	return "no score"
}

// Failed says a dimension was left unscored (its call failed or gave no
// score): the reason is judged again on a rerun.
func (rec *JudgeRecord) Failed() bool {
	return rec.Factuality.Score == 0 || rec.Coherence.Score == 0 || rec.Utility.Score == 0
}

// SummarizeJudge counts and averages judge records with
// metrics.AggregateJudge; a dimension left unscored counts against the
// pass rate and not in its mean.
func SummarizeJudge(recs []JudgeRecord, judge string, threshold int) *JudgeSummary {
	s := &JudgeSummary{Judge: judge, Threshold: threshold, Reasons: len(recs), Means: map[string]float64{}, KeptUsers: []string{}}
	samples := make([]metrics.JudgeSample, 0, len(recs))
	seen := map[string]bool{}
	for _, rec := range recs {
		if rec.Failed() {
			s.Failed++
		}
		if rec.Passes(threshold) {
			s.Kept++
			if !seen[rec.UserID] {
				seen[rec.UserID] = true
				s.KeptUsers = append(s.KeptUsers, rec.UserID)
			}
		}
		sc := map[string]float64{}
		for i, v := range rec.Scores() {
			if v > 0 {
				sc[prompt.JudgeDimensions[i]] = float64(v)
			}
		}
		samples = append(samples, metrics.JudgeSample{ID: rec.UserID, Scores: sc})
	}
	agg := metrics.AggregateJudge(samples, metrics.JudgeOptions{Dimensions: prompt.JudgeDimensions, Threshold: float64(threshold)})
	for i, d := range prompt.JudgeDimensions {
		s.Means[d] = agg.Means[i]
	}
	s.Overall = agg.Overall
	s.Warnings = agg.Warnings
	return s
}

// Passed are the users of exs whose oracle reason the judge passed at
// threshold, in their order: the SFT set.
func Passed(exs []*bench.Example, recs []JudgeRecord, threshold int) []*bench.Example {
	pass := map[string]bool{}
	for _, r := range recs {
		if r.Source == "oracle" && r.Passes(threshold) {
			pass[r.UserID+"\x00"+r.ReasonSHA256] = true
		}
	}
	var kept []*bench.Example
	for _, ex := range exs {
		if ex.OracleReason != "" && pass[ex.UserID+"\x00"+ReasonDigest(ex.OracleReason)] {
			kept = append(kept, ex)
		}
	}
	return kept
}
