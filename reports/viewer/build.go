package viewer

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/internal/jsonl"
	"github.com/occbench/occbench/internal/pool"
	"github.com/occbench/occbench/internal/safefile"
	"github.com/occbench/occbench/reasons"
	"github.com/occbench/occbench/reports"
	"github.com/occbench/occbench/rundir"
)

// Where the page goes in a report directory.
const (
	Dir  = "viewer"
	File = "index.html"
)

// DefaultChunk is how many users a detail chunk holds: small enough that
// opening a user decompresses little, large enough that the page does not
// hold thousands of elements.
const DefaultChunk = 250

// Options control the page.
type Options struct {
	// JudgeFiles are judge records (occbench judge -o) whose verdicts show
	// beside the reasons they judged; nil means JudgeFiles(run directory).
	JudgeFiles []string
	// Threshold is the judge score below which the page marks a verdict;
	// 0 means the paper's 4.
	Threshold int
	// Chunk is how many users one detail chunk holds; 0 means DefaultChunk.
	Chunk int
}

// JudgeFiles lists the judge records kept in a run directory: the files
// judge*.jsonl beside its manifest, except the perturbation study's, whose
// verdicts are of altered reasons.
func JudgeFiles(runDir string) ([]string, error) {
	paths, err := filepath.Glob(filepath.Join(runDir, "judge*.jsonl"))
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(paths, func(p string) bool {
		return filepath.Base(p) == reasons.PerturbationJudgeFile
	}), nil
}

// Write writes the page of a built report to path, atomically.
func Write(ctx context.Context, path string, rep *reports.Report, o Options) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return safefile.Write(path, func(w io.Writer) error { return Render(ctx, w, rep, o) })
}

// Render writes the page of a built report. It uses every core.
func Render(ctx context.Context, w io.Writer, rep *reports.Report, o Options) error {
	b, err := newBuilder(rep, o)
	if err != nil {
		return err
	}
	defer b.close()
	if err := b.scan(); err != nil {
		return err
	}
	return b.write(ctx, w)
}

type judgeKey struct{ user, source string }

// builder holds what the page is made of while it is written.
type builder struct {
	rep    *reports.Report
	opts   Options
	occ    *occupations
	judges map[judgeKey]*reasons.JudgeRecord
	meta   meta
	index  index
	// spans[s][i] is where the record of test user i is in system s's
	// predictions file; files[s] is that file, open.
	spans [][]span
	files []*os.File
	// verdicts[s][i] is the judge's verdict on system s's reason for test
	// user i, found once while scanning.
	verdicts [][]verdict
	pos      map[string]int // test user id → index
}

// verdict is the judge record of a reason: view when it judged this very
// text, stale when it judged an earlier one.
type verdict struct {
	view  *judgeView
	stale bool
}

// span locates one line of a predictions file; n is 0 where the user has
// no record.
type span struct {
	off int64
	n   int
}

func newBuilder(rep *reports.Report, o Options) (*builder, error) {
	run := rep.Run
	if o.Threshold == 0 {
		o.Threshold = reasons.DefaultJudgeThreshold
	}
	if o.Chunk <= 0 {
		o.Chunk = DefaultChunk
	}
	if o.JudgeFiles == nil {
		var err error
		if o.JudgeFiles, err = JudgeFiles(run.Dir); err != nil {
			return nil, err
		}
	}
	b := &builder{rep: rep, opts: o, occ: newOccupations(), judges: map[judgeKey]*reasons.JudgeRecord{}}
	for _, path := range o.JudgeFiles {
		recs, err := reasons.ReadJudgeRecords(path)
		if err != nil {
			return nil, fmt.Errorf("judge records: %w", err)
		}
		for i := range recs {
			b.judges[judgeKey{recs[i].UserID, recs[i].Source}] = &recs[i]
		}
	}
	b.meta = meta{
		Run: filepath.Base(filepath.Clean(run.Dir)), Manifest: run.Manifest, Warnings: run.Warnings,
		Reference: rep.Reference.Name, Chunk: o.Chunk,
		Judge: judgeInfo{Files: baseNames(o.JudgeFiles), Threshold: o.Threshold},
	}
	return b, nil
}

func (b *builder) close() {
	for _, f := range b.files {
		if f != nil {
			f.Close()
		}
	}
}

