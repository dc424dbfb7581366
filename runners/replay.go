package runners

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/internal/jsonl"
	"github.com/occbench/occbench/prompt"
	"github.com/occbench/occbench/rundir"
)

func init() {
	Register("replay", 4, newReplay)
}

// ReplaySettings are the suite settings of the replay kind, which scores
// outputs produced elsewhere. Each line (JSONL object or CSV row with a
// header) has a user id and an answer or a raw model output; a raw output
// is parsed like a model's (prompt.ParseOutput), an answer is taken as written.
// In a path run (horizon K > 1) a raw output is parsed as a path answer
// (prompt.ParsePath), a given answer is split into its items
// (prompt.PathItems: a numbered list, one per line, inline "1. A 2. B" or
// "A → B"), and in JSONL the answer may be an array of strings, one per
// step; a single-step run reads an array's first item.
type ReplaySettings struct {
	File        string `yaml:"file" json:"file"`
	Format      string `yaml:"format" json:"format"` // jsonl or csv; default from the file's extension
	IDField     string `yaml:"id_field" json:"id_field"`
	AnswerField string `yaml:"answer_field" json:"answer_field"`
	RawField    string `yaml:"raw_field" json:"raw_field"`
	ReasonField string `yaml:"reason_field" json:"reason_field"`
}

// DefaultReplay are the replay kind's defaults.
var DefaultReplay = ReplaySettings{IDField: "user_id", AnswerField: "answer", RawField: "raw", ReasonField: "reason"}

func newReplay(spec *rundir.RunnerSpec) (Runner, any, error) {
	s := DefaultReplay
	if err := spec.DecodeSettings(&s); err != nil {
		return nil, nil, err
	}
	if s.File == "" {
		return nil, nil, spec.Errorf("file: missing (a JSONL or CSV file of user ids and answers)")
	}
	s.File = spec.Path(s.File)
	if s.Format == "" {
		switch strings.ToLower(filepath.Ext(s.File)) {
		case ".csv":
			s.Format = "csv"
		default:
			s.Format = "jsonl"
		}
	}
	if s.Format != "jsonl" && s.Format != "csv" {
		return nil, nil, spec.Errorf("format %q: want jsonl or csv", s.Format)
	}
	return &replayRunner{s: &s}, &s, nil
}

// replayLine is one user's replayed output.
type replayLine struct {
	answer, raw, reason string
	path                []string // a JSONL answer given as an array
	line                int
}

type replayRunner struct {
	s       *ReplaySettings
	horizon int // K > 1 in a path run
	tax     *onet.Taxonomy
	lines   map[string]replayLine
	sha256  string
}

// Check reads the whole file before the run writes anything: a duplicate
// user, a missing column, an empty file or one with no line for a test
// user is a setup error. Lines for users outside the test set are counted
// on the log.
func (r *replayRunner) Check(env *Env) error {
	if err := r.load(); err != nil {
		return err
	}
	if len(r.lines) == 0 {
		return fmt.Errorf("%s: no lines: want one answer per test user", r.s.File)
	}
	tested := 0
	// The run's users in every shard: a shard reads the lines of all.
	for _, ex := range env.AllTest {
		if _, ok := r.lines[ex.UserID]; ok {
			tested++
		}
	}
	if tested == 0 {
		return fmt.Errorf("%s: none of its %d lines is for a user of the test set (field %q)", r.s.File, len(r.lines), r.s.IDField)
	}
	if other := len(r.lines) - tested; other > 0 && env.Log != nil {
		fmt.Fprintf(env.Log, "replay %s: %d of %d lines are for users outside the test set and are not scored\n", r.s.File, other, len(r.lines))
	}
	return nil
}

// Prepare reads the file, when Check has not.
func (r *replayRunner) Prepare(_ context.Context, env *Env) error {
	r.horizon = env.Horizon
	r.tax = env.Taxonomy
	if r.tax == nil {
		r.tax = onet.Default()
	}
	if r.lines != nil {
		return nil
	}
	return r.load()
}

// load reads the whole file.
func (r *replayRunner) load() error {
	f, err := os.Open(r.s.File)
	if err != nil {
		return err
	}
	defer f.Close()
	r.lines = map[string]replayLine{}
	add := func(line int, id string, l replayLine) error {
		if id == "" {
			return fmt.Errorf("%s:%d: field %q: missing", r.s.File, line, r.s.IDField)
		}
		if prev, dup := r.lines[id]; dup {
			return fmt.Errorf("%s:%d: user %s already given on line %d", r.s.File, line, id, prev.line)
		}
		l.line = line
		r.lines[id] = l
		return nil
	}
	if r.s.Format == "csv" {
		err = r.readCSV(f, add)
	} else {
		err = r.readJSONL(f, add)
	}
	if err != nil {
		return err
	}
	if r.sha256, err = bench.FileSHA256(r.s.File); err != nil {
		return err
	}
	return nil
}

