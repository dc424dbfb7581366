package bench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/occbench/occbench/internal/safefile"
)

// BatchRows is the number of examples per Arrow record batch (and Parquet
// row group). Readers and writers hold at most one batch in memory.
const BatchRows = 4096

// IsParquet reports whether path names a Parquet file (.parquet or .pq);
// every other name is an Arrow IPC file.
func IsParquet(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".parquet" || ext == ".pq"
}

// Writer streams examples into a data set file. The file appears under its
// name only when Close succeeds.
type Writer struct {
	path   string
	out    *safefile.File
	b      *batchBuilder
	ipc    *ipc.FileWriter
	pq     *pqarrow.FileWriter
	rows   int
	closed bool
}

// Create starts a data set file at path: Arrow IPC (zstd-compressed), or
// Parquet for a .parquet name. meta is stored in the schema metadata. With
// a horizon K ≥ 2 in meta (MetaHorizon), the file has the path columns
// (schema version 3) and examples may carry target and Bayes paths;
// without one it is single-step (version 2) and an example with a path is
// an error.
func Create(path string, meta map[string]string) (*Writer, error) {
	schema, err := Schema(meta)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	out, err := safefile.Create(path)
	if err != nil {
		return nil, err
	}
	w := &Writer{path: path, out: out, b: newBatchBuilder(schema)}
	if IsParquet(path) {
		props := parquet.NewWriterProperties(
			parquet.WithCompression(compress.Codecs.Zstd),
			parquet.WithCreatedBy("occbench"),
			parquet.WithMaxRowGroupLength(BatchRows),
		)
		// pqarrow closes a sink that is an io.Closer; the commit needs it open.
		w.pq, err = pqarrow.NewFileWriter(schema, struct{ io.Writer }{out}, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	} else {
		w.ipc, err = ipc.NewFileWriter(out, ipc.WithSchema(schema), ipc.WithZstd())
	}
	if err != nil {
		out.Abort()
		w.b.release()
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return w, nil
}

// Write appends one example.
func (w *Writer) Write(ex *Example) error {
	if w.closed {
		return fmt.Errorf("write %s: writer closed", w.path)
	}
	if err := w.b.append(ex); err != nil {
		return fmt.Errorf("write %s: %w", w.path, err)
	}
	w.rows++
	if w.b.pending >= BatchRows {
		return w.flush()
	}
	return nil
}

// Rows returns the number of examples written so far.
func (w *Writer) Rows() int { return w.rows }

func (w *Writer) flush() error {
	rec := w.b.flush()
	defer rec.Release()
	var err error
	if w.pq != nil {
		err = w.pq.Write(rec)
	} else {
		err = w.ipc.Write(rec)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", w.path, err)
	}
	return nil
}

// Close writes what is pending and moves the file into place. On error the
// partial file is removed.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	defer w.Abort()
	if w.b.pending > 0 || w.rows == 0 {
		if err := w.flush(); err != nil {
			return err
		}
	}
	var err error
	if w.pq != nil {
		err = w.pq.Close()
	} else {
		err = w.ipc.Close()
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", w.path, err)
	}
	w.closed = true
	w.b.release()
	return w.out.Commit()
}

// Abort discards the file; a no-op after a successful Close.
func (w *Writer) Abort() {
	if w.closed {
		return
	}
	w.closed = true
	w.b.release()
	w.out.Abort()
}

// Reader streams examples from a data set file, one record batch at a time,
// in the Scanner shape: for r.Scan() { r.Example() }; r.Err().
type Reader struct {
	path   string
	f      *os.File
	schema *arrow.Schema
	next   func() (arrow.RecordBatch, error)
	closer func()

	rec  arrow.RecordBatch
	view *batchView
	row  int
	ex   Example
	err  error
	n    int
}

// Open opens an Arrow IPC or Parquet data set file.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r := &Reader{path: path, f: f}
	if IsParquet(path) {
		err = r.openParquet()
	} else {
		err = r.openIPC()
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if v, ok := r.schema.Metadata().GetValue(MetaSchemaVersion); ok && !readableVersions[v] {
		r.Close()
		return nil, fmt.Errorf("%s: schema version %s, this occbench reads versions 1 to %s", path, v, SchemaVersion)
	}
	return r, nil
}

func (r *Reader) openIPC() error {
	fr, err := ipc.NewFileReader(r.f, ipc.WithAllocator(memory.DefaultAllocator))
	if err != nil {
		return fmt.Errorf("not an Arrow IPC file: %w", err)
	}
	r.schema = fr.Schema()
	i := 0
	r.next = func() (arrow.RecordBatch, error) {
		if i >= fr.NumRecords() {
			return nil, io.EOF
		}
		rec, err := fr.RecordBatchAt(i)
		i++
		return rec, err
	}
	r.closer = func() { fr.Close() }
	return nil
}

func (r *Reader) openParquet() error {
	pf, err := file.NewParquetReader(r.f)
	if err != nil {
		return fmt.Errorf("not a Parquet file: %w", err)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: BatchRows}, memory.DefaultAllocator)
	if err != nil {
		pf.Close()
		return err
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		pf.Close()
		return err
	}
	schema := rr.Schema()
	// The schema metadata lives in the Parquet key-value metadata.
	kv := pf.MetaData().KeyValueMetadata()
	var keys, vals []string
	for _, k := range kv.Keys() {
		if strings.HasPrefix(k, "occbench.") {
			keys = append(keys, k)
			vals = append(vals, *kv.FindValue(k))
		}
	}
	md := arrow.NewMetadata(keys, vals)
	r.schema = arrow.NewSchema(schema.Fields(), &md)
	r.next = func() (arrow.RecordBatch, error) {
		rec, err := rr.Read()
		if rec != nil {
			rec.Retain()
		}
		return rec, err
	}
	r.closer = func() { rr.Release(); pf.Close() }
	return nil
}