// scan fills the metadata and the index: every test user, and every
// system's outcome for each, reading each predictions file once.
func (b *builder) scan() error {
	rep, run := b.rep, b.rep.Run
	b.pos = make(map[string]int, len(run.Test))
	for i, ex := range run.Test {
		b.pos[ex.UserID] = i
		b.index.ID = append(b.index.ID, ex.UserID)
		b.index.Target = append(b.index.Target, b.occ.id(ex.TargetCode, ex.TargetTitle))
		var hist []int
		for _, r := range ex.History {
			if r.IsJob() {
				hist = append(hist, b.occ.id(r.Code, r.Occupation))
			}
		}
		b.index.Hist = append(b.index.Hist, hist)
		// Number what the user's page names, so that the pages can be
		// written in parallel and the numbers stay the same.
		b.occ.ids(b.related(ex))
		b.occ.id(ex.BayesCode, ex.BayesTitle)
	}
	var mappings []string
	for _, s := range run.Systems {
		si, spans, verdicts, f, err := b.scanSystem(s, &mappings)
		if err != nil {
			return err
		}
		b.index.Sys = append(b.index.Sys, si)
		b.spans = append(b.spans, spans)
		b.verdicts = append(b.verdicts, verdicts)
		b.files = append(b.files, f)
		judged := 0
		for _, v := range verdicts {
			if v.view != nil {
				judged++
			}
			if v.stale {
				b.meta.Judge.Stale++
			}
		}
		v := headline(run, s)
		b.meta.Systems = append(b.meta.Systems, system{
			Name: s.Name, Display: s.Display, Category: s.Category, Kind: s.Kind, Mode: s.Mode,
			EM: v, Failed: count(s.Outcomes.Failed), Missing: s.Outcomes.Missing, Judged: judged,
		})
	}
	order, remap := sortedMappings(mappings)
	b.meta.Mappings = order
	for _, si := range b.index.Sys {
		for i, m := range si.Map {
			if m >= 0 {
				si.Map[i] = remap[m]
			}
		}
	}
	for _, t := range rep.Pairs {
		b.meta.Pairs = append(b.meta.Pairs, pair{A: t.First, B: t.Second, OnlyA: t.B, OnlyB: t.C,
			P: finite(t.P), PAdj: finite(t.PAdj), Sig: t.Significant(rep.Opts.Significance.Alpha)})
	}
	if len(rep.Pairs) > 0 {
		b.meta.Family = familyNote(rep)
	}
	for _, t := range rep.Tables() {
		b.meta.Tables = append(b.meta.Tables, newTable(t))
	}
	for _, c := range rep.Charts() {
		var svg bytes.Buffer
		if err := c.SVG(&svg); err != nil {
			return err
		}
		b.meta.Charts = append(b.meta.Charts, chart{Name: c.Name, Title: c.Title, SVG: svg.String()})
	}
	b.index.Occ = b.occ.list
	return nil
}

// scanSystem reads one system's predictions file: its per-user index
// entries, where each user's record is and the judge's verdicts on the
// reasons. It returns the file open.
func (b *builder) scanSystem(s *reports.System, mappings *[]string) (sysIndex, []span, []verdict, *os.File, error) {
	test := b.rep.Run.Test
	n := len(test)
	si := sysIndex{Pred: fill(n, -1), Map: fill(n, -1), Score: fill(n, -1), Judge: make([]int, n)}
	st := make([]byte, n)
	for i := range st {
		st[i] = status(&s.Outcomes, i)
	}
	si.St = string(st)
	spans, verdicts := make([]span, n), make([]verdict, n)
	path := rundir.PredictionsPath(b.rep.Run.Dir, s.Name)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return si, spans, verdicts, nil, nil // every user missing, as the outcomes say
	}
	if err != nil {
		return si, nil, nil, nil, err
	}
	err = eachLine(f, path, func(off int64, line []byte, p *rundir.Prediction) {
		i, ok := b.pos[p.UserID]
		if !ok {
			return // outside the test set; the report warns
		}
		spans[i] = span{off, len(line)}
		si.Pred[i] = b.occ.id(p.Code, p.Title)
		b.occ.ids(p.Ranked[:min(len(p.Ranked), RankedShown)])
		si.Map[i] = mappingIndex(mappings, p.Mapping)
		si.Score[i] = -1
		if p.MapScore > 0 {
			si.Score[i] = int(p.MapScore*1000 + 0.5)
		}
		v := &verdicts[i] // the last record of a user wins
		v.view, v.stale = b.judge(p.UserID, s.Name, p.Reason)
		si.Judge[i] = 0
		if v.view != nil {
			si.Judge[i] = v.view.lowest()
		}
	})
	if err != nil {
		f.Close()
		return si, nil, nil, nil, err
	}
	return si, spans, verdicts, f, nil
}

// judge is the verdict on a user's reason from source, when it judged this
// very text; stale says a verdict exists for another text.
func (b *builder) judge(user, source, reason string) (v *judgeView, stale bool) {
	r := b.judges[judgeKey{user, source}]
	if r == nil || reason == "" {
		return nil, false
	}
	if r.ReasonSHA256 != reasons.ReasonDigest(reason) {
		return nil, true
	}
	return newJudgeView(r), false
}