// readJSONL reads a file made elsewhere: unlike occbench's own records, a
// last line cut short is an error, not a write to drop.
func (r *replayRunner) readJSONL(f io.Reader, add func(int, string, replayLine) error) error {
	jr := jsonl.NewReader[map[string]json.RawMessage](f, r.s.File)
	for jr.Scan() {
		obj, n := *jr.Record(), jr.Line()
		var l replayLine
		var id string
		for _, f := range []struct {
			name string
			dst  *string
		}{{r.s.IDField, &id}, {r.s.AnswerField, &l.answer}, {r.s.RawField, &l.raw}, {r.s.ReasonField, &l.reason}} {
			v, ok := obj[f.name]
			if !ok || string(v) == "null" {
				continue
			}
			if f.dst == &l.answer && len(v) > 0 && v[0] == '[' {
				if err := json.Unmarshal(v, &l.path); err != nil {
					return fmt.Errorf("%s:%d: field %q: want a string or an array of strings, got %.80s", r.s.File, n, f.name, v)
				}
				if len(l.path) > 0 {
					l.answer = l.path[0]
				}
				continue
			}
			if err := json.Unmarshal(v, f.dst); err != nil {
				// A numeric user id is fine; other fields must be strings.
				var num json.Number
				if f.dst != &id || json.Unmarshal(v, &num) != nil {
					return fmt.Errorf("%s:%d: field %q: want a string, got %.80s", r.s.File, n, f.name, v)
				}
				*f.dst = num.String()
			}
		}
		if err := add(n, id, l); err != nil {
			return err
		}
	}
	if jr.Cut() {
		return fmt.Errorf("%s:%d: the last line is cut short: want a whole JSON object ending in a newline", r.s.File, jr.Line())
	}
	return jr.Err()
}

func (r *replayRunner) readCSV(f io.Reader, add func(int, string, replayLine) error) error {
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return fmt.Errorf("%s: header: %w", r.s.File, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	if _, ok := col[r.s.IDField]; !ok {
		return fmt.Errorf("%s: no column %q (the header has %v)", r.s.File, r.s.IDField, head)
	}
	_, hasA := col[r.s.AnswerField]
	_, hasR := col[r.s.RawField]
	if !hasA && !hasR {
		return fmt.Errorf("%s: no column %q or %q (the header has %v)", r.s.File, r.s.AnswerField, r.s.RawField, head)
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return fmt.Errorf("%s: %w", r.s.File, err)
		}
		l := replayLine{answer: get(rec, r.s.AnswerField), raw: get(rec, r.s.RawField), reason: get(rec, r.s.ReasonField)}
		if err := add(line, strings.TrimSpace(get(rec, r.s.IDField)), l); err != nil {
			return err
		}
	}
}

func (r *replayRunner) Describe() map[string]any {
	return map[string]any{"file_sha256": r.sha256, "lines": len(r.lines), "parser": prompt.ParserVersion}
}

// Predict maps the user's replayed answer; a user the file lacks is
// recorded with an error.
func (r *replayRunner) Predict(_ context.Context, ex *bench.Example) (rundir.Prediction, error) {
	p := rundir.Prediction{Mapping: "none"}
	l, ok := r.lines[ex.UserID]
	if !ok {
		p.Error = fmt.Sprintf("replay: %s has no line for this user", filepath.Base(r.s.File))
		return p, nil
	}
	p.Raw, p.Reason = l.raw, l.reason
	if r.horizon > 1 {
		r.predictPath(&p, l)
		return p, nil
	}
	if strings.TrimSpace(l.answer) != "" {
		p.Answer, p.Parse = strings.TrimSpace(l.answer), prompt.ParseGiven
	} else {
		pa := prompt.ParseOutput(l.raw, false)
		p.Answer, p.Parse = pa.Answer, pa.How
		if p.Reason == "" {
			p.Reason = pa.Reason
		}
	}
	if p.Answer != "" {
		// A given answer may be a sentence ("They'll likely become a
		// Licensed Practical Nurse."): it is read as an output is.
		text := p.Answer
		if p.Parse == prompt.ParseGiven {
			if pa := prompt.ParseOutput(text, false); pa.Answer != "" {
				text = pa.Answer
			}
		}
		m := r.tax.Normalize(text)
		p.Code, p.Title, p.Mapping, p.MapScore = m.Code, m.Title, m.Method.String(), m.Score
	}
	return p, nil
}

// predictPath reads a replayed path: the items of an array answer (each
// read as a given answer is), of a given answer's list, or of a raw
// output's path answer.
func (r *replayRunner) predictPath(p *rundir.Prediction, l replayLine) {
	var items []string
	switch {
	case l.path != nil:
		p.Parse = prompt.ParseGiven
		for _, it := range l.path {
			it = strings.TrimSpace(it)
			if pa := prompt.ParseOutput(it, false); pa.Answer != "" {
				it = pa.Answer
			}
			items = append(items, it)
		}
	case strings.TrimSpace(l.answer) != "":
		p.Parse, items = prompt.ParseGiven, prompt.PathItems(l.answer)
	default:
		pa := prompt.ParsePath(l.raw, false)
		p.Parse, items = pa.How, pa.Items
		if p.Reason == "" {
			p.Reason = pa.Reason
		}
	}
	p.Path = pathSteps(r.tax, items, r.horizon)
	if len(items) > 0 { // no items at all: Parse says why
		p.Warning = pathWarning(len(items), r.horizon)
	}
	setAnswer(p)
}