// Metadata returns the file's schema metadata (schema version, import report…).
func (r *Reader) Metadata() map[string]string {
	md := r.schema.Metadata()
	m := make(map[string]string, md.Len())
	for i, k := range md.Keys() {
		m[k] = md.Values()[i]
	}
	return m
}

// Scan advances to the next example.
func (r *Reader) Scan() bool {
	if r.err != nil {
		return false
	}
	for r.view == nil || r.row >= r.view.numRows {
		if r.rec != nil {
			r.rec.Release()
			r.rec = nil
		}
		rec, err := r.next()
		if errors.Is(err, io.EOF) || (err == nil && rec == nil) {
			return false
		}
		if err != nil {
			r.err = fmt.Errorf("%s: %w", r.path, err)
			return false
		}
		r.rec = rec
		if r.view, r.err = newBatchView(rec); r.err != nil {
			r.err = fmt.Errorf("%s: %w", r.path, r.err)
			return false
		}
		r.row = 0
	}
	// A fresh History slice per example: callers may keep examples.
	r.ex = Example{}
	if err := r.view.example(r.row, &r.ex); err != nil {
		r.err = fmt.Errorf("%s: row %d: %w", r.path, r.n, err)
		return false
	}
	r.row++
	r.n++
	return true
}

// Example returns the current example. It stays valid after the next Scan.
func (r *Reader) Example() *Example {
	ex := r.ex
	return &ex
}

// Err returns the first error met while scanning.
func (r *Reader) Err() error { return r.err }

// Close releases the file.
func (r *Reader) Close() error {
	if r.rec != nil {
		r.rec.Release()
		r.rec = nil
	}
	if r.closer != nil {
		r.closer()
		r.closer = nil
	}
	return r.f.Close()
}

// ReadAll reads every example of a file into memory: for data sets that are
// known to be small, such as a test set.
func ReadAll(path string) ([]*Example, map[string]string, error) {
	return readAll(path, func(ex *Example) *Example { return ex })
}

// ReadTargets reads every example of a file without its history, oracle
// reason and attempts: what scoring needs (the user and the true and
// Bayes-optimal occupations and paths), in a small part of ReadAll's
// memory.
func ReadTargets(path string) ([]*Example, map[string]string, error) {
	return readAll(path, func(ex *Example) *Example {
		return &Example{UserID: ex.UserID, TargetCode: ex.TargetCode, TargetTitle: ex.TargetTitle,
			BayesCode: ex.BayesCode, BayesTitle: ex.BayesTitle, TargetPath: ex.TargetPath, BayesPath: ex.BayesPath}
	})
}

// readAll keeps what keep makes of each example of a file.
func readAll(path string, keep func(*Example) *Example) ([]*Example, map[string]string, error) {
	r, err := Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	var out []*Example
	for r.Scan() {
		out = append(out, keep(r.Example()))
	}
	return out, r.Metadata(), r.Err()
}

// FileSHA256 returns the hex SHA-256 of a file's bytes.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
