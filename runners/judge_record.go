package runners

import (
	"crypto/sha256"
	"encoding/hex"
	"os"

	"github.com/occbench/occbench/internal/jsonl"
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
