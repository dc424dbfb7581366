package bench

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// SchemaVersion is the newest schema version, which Open reads with every
// older one. It changes whenever a column is added, removed or changes
// meaning. Version 2 added how a job's occupation was found (code_method,
// code_score, source_code); files of version 1 read with those fields null.
// Version 3 added the target path of K jobs (target_path) and, for
// synthetic data, the Bayes-optimal occupation at each of the K steps
// (bayes_path). Only a file with a horizon (MetaHorizon) is written as
// version 3: a single-step data set is written as version 2, without the
// two columns, so its bytes are those it had before paths existed.
const SchemaVersion = "3"

// singleStepVersion is the version of a file written without a horizon.
const singleStepVersion = "2"

// readableVersions are the schema versions Open reads.
var readableVersions = map[string]bool{"1": true, singleStepVersion: true, SchemaVersion: true}

// Metadata keys that occbench writes into data set files.
const (
	MetaSchemaVersion = "occbench.schema_version"
	MetaPreprocess    = "occbench.preprocess" // JSON import report
	MetaSplit         = "occbench.split"      // "train", "test" or "all"
	// MetaHorizon is K, the number of jobs of a target path, in a data set
	// whose examples have one (K ≥ 2). A file without it is single-step.
	MetaHorizon = "occbench.horizon"
)

// MaxHorizon bounds K: a path of more jobs than this is refused, on write
// and on read.
const MaxHorizon = 64

// Horizon reads K from a data set's metadata: 1 when MetaHorizon is absent.
func Horizon(meta map[string]string) (int, error) {
	v, ok := meta[MetaHorizon]
	if !ok {
		return 1, nil
	}
	k, err := strconv.Atoi(v)
	if err != nil || k < 1 || k > MaxHorizon {
		return 0, fmt.Errorf("metadata %s %q: want a number of jobs from 1 to %d", MetaHorizon, v, MaxHorizon)
	}
	return k, nil
}