// eachLine decodes every record of a predictions file, passing its offset
// and bytes. As package jsonl reads it, a last line cut short is skipped
// and any other bad line is an error naming the line.
func eachLine(f *os.File, path string, fn func(off int64, line []byte, p *rundir.Prediction)) error {
	br := bufio.NewReaderSize(f, 256<<10)
	var off int64
	for lineNo := 1; ; lineNo++ {
		line, err := br.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return fmt.Errorf("%s: %w", path, err)
		}
		if len(line) > jsonl.MaxLine {
			return fmt.Errorf("%s:%d: longer than %d bytes", path, lineNo, jsonl.MaxLine)
		}
		if body := bytes.TrimSpace(line); len(body) > 0 {
			var p rundir.Prediction
			if jerr := json.Unmarshal(body, &p); jerr != nil {
				if err == io.EOF {
					return nil // a last line cut short by a kill
				}
				return fmt.Errorf("%s:%d: %w", path, lineNo, jerr)
			}
			fn(off, line, &p)
		}
		off += int64(len(line))
		if err == io.EOF {
			return nil
		}
	}
}

// detail reads user i's records back from the predictions files.
func (b *builder) detail(i int) (*userDetail, error) {
	run := b.rep.Run
	ex := run.Test[i]
	d := &userDetail{Bayes: b.occ.known(ex.BayesCode), Preds: make([]*predView, len(run.Systems))}
	d.Related = b.occ.knownAll(b.related(ex))
	for _, r := range ex.History {
		d.History = append(d.History, newRecord(r, b.occ))
	}
	if ex.OracleReason != "" {
		d.Oracle = &oracleView{Reason: ex.OracleReason}
		d.Oracle.Judge, _ = b.judge(ex.UserID, "oracle", ex.OracleReason)
	}
	for s, sys := range run.Systems {
		sp := b.spans[s][i]
		if sp.n == 0 {
			continue
		}
		line := make([]byte, sp.n)
		if _, err := b.files[s].ReadAt(line, sp.off); err != nil {
			return nil, fmt.Errorf("%s: %w", b.files[s].Name(), err)
		}
		var p rundir.Prediction
		if err := json.Unmarshal(line, &p); err != nil {
			return nil, fmt.Errorf("%s: the file changed while the viewer was written: %w", b.files[s].Name(), err)
		}
		v := newPredView(&p, sys.Outcomes.RM[i], b.occ)
		v.Judge, v.StaleJudge = b.verdicts[s][i].view, b.verdicts[s][i].stale
		d.Preds[s] = v
	}
	return d, nil
}

// related is the true occupation's related list, as RM counts it.
func (b *builder) related(ex *bench.Example) []string {
	return b.occ.tax.RelatedCodes(ex.TargetCode, b.rep.Run.Manifest.Protocol.Related)
}

// write writes the page. The detail chunks are packed first, in parallel.
func (b *builder) write(ctx context.Context, w io.Writer) error {
	n := len(b.rep.Run.Test)
	chunks := make([][]byte, (n+b.opts.Chunk-1)/b.opts.Chunk)
	nums := make([]int, len(chunks))
	for c := range nums {
		nums[c] = c
	}
	err := pool.Each(ctx, nums, runtime.GOMAXPROCS(0), func(_ context.Context, c int) error {
		lo := c * b.opts.Chunk
		users := make([]*userDetail, 0, b.opts.Chunk)
		for i := lo; i < min(n, lo+b.opts.Chunk); i++ {
			d, err := b.detail(i)
			if err != nil {
				return err
			}
			users = append(users, d)
		}
		var err error
		chunks[c], err = packed(users)
		return err
	})
	if err != nil {
		return err
	}
	idx, err := packed(b.index)
	if err != nil {
		return err
	}
	mj, err := json.Marshal(b.meta)
	if err != nil {
		return err
	}
	return writePage(w, pageData{Title: "occbench · " + b.meta.Run, Meta: mj, Index: idx, Chunks: chunks})
}

// packed is v as JSON, gzip-compressed and base64-encoded: what the page's
// script decodes with DecompressionStream.
func packed(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := base64.NewEncoder(base64.StdEncoding, &buf)
	zw, err := gzip.NewWriterLevel(enc, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	je := json.NewEncoder(zw)
	je.SetEscapeHTML(false)
	if err := je.Encode(v); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func headline(run *reports.Run, s *reports.System) float64 {
	return float64(count(s.Outcomes.EM)) / float64(max(1, len(run.Test)))
}

func familyNote(rep *reports.Report) string {
	for _, t := range rep.Tables() {
		if t.ID == "mcnemar" {
			for _, n := range t.Notes {
				if strings.Contains(n, "McNemar") {
					return n
				}
			}
		}
	}
	return ""
}

func count(xs []bool) int {
	n := 0
	for _, x := range xs {
		if x {
			n++
		}
	}
	return n
}

func fill(n, v int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// finite keeps a p-value JSON can carry: NaN (no discordant pairs under
// the χ² test) becomes 1, nothing to tell apart.
func finite(p float64) float64 {
	if p != p || p > 1 {
		return 1
	}
	return p
}

func baseNames(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = filepath.Base(p)
	}
	slices.Sort(out)
	return out
}
