package bench

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// SchemaVersion is written to every data set under MetaSchemaVersion. It
// changes whenever a column is added, removed or changes meaning. Version 2
// added how a job's occupation was found (code_method, code_score,
// source_code); files of version 1 read with those fields null.
const SchemaVersion = "2"

// readableVersions are the schema versions Open reads.
var readableVersions = map[string]bool{"1": true, SchemaVersion: true}

// Metadata keys that occbench writes into data set files.
const (
	MetaSchemaVersion = "occbench.schema_version"
	MetaPreprocess    = "occbench.preprocess" // JSON import report
	MetaSplit         = "occbench.split"      // "train", "test" or "all"
)

// recordType is the struct of one history entry.
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

// Column order of a data set file.
const (
	colUser = iota
	colHistory
	colTargetCode
	colTargetTitle
	colOracleReason
	colBayesCode
	colBayesTitle
	colAttempts
	numCols
)

var columnNames = [numCols]string{"user_id", "history", "target_code", "target_title", "oracle_reason", "bayes_code", "bayes_title", "attempts"}

// Schema returns the Arrow schema of a data set with the given extra
// metadata; the schema version is always set.
func Schema(meta map[string]string) *arrow.Schema {
	keys := []string{MetaSchemaVersion}
	vals := []string{SchemaVersion}
	for _, k := range slices.Sorted(maps.Keys(meta)) {
		if k == MetaSchemaVersion {
			continue
		}
		keys = append(keys, k)
		vals = append(vals, meta[k])
	}
	md := arrow.NewMetadata(keys, vals)
	fields := make([]arrow.Field, numCols)
	for i, name := range columnNames {
		f := arrow.Field{Name: name, Type: arrow.BinaryTypes.String, Nullable: i >= colTargetCode}
		switch i {
		case colHistory:
			f.Type = arrow.ListOf(recordType)
		case colAttempts:
			f.Type = arrow.ListOf(attemptType)
		}
		fields[i] = f
	}
	return arrow.NewSchema(fields, &md)
}

// batchBuilder accumulates examples into one Arrow record batch.
type batchBuilder struct {
	rb      *array.RecordBuilder
	strs    [numCols]*array.StringBuilder // nil for the list columns
	list    *array.ListBuilder
	att     *array.ListBuilder
	attRec  *array.StructBuilder
	attStr  [3]*array.StringBuilder // reason, answer, code
	attOK   *array.BooleanBuilder
	rec     *array.StructBuilder
	kind    *array.StringBuilder
	start   *array.Date32Builder
	end     *array.Date32Builder
	school  *array.StringBuilder
	degree  *array.StringBuilder
	major   *array.StringBuilder
	grad    *array.Int32Builder
	title   *array.StringBuilder
	code    *array.StringBuilder
	occ     *array.StringBuilder
	ind     *array.StringBuilder
	salary  *array.Float64Builder
	method  *array.StringBuilder
	score   *array.Float64Builder
	source  *array.StringBuilder
	pending int
}

func newBatchBuilder(schema *arrow.Schema) *batchBuilder {
	rb := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	b := &batchBuilder{rb: rb}
	for i := range numCols {
		if i == colHistory || i == colAttempts {
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
	b.rec = b.list.ValueBuilder().(*array.StructBuilder)
	b.kind = b.rec.FieldBuilder(0).(*array.StringBuilder)
	b.start = b.rec.FieldBuilder(1).(*array.Date32Builder)
	b.end = b.rec.FieldBuilder(2).(*array.Date32Builder)
	b.school = b.rec.FieldBuilder(3).(*array.StringBuilder)
	b.degree = b.rec.FieldBuilder(4).(*array.StringBuilder)
	b.major = b.rec.FieldBuilder(5).(*array.StringBuilder)
	b.grad = b.rec.FieldBuilder(6).(*array.Int32Builder)
	b.title = b.rec.FieldBuilder(7).(*array.StringBuilder)
	b.code = b.rec.FieldBuilder(8).(*array.StringBuilder)
	b.occ = b.rec.FieldBuilder(9).(*array.StringBuilder)
	b.ind = b.rec.FieldBuilder(10).(*array.StringBuilder)
	b.salary = b.rec.FieldBuilder(11).(*array.Float64Builder)
	b.method = b.rec.FieldBuilder(12).(*array.StringBuilder)
	b.score = b.rec.FieldBuilder(13).(*array.Float64Builder)
	b.source = b.rec.FieldBuilder(14).(*array.StringBuilder)
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

func (b *batchBuilder) append(ex *Example) {
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
		r := &ex.History[i]
		b.rec.Append(true)
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
	b.pending++
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
	att     *array.List // nil when absent
	attStr  [3]*array.String
	attOK   *array.Boolean
	kind    *array.String
	start   *array.Date32
	end     *array.Date32
	school  *array.String
	degree  *array.String
	major   *array.String
	grad    *array.Int32
	title   *array.String
	code    *array.String
	occ     *array.String
	ind     *array.String
	salary  *array.Float64
	method  *array.String
	score   *array.Float64
	source  *array.String
	numRows int
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
		if i == colAttempts {
			if err := v.setAttempts(col); err != nil {
				return nil, err
			}
			continue
		}
		if i == colHistory {
			l, ok := col.(*array.List)
			if !ok {
				return nil, fmt.Errorf("column %q: type %s, want list<struct>", name, col.DataType())
			}
			v.list = l
			continue
		}
		s, ok := col.(*array.String)
		if !ok {
			return nil, fmt.Errorf("column %q: type %s, want utf8", name, col.DataType())
		}
		v.strs[i] = s
	}
	st, ok := v.list.ListValues().(*array.Struct)
	if !ok {
		return nil, fmt.Errorf("column \"history\": items are %s, want struct", v.list.ListValues().DataType())
	}
	stType := st.DataType().(*arrow.StructType)
	field := func(name string, dst any) error {
		i, ok := stType.FieldIdx(name)
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
			return fmt.Errorf("column \"history\", field %q: type %s is not the schema's", name, col.DataType())
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
		return nil, fmt.Errorf("column \"history\": field \"kind\" missing")
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
	ex.History = ex.History[:0]
	if v.list.IsNull(i) {
		return nil
	}
	lo, hi := v.list.ValueOffsets(i)
	for j := int(lo); j < int(hi); j++ {
		kind, err := ParseKind(v.kind.Value(j))
		if err != nil {
			return fmt.Errorf("user %q, history[%d]: %w", ex.UserID, j-int(lo), err)
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
		ex.History = append(ex.History, r)
	}
	return nil
}
