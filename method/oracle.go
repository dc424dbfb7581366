package method

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/internal/jsonl"
	"github.com/occbench/occbench/internal/pool"
	"github.com/occbench/occbench/internal/progress"
	"github.com/occbench/occbench/internal/safefile"
	"github.com/occbench/occbench/llm"
	"github.com/occbench/occbench/prompt"
)

// Files of an oracle run directory.
const (
	OracleAttemptsFile = "oracle_attempts.jsonl" // one line per user, appended as each finishes
	OracleSummaryFile  = "oracle.json"
)

// DefaultOracle are the oracle's defaults: 5 attempts at temperature 1, in
// one request with n.
var DefaultOracle = ModelConfig{Config: withTemperature(llm.DefaultConfig, 1), Attempts: 5, N: true}

// withTemperature is c at temperature t.
func withTemperature(c llm.Config, t float64) llm.Config {
	c = c.Clone()
	c.Temperature = llm.Float(t)
	return c
}

// OracleOptions are the settings and side effects of Oracle.
type OracleOptions struct {
	Model  ModelConfig
	RunDir string
	Seed   uint64
	Limit  int // only the first Limit users; 0 is all
	Env
}

// OracleAttempt is one (reason, answer) attempt as the run records it.
type OracleAttempt struct {
	Attempt  int    `json:"attempt"`
	Reason   string `json:"reason"`
	Answer   string `json:"answer"`
	Parse    string `json:"parse"`
	Code     string `json:"code"`
	Mapping  string `json:"mapping"`
	Correct  bool   `json:"correct"`
	Finish   string `json:"finish_reason,omitempty"`
	Error    string `json:"error,omitempty"`
	CacheKey string `json:"cache_key"`
}

// OracleUser is a line of oracle_attempts.jsonl.
type OracleUser struct {
	UserID   string          `json:"user_id"`
	Attempts []OracleAttempt `json:"attempts"`
	Error    string          `json:"error,omitempty"` // a call failed; the user is redone on the next run
}

// OracleSummary is oracle.json, and what the command prints.
type OracleSummary struct {
	Users        int    `json:"users"`         // users asked
	Failed       int    `json:"failed"`        // users with a failed call
	Attempts     int    `json:"attempts"`      // answered attempts
	Correct      int    `json:"correct"`       // attempts whose answer maps to the target
	ValidReasons int    `json:"valid_reasons"` // correct attempts with a reason
	Kept         int    `json:"kept"`          // users with a correct attempt: the oracle set
	NoReason     int    `json:"no_reason"`     // kept users whose correct attempts all lack reasoning
	Preference   int    `json:"preference"`    // kept users with an incorrect attempt too (DPO candidates)
	Model        string `json:"model"`
	Seed         uint64 `json:"seed"`
	Out          string `json:"out"`
	// What produced the answers: the settings (the key's variable name,
	// never the key), the prompt's digest and the history serialiser.
	Settings      ModelConfig `json:"settings"`
	PromptSHA256  string      `json:"prompt_sha256"`
	HistoryFormat string      `json:"history_format"`
}