// recordType is the struct of one history entry, and of one job of a
// target path.
var recordType = arrow.StructOf(
	arrow.Field{Name: "kind", Type: arrow.BinaryTypes.String},
	arrow.Field{Name: "start", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	arrow.Field{Name: "end", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	arrow.Field{Name: "school", Type: arrow.BinaryTypes.String, Nullable: true},
	arrow.Field{Name: "degree", Type: arrow.BinaryTypes.String, Nullable: true},
	arrow.Field{Name: "major", Type: arrow.BinaryTypes.String, Nullable: true},
	arrow.Field{Name: "grad_year", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	arrow.Field{Name: "title", Type: arrow.BinaryTypes.String, Nullable: true},
	arrow.Field{Name: "code", Type: arrow.BinaryTypes.String, Nullable: true},
	arrow.Field{Name: "occupation", Type: arrow.BinaryTypes.String, Nullable: true},
	arrow.Field{Name: "industry", Type: arrow.BinaryTypes.String, Nullable: true},
	arrow.Field{Name: "salary", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	arrow.Field{Name: "code_method", Type: arrow.BinaryTypes.String, Nullable: true},
	arrow.Field{Name: "code_score", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	arrow.Field{Name: "source_code", Type: arrow.BinaryTypes.String, Nullable: true},
)

// attemptType is the struct of one oracle attempt.
var attemptType = arrow.StructOf(
	arrow.Field{Name: "reason", Type: arrow.BinaryTypes.String, Nullable: true},
	arrow.Field{Name: "answer", Type: arrow.BinaryTypes.String, Nullable: true},
	arrow.Field{Name: "code", Type: arrow.BinaryTypes.String, Nullable: true},
	arrow.Field{Name: "correct", Type: arrow.FixedWidthTypes.Boolean},
)

// occupationType is the struct of one step of a Bayes path.
var occupationType = arrow.StructOf(
	arrow.Field{Name: "code", Type: arrow.BinaryTypes.String, Nullable: true},
	arrow.Field{Name: "title", Type: arrow.BinaryTypes.String, Nullable: true},
)

// Column order of a data set file. A single-step file ends before
// colTargetPath.
const (
	colUser = iota
	colHistory
	colTargetCode
	colTargetTitle
	colOracleReason
	colBayesCode
	colBayesTitle
	colAttempts
	colTargetPath
	colBayesPath
	numCols
)

// numSingleStepCols is the number of columns of a file without a horizon.
const numSingleStepCols = colTargetPath

var columnNames = [numCols]string{"user_id", "history", "target_code", "target_title", "oracle_reason", "bayes_code", "bayes_title", "attempts", "target_path", "bayes_path"}

// isListCol reports whether column i holds lists, not strings.
func isListCol(i int) bool {
	return i == colHistory || i == colAttempts || i == colTargetPath || i == colBayesPath
}

// Schema returns the Arrow schema of a data set with the given extra
// metadata; the schema version is always set. With a horizon in meta
// (MetaHorizon, K ≥ 2) the schema is version 3, with the path columns;
// else version 2, without them.
func Schema(meta map[string]string) (*arrow.Schema, error) {
	k, err := Horizon(meta)
	if err != nil {
		return nil, err
	}
	version, ncols := singleStepVersion, numSingleStepCols
	if k > 1 {
		version, ncols = SchemaVersion, numCols
	}
	keys := []string{MetaSchemaVersion}
	vals := []string{version}
	for _, key := range slices.Sorted(maps.Keys(meta)) {
		if key == MetaSchemaVersion {
			continue
		}
		keys = append(keys, key)
		vals = append(vals, meta[key])
	}
	md := arrow.NewMetadata(keys, vals)
	fields := make([]arrow.Field, ncols)
	for i, name := range columnNames[:ncols] {
		f := arrow.Field{Name: name, Type: arrow.BinaryTypes.String, Nullable: i >= colTargetCode}
		switch i {
		case colHistory, colTargetPath:
			f.Type = arrow.ListOf(recordType)
		case colAttempts:
			f.Type = arrow.ListOf(attemptType)
		case colBayesPath:
			f.Type = arrow.ListOf(occupationType)
		}
		fields[i] = f
	}
	return arrow.NewSchema(fields, &md), nil
}

// batchBuilder accumulates examples into one Arrow record batch.
type batchBuilder struct {
	rb      *array.RecordBuilder
	strs    [numCols]*array.StringBuilder // nil for the list columns
	list    *array.ListBuilder
	rec     *recordBuilder
	att     *array.ListBuilder
	attRec  *array.StructBuilder
	attStr  [3]*array.StringBuilder // reason, answer, code
	attOK   *array.BooleanBuilder
	paths   bool // the file has the path columns
	path    *array.ListBuilder
	pathRec *recordBuilder
	bayes   *array.ListBuilder
	bayesSt *array.StructBuilder
	bayesSc [2]*array.StringBuilder // code, title
	pending int
}

// recordBuilder appends records to a list<recordType> column.
type recordBuilder struct {
	st     *array.StructBuilder
	kind   *array.StringBuilder
	start  *array.Date32Builder
	end    *array.Date32Builder
	school *array.StringBuilder
	degree *array.StringBuilder
	major  *array.StringBuilder
	grad   *array.Int32Builder
	title  *array.StringBuilder
	code   *array.StringBuilder
	occ    *array.StringBuilder
	ind    *array.StringBuilder
	salary *array.Float64Builder
	method *array.StringBuilder
	score  *array.Float64Builder
	source *array.StringBuilder
}

func newRecordBuilder(l *array.ListBuilder) *recordBuilder {
	st := l.ValueBuilder().(*array.StructBuilder)
	return &recordBuilder{
		st:     st,
		kind:   st.FieldBuilder(0).(*array.StringBuilder),
		start:  st.FieldBuilder(1).(*array.Date32Builder),
		end:    st.FieldBuilder(2).(*array.Date32Builder),
		school: st.FieldBuilder(3).(*array.StringBuilder),
		degree: st.FieldBuilder(4).(*array.StringBuilder),
		major:  st.FieldBuilder(5).(*array.StringBuilder),
		grad:   st.FieldBuilder(6).(*array.Int32Builder),
		title:  st.FieldBuilder(7).(*array.StringBuilder),
		code:   st.FieldBuilder(8).(*array.StringBuilder),
		occ:    st.FieldBuilder(9).(*array.StringBuilder),
		ind:    st.FieldBuilder(10).(*array.StringBuilder),
		salary: st.FieldBuilder(11).(*array.Float64Builder),
		method: st.FieldBuilder(12).(*array.StringBuilder),
		score:  st.FieldBuilder(13).(*array.Float64Builder),
		source: st.FieldBuilder(14).(*array.StringBuilder),
	}
}

func newBatchBuilder(schema *arrow.Schema) *batchBuilder {
	rb := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	b := &batchBuilder{rb: rb, paths: schema.NumFields() > colTargetPath}
	for i := range schema.NumFields() {
		if isListCol(i) {
			continue
		}
		b.strs[i] = rb.Field(i).(*array.StringBuilder)
	}
	b.att = rb.Field(colAttempts).(*array.ListBuilder)
	b.attRec = b.att.ValueBuilder().(*array.StructBuilder)
	for i := range b.attStr {
		b.attStr[i] = b.attRec.FieldBuilder(i).(*array.StringBuilder)
	}
	b.attOK = b.attRec.FieldBuilder(3).(*array.BooleanBuilder)
	b.list = rb.Field(colHistory).(*array.ListBuilder)
	b.rec = newRecordBuilder(b.list)
	if b.paths {
		b.path = rb.Field(colTargetPath).(*array.ListBuilder)
		b.pathRec = newRecordBuilder(b.path)
		b.bayes = rb.Field(colBayesPath).(*array.ListBuilder)
		b.bayesSt = b.bayes.ValueBuilder().(*array.StructBuilder)
		for i := range b.bayesSc {
			b.bayesSc[i] = b.bayesSt.FieldBuilder(i).(*array.StringBuilder)
		}
	}
	return b
}

func appendOptString(b *array.StringBuilder, s string) {
	if s == "" {
		b.AppendNull()
		return
	}
	b.Append(s)
}

func appendDate(b *array.Date32Builder, d Date) {
	if !d.Valid() {
		b.AppendNull()
		return
	}
	b.Append(arrow.Date32(d.Days()))
}

// checkPath says what is wrong with an example's paths for a file with
// (paths) or without the path columns; nil when they can be written.
func checkPath(ex *Example, paths bool) error {
	if len(ex.TargetPath) == 0 && len(ex.BayesPath) == 0 {
		return nil
	}
	if !paths {
		return fmt.Errorf("user %q: a target path of %d jobs (Bayes path %d): a single-step file has no path columns; set the metadata %s", ex.UserID, len(ex.TargetPath), len(ex.BayesPath), MetaHorizon)
	}
	return ex.checkPath()
}

// checkPath checks that the target path starts with the target and holds
// jobs only, and that it is no longer than MaxHorizon.
func (e *Example) checkPath() error {
	if n := max(len(e.TargetPath), len(e.BayesPath)); n > MaxHorizon {
		return fmt.Errorf("user %q: a path of %d jobs: want at most %d", e.UserID, n, MaxHorizon)
	}
	if len(e.TargetPath) == 0 {
		return nil
	}
	if t := e.TargetPath[0]; t.Code != e.TargetCode || t.Occupation != e.TargetTitle {
		return fmt.Errorf("user %q: target_path[0] is %q (%q), want the target %q (%q)", e.UserID, t.Code, t.Occupation, e.TargetCode, e.TargetTitle)
	}
	for i, r := range e.TargetPath {
		if !r.IsJob() {
			return fmt.Errorf("user %q: target_path[%d] is %s, want a job", e.UserID, i, r.Kind)
		}
	}
	return nil
}

func (b *batchBuilder) append(ex *Example) error {
	if err := checkPath(ex, b.paths); err != nil {
		return err
	}
	b.strs[colUser].Append(ex.UserID)
	appendOptString(b.strs[colTargetCode], ex.TargetCode)
	appendOptString(b.strs[colTargetTitle], ex.TargetTitle)
	appendOptString(b.strs[colOracleReason], ex.OracleReason)
	appendOptString(b.strs[colBayesCode], ex.BayesCode)
	appendOptString(b.strs[colBayesTitle], ex.BayesTitle)
	if len(ex.Attempts) == 0 {
		b.att.AppendNull()
	} else {
		b.att.Append(true)
		for _, a := range ex.Attempts {
			b.attRec.Append(true)
			appendOptString(b.attStr[0], a.Reason)
			appendOptString(b.attStr[1], a.Answer)
			appendOptString(b.attStr[2], a.Code)
			b.attOK.Append(a.Correct)
		}
	}
	b.list.Append(true)
	for i := range ex.History {
		b.rec.append(&ex.History[i])
	}
	if b.paths {
		if len(ex.TargetPath) == 0 {
			b.path.AppendNull()
		} else {
			b.path.Append(true)
			for i := range ex.TargetPath {
				b.pathRec.append(&ex.TargetPath[i])
			}
		}
		if len(ex.BayesPath) == 0 {
			b.bayes.AppendNull()
		} else {
			b.bayes.Append(true)
			for _, o := range ex.BayesPath {
				b.bayesSt.Append(true)
				appendOptString(b.bayesSc[0], o.Code)
				appendOptString(b.bayesSc[1], o.Title)
			}
		}
	}
	b.pending++
	return nil
}

func (b *recordBuilder) append(r *Record) {
	b.st.Append(true)
	b.kind.Append(r.Kind.String())
	appendDate(b.start, r.Start)
	appendDate(b.end, r.End)
	appendOptString(b.school, r.School)
	appendOptString(b.degree, r.Degree)
	appendOptString(b.major, r.Major)
	if r.GradYear > 0 {
		b.grad.Append(int32(r.GradYear))
	} else {
		b.grad.AppendNull()
	}
	appendOptString(b.title, r.Title)
	appendOptString(b.code, r.Code)
	appendOptString(b.occ, r.Occupation)
	appendOptString(b.ind, r.Industry)
	if r.Salary != 0 {
		b.salary.Append(r.Salary)
	} else {
		b.salary.AppendNull()
	}
	appendOptString(b.method, r.CodeMethod)
	if r.CodeMethod != "" {
		b.score.Append(r.CodeScore)
	} else {
		b.score.AppendNull()
	}
	appendOptString(b.source, r.SourceCode)
}

// flush returns the accumulated batch; the caller releases it.
func (b *batchBuilder) flush() arrow.RecordBatch {
	b.pending = 0
	return b.rb.NewRecordBatch()
}

func (b *batchBuilder) release() { b.rb.Release() }

// batchView decodes examples from one record batch. Columns are found by
// name, so files written by other tools with extra or reordered columns, or
// without the optional ones, still read.
type batchView struct {
	strs    [numCols]*array.String // nil when absent
	list    *array.List
	rec     *recordView
	att     *array.List // nil when absent
	attStr  [3]*array.String
	attOK   *array.Boolean
	path    *array.List // nil when absent
	pathRec *recordView
	bayes   *array.List // nil when absent
	bayesSc [2]*array.String
	numRows int
}

// recordView decodes the records of a list<recordType> column.
type recordView struct {
	kind   *array.String
	start  *array.Date32
	end    *array.Date32
	school *array.String
	degree *array.String
	major  *array.String
	grad   *array.Int32
	title  *array.String
	code   *array.String
	occ    *array.String
	ind    *array.String
	salary *array.Float64
	method *array.String
	score  *array.Float64
	source *array.String
}

func newBatchView(rec arrow.RecordBatch) (*batchView, error) {
	v := &batchView{numRows: int(rec.NumRows())}
	schema := rec.Schema()
	for i, name := range columnNames {
		idx := schema.FieldIndices(name)
		if len(idx) == 0 {
			if i <= colHistory {
				return nil, fmt.Errorf("column %q: missing (want the occbench data set schema, version %s)", name, SchemaVersion)
			}
			continue
		}
		col := rec.Column(idx[0])
		var err error
		switch i {
		case colAttempts:
			err = v.setAttempts(col)
		case colBayesPath:
			err = v.setBayesPath(col)
		case colHistory, colTargetPath:
			l, ok := col.(*array.List)
			if !ok {
				return nil, fmt.Errorf("column %q: type %s, want list<struct>", name, col.DataType())
			}
			var rv *recordView
			if rv, err = newRecordView(name, l); err != nil {
				return nil, err
			}
			if i == colHistory {
				v.list, v.rec = l, rv
			} else {
				v.path, v.pathRec = l, rv
			}
		default:
			s, ok := col.(*array.String)
			if !ok {
				return nil, fmt.Errorf("column %q: type %s, want utf8", name, col.DataType())
			}
			v.strs[i] = s
		}
		if err != nil {
			return nil, err
		}
	}
	return v, nil
}

// newRecordView finds the fields of the records of column name, a list.
func newRecordView(name string, l *array.List) (*recordView, error) {
	st, ok := l.ListValues().(*array.Struct)
	if !ok {
		return nil, fmt.Errorf("column %q: items are %s, want struct", name, l.ListValues().DataType())
	}
	v := &recordView{}
	stType := st.DataType().(*arrow.StructType)
	field := func(fname string, dst any) error {
		i, ok := stType.FieldIdx(fname)
		if !ok {
			return nil // optional: reads as missing
		}
		col := st.Field(i)
		var good bool
		switch p := dst.(type) {
		case **array.String:
			*p, good = col.(*array.String)
		case **array.Date32:
			*p, good = col.(*array.Date32)
		case **array.Int32:
			*p, good = col.(*array.Int32)
		case **array.Float64:
			*p, good = col.(*array.Float64)
		}
		if !good {
			return fmt.Errorf("column %q, field %q: type %s is not the schema's", name, fname, col.DataType())
		}
		return nil
	}
	for _, f := range []struct {
		name string
		dst  any
	}{
		{"kind", &v.kind}, {"start", &v.start}, {"end", &v.end}, {"school", &v.school},
		{"degree", &v.degree}, {"major", &v.major}, {"grad_year", &v.grad}, {"title", &v.title},
		{"code", &v.code}, {"occupation", &v.occ}, {"industry", &v.ind}, {"salary", &v.salary},
		{"code_method", &v.method}, {"code_score", &v.score}, {"source_code", &v.source},
	} {
		if err := field(f.name, f.dst); err != nil {
			return nil, err
		}
	}
	if v.kind == nil {
		return nil, fmt.Errorf("column %q: field \"kind\" missing", name)
	}
	return v, nil
}

func (v *batchView) setAttempts(col arrow.Array) error {
	bad := fmt.Errorf("column \"attempts\": type %s, want list<struct<reason, answer, code: utf8, correct: bool>>", col.DataType())
	l, ok := col.(*array.List)
	if !ok {
		return bad
	}
	st, ok := l.ListValues().(*array.Struct)
	if !ok || st.NumField() != 4 {
		return bad
	}
	for i := range v.attStr {
		if v.attStr[i], ok = st.Field(i).(*array.String); !ok {
			return bad
		}
	}
	if v.attOK, ok = st.Field(3).(*array.Boolean); !ok {
		return bad
	}
	v.att = l
	return nil
}

func (v *batchView) setBayesPath(col arrow.Array) error {
	bad := fmt.Errorf("column \"bayes_path\": type %s, want list<struct<code: utf8, title: utf8>>", col.DataType())
	l, ok := col.(*array.List)
	if !ok {
		return bad
	}
	st, ok := l.ListValues().(*array.Struct)
	if !ok {
		return bad
	}
	stType := st.DataType().(*arrow.StructType)
	for i, name := range []string{"code", "title"} {
		j, found := stType.FieldIdx(name)
		if !found {
			return bad
		}
		if v.bayesSc[i], ok = st.Field(j).(*array.String); !ok {
			return bad
		}
	}
	v.bayes = l
	return nil
}

func strAt(a *array.String, i int) string {
	if a == nil || a.IsNull(i) {
		return ""
	}
	return strings.Clone(a.Value(i))
}

func dateAt(a *array.Date32, i int) Date {
	if a == nil || a.IsNull(i) {
		return NoDate
	}
	return DateFromDays(int32(a.Value(i)))
}

// example decodes row i into ex, reusing ex.History's storage.
func (v *batchView) example(i int, ex *Example) error {
	ex.UserID = strAt(v.strs[colUser], i)
	ex.TargetCode = strAt(v.strs[colTargetCode], i)
	ex.TargetTitle = strAt(v.strs[colTargetTitle], i)
	ex.OracleReason = strAt(v.strs[colOracleReason], i)
	ex.BayesCode = strAt(v.strs[colBayesCode], i)
	ex.BayesTitle = strAt(v.strs[colBayesTitle], i)
	ex.Attempts = nil
	if v.att != nil && !v.att.IsNull(i) {
		lo, hi := v.att.ValueOffsets(i)
		for j := int(lo); j < int(hi); j++ {
			ex.Attempts = append(ex.Attempts, Attempt{
				Reason:  strAt(v.attStr[0], j),
				Answer:  strAt(v.attStr[1], j),
				Code:    strAt(v.attStr[2], j),
				Correct: v.attOK.Value(j),
			})
		}
	}
	ex.BayesPath = nil
	if v.bayes != nil && !v.bayes.IsNull(i) {
		lo, hi := v.bayes.ValueOffsets(i)
		for j := int(lo); j < int(hi); j++ {
			ex.BayesPath = append(ex.BayesPath, Occupation{Code: strAt(v.bayesSc[0], j), Title: strAt(v.bayesSc[1], j)})
		}
	}
	ex.TargetPath = nil
	if v.path != nil && !v.path.IsNull(i) {
		var err error
		if ex.TargetPath, err = v.pathRec.records(v.path, i, "target_path", nil); err != nil {
			return fmt.Errorf("user %q, %w", ex.UserID, err)
		}
	}
	if err := ex.checkPath(); err != nil {
		return err
	}
	ex.History = ex.History[:0]
	if v.list.IsNull(i) {
		return nil
	}
	var err error
	if ex.History, err = v.rec.records(v.list, i, "history", ex.History); err != nil {
		return fmt.Errorf("user %q, %w", ex.UserID, err)
	}
	return nil
}

// records appends the records of row i of the list column l (named name)
// to rs.
func (v *recordView) records(l *array.List, i int, name string, rs []Record) ([]Record, error) {
	lo, hi := l.ValueOffsets(i)
	for j := int(lo); j < int(hi); j++ {
		kind, err := ParseKind(v.kind.Value(j))
		if err != nil {
			return rs, fmt.Errorf("%s[%d]: %w", name, j-int(lo), err)
		}
		r := Record{
			Kind:       kind,
			Start:      dateAt(v.start, j),
			End:        dateAt(v.end, j),
			School:     strAt(v.school, j),
			Degree:     strAt(v.degree, j),
			Major:      strAt(v.major, j),
			Title:      strAt(v.title, j),
			Code:       strAt(v.code, j),
			Occupation: strAt(v.occ, j),
			Industry:   strAt(v.ind, j),
			CodeMethod: strAt(v.method, j),
			SourceCode: strAt(v.source, j),
		}
		if v.grad != nil && !v.grad.IsNull(j) {
			r.GradYear = int(v.grad.Value(j))
		}
		if v.salary != nil && !v.salary.IsNull(j) {
			r.Salary = v.salary.Value(j)
		}
		if v.score != nil && !v.score.IsNull(j) {
			r.CodeScore = v.score.Value(j)
		}
		rs = append(rs, r)
	}
	return rs, nil
}