// Oracle asks the model for Attempts independent (reason, answer) attempts
// per user from the history alone (the joint prompt), marks each correct
// when its answer maps onto the target occupation, keeps the users with at
// least one correct attempt, picks one reason of a correct attempt per user
// with a seeded draw, and writes the oracle set to out (Arrow or Parquet).
// Each user's attempts are appended to RunDir/oracle_attempts.jsonl as
// they finish; a rerun skips the users recorded without error, and the
// request cache makes repeated calls free.
func Oracle(ctx context.Context, train []*bench.Example, out string, opts OracleOptions) (*OracleSummary, error) {
	mc := opts.Model
	if mc.Attempts < 1 {
		return nil, fmt.Errorf("oracle: attempts %d: want at least 1", mc.Attempts)
	}
	if opts.RunDir == "" {
		return nil, errors.New("oracle: no run directory")
	}
	opts.taxonomy()
	if opts.Limit > 0 && opts.Limit < len(train) {
		train = train[:opts.Limit]
	}
	for _, ex := range train {
		if ex.TargetCode == "" {
			return nil, fmt.Errorf("oracle: user %s has no target_code: the oracle needs the true next occupation", ex.UserID)
		}
	}
	tmpl, err := prompt.Load("joint.tmpl", "", false)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opts.RunDir, 0o755); err != nil {
		return nil, fmt.Errorf("oracle: %w", err)
	}
	model, err := newModel(mc, opts.RunDir, opts.LLM)
	if err != nil {
		return nil, fmt.Errorf("oracle: %w", err)
	}
	path := filepath.Join(opts.RunDir, OracleAttemptsFile)
	done, err := readOracleUsers(path)
	if err != nil {
		return nil, err
	}
	f, err := jsonl.Append(path)
	if err != nil {
		return nil, fmt.Errorf("oracle: %w", err)
	}
	defer f.Close()
	var mu sync.Mutex
	write := func(u OracleUser) error {
		mu.Lock()
		done[u.UserID] = u
		mu.Unlock()
		return f.Write(u)
	}
	var todo []*bench.Example
	for _, ex := range train {
		if u, ok := done[ex.UserID]; !ok || u.Error != "" {
			todo = append(todo, ex)
		}
	}
	err = track(ctx, opts.Stderr, "oracle", len(todo), time.Now, func(ctx context.Context, prog *progress.Display) error {
		return pool.Each(ctx, todo, mc.Concurrency, func(ctx context.Context, ex *bench.Example) error {
			prog.Started()
			u, err := oracleUser(ctx, model, tmpl, ex, mc, opts.Taxonomy)
			if err != nil {
				return err
			}
			prog.Finished(u.Error != "")
			return write(u)
		})
	})
	if err != nil {
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("oracle: %w", err)
	}

	sum := &OracleSummary{Users: len(train), Model: mc.Endpoint.Model, Seed: opts.Seed, Out: out,
		Settings: mc, PromptSHA256: tmpl.SHA256, HistoryFormat: prompt.HistoryFormat}
	var kept []*bench.Example
	for _, ex := range train {
		u := done[ex.UserID]
		if u.Error != "" {
			sum.Failed++
		}
		o := *ex
		o.Attempts, o.OracleReason = nil, ""
		var valid []string
		correct, wrong := 0, 0
		for _, a := range u.Attempts {
			if a.Error != "" {
				continue
			}
			sum.Attempts++
			o.Attempts = append(o.Attempts, bench.Attempt{Reason: a.Reason, Answer: a.Answer, Code: a.Code, Correct: a.Correct})
			if !a.Correct {
				wrong++
				continue
			}
			correct++
			if strings.TrimSpace(a.Reason) != "" {
				valid = append(valid, a.Reason)
			}
		}
		sum.Correct += correct
		sum.ValidReasons += len(valid)
		if correct == 0 {
			continue
		}
		// A user with a correct attempt is kept; one whose correct attempts
		// all lack reasoning keeps an empty oracle_reason, which training
		// export and the judge skip.
		if len(valid) > 0 {
			o.OracleReason = valid[bench.UserRand(opts.Seed, ex.UserID).IntN(len(valid))]
		} else {
			sum.NoReason++
		}
		if wrong > 0 {
			sum.Preference++
		}
		kept = append(kept, &o)
	}
	sum.Kept = len(kept)
	if err := safefile.WriteJSON(filepath.Join(opts.RunDir, OracleSummaryFile), sum); err != nil {
		return nil, err
	}
	// An oracle set of no user is no result: say why instead of writing it.
	switch {
	case sum.Failed == sum.Users:
		return sum, fmt.Errorf("oracle: every one of the %d users failed, the first with: %s", sum.Users, firstError(train, done))
	case sum.Kept == 0:
		return sum, fmt.Errorf("oracle: no attempt of the %d users was correct; nothing to write to %s", sum.Users, out)
	}
	meta := map[string]string{
		"occbench.oracle.model":    mc.Endpoint.Model,
		"occbench.oracle.attempts": strconv.Itoa(mc.Attempts),
		"occbench.oracle.seed":     strconv.FormatUint(opts.Seed, 10),
		"occbench.oracle.prompt":   tmpl.SHA256,
	}
	if err := bench.WriteExamples(out, kept, meta); err != nil {
		return nil, fmt.Errorf("oracle: %w", err)
	}
	return sum, nil
}

// firstError is the error of the first user, in data set order, recorded
// with one.
func firstError(users []*bench.Example, done map[string]OracleUser) string {
	for _, ex := range users {
		if e := done[ex.UserID].Error; e != "" {
			return e
		}
	}
	return ""
}

// oracleUser asks for one user's attempts: one request with n choices, and
// one request per attempt the server did not answer (or every attempt, one
// request each, without n). Attempt k's request has attempt number k in its
// cache key, so separate requests are separate answers.
func oracleUser(ctx context.Context, model *llm.Client, tmpl *prompt.Template, ex *bench.Example, mc ModelConfig, tax *onet.Taxonomy) (OracleUser, error) {
	u := OracleUser{UserID: ex.UserID}
	hist, err := prompt.SerializeHistory(ex, prompt.HistoryFormat)
	if err != nil {
		u.Error = err.Error()
		return u, nil
	}
	text, err := tmpl.Render(prompt.Data{History: hist})
	if err != nil {
		return u, err
	}
	add := func(attempt int, o outcome, c llm.Choice) {
		a := OracleAttempt{Attempt: attempt, CacheKey: o.key, Mapping: "none"}
		if o.err != "" {
			a.Error, u.Error = o.err, o.err
			u.Attempts = append(u.Attempts, a)
			return
		}
		p := prompt.ParseOutput(c.Content, c.Truncated())
		a.Reason, a.Answer, a.Parse, a.Finish = cmp.Or(p.Reason, c.Reasoning), p.Answer, p.How, c.FinishReason
		if p.Answer != "" {
			m := tax.Normalize(p.Answer)
			a.Code, a.Mapping = m.Code, m.Method.String()
			a.Correct = m.OK() && m.Code == ex.TargetCode
		}
		u.Attempts = append(u.Attempts, a)
	}
	next := 1
	if mc.N && mc.Attempts > 1 {
		o, err := ask(ctx, model, "oracle", text, ex.UserID, 1, mc.Attempts)
		if err != nil {
			return u, err
		}
		if o.err != "" {
			add(1, o, llm.Choice{})
			next = mc.Attempts + 1 // redone on the next run
		} else {
			for _, ch := range o.res.Choices[:min(len(o.res.Choices), mc.Attempts)] {
				add(next, o, ch)
				next++
			}
		}
	}
	for ; next <= mc.Attempts; next++ {
		o, err := ask(ctx, model, "oracle", text, ex.UserID, next, 1)
		if err != nil {
			return u, err
		}
		var ch llm.Choice
		if o.res != nil {
			ch = o.res.Choices[0]
		}
		add(next, o, ch)
	}
	return u, nil
}

// readOracleUsers reads the users already recorded; the last line of a
// user wins.
func readOracleUsers(path string) (map[string]OracleUser, error) {
	out := map[string]OracleUser{}
	err := jsonl.ReadFile(path, func(u *OracleUser) error {
		out[u.UserID] = *u
		return nil
	})
	return out, err
}
