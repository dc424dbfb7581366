package bench

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
)

// The temporary files of an import hold users (a run of the external sort)
// or examples (those that survived the preprocessing) in a compact binary
// encoding: lengths and counts as uvarints, numbers as varints, floats as
// their 8 bytes when not zero. Strings repeat (codes, occupation titles,
// methods, industries), so a file numbers the short ones as they first
// appear and then writes their number. Only this package writes and reads
// the files, within one import, so the encoding carries no version.

// Bounds of the string table: short strings, and not too many of them, as
// up to maxFanIn readers are open at once.
const (
	tableMaxLen = 64
	tableMax    = 4096
)

// spillWriter writes one temporary file.
type spillWriter struct {
	path  string
	f     *os.File
	w     *bufio.Writer
	buf   []byte
	table map[string]uint64 // string → its number
}

func createSpill(dir, pattern string) (*spillWriter, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	return &spillWriter{path: f.Name(), f: f, w: bufio.NewWriterSize(f, 256<<10), table: map[string]uint64{}}, nil
}

// user writes a user's records, with what the JSONL format noted.
func (w *spillWriter) user(u *rawUser) error {
	b := w.str(w.buf[:0], u.id)
	b = binary.AppendUvarint(b, uint64(u.lines))
	b = appendBool(b, u.empty)
	return w.records(b, u.records)
}

// example writes the fields of an example that an import fills, and the
// set it goes to.
func (w *spillWriter) example(ex *Example, set exampleSet) error {
	b := w.str(w.buf[:0], ex.UserID)
	b = append(b, byte(set))
	b = w.str(b, ex.TargetCode)
	b = w.str(b, ex.TargetTitle)
	b = w.appendRecords(b, ex.TargetPath)
	return w.records(b, ex.History)
}

func (w *spillWriter) appendRecords(b []byte, rs []Record) []byte {
	b = binary.AppendUvarint(b, uint64(len(rs)))
	for i := range rs {
		b = w.record(b, &rs[i])
	}
	return b
}

func (w *spillWriter) records(b []byte, rs []Record) error {
	b = w.appendRecords(b, rs)
	w.buf = b
	if _, err := w.w.Write(b); err != nil {
		return fmt.Errorf("import: temporary file: %w", err)
	}
	return nil
}

// str appends a string: 2n for a new one of n bytes, followed by them, or
// 2k+1 for the string numbered k.
func (w *spillWriter) str(b []byte, s string) []byte {
	if k, ok := w.table[s]; ok {
		return binary.AppendUvarint(b, k<<1|1)
	}
	if len(s) > 0 && len(s) <= tableMaxLen && len(w.table) < tableMax {
		w.table[s] = uint64(len(w.table))
	}
	b = binary.AppendUvarint(b, uint64(len(s))<<1)
	return append(b, s...)
}

func (w *spillWriter) close() error {
	err := w.w.Flush()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("import: temporary file: %w", err)
	}
	return nil
}

// abort closes the file after a failure; the import's temporary directory
// goes with it.
func (w *spillWriter) abort() { w.f.Close() }

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// Bits of a record's flags byte: which dates and floats it holds.
const (
	spillStart = 1 << iota
	spillEnd
	spillSalary
	spillScore
)

func (w *spillWriter) record(b []byte, r *Record) []byte {
	// Bits, not values, are compared so that -0 is kept.
	salary, score := math.Float64bits(r.Salary), math.Float64bits(r.CodeScore)
	var flags byte
	if r.Start.Valid() {
		flags |= spillStart
	}
	if r.End.Valid() {
		flags |= spillEnd
	}
	if salary != 0 {
		flags |= spillSalary
	}
	if score != 0 {
		flags |= spillScore
	}
	b = append(b, byte(r.Kind), flags)
	if r.Start.Valid() {
		b = binary.AppendVarint(b, int64(r.Start.Days()))
	}
	if r.End.Valid() {
		b = binary.AppendVarint(b, int64(r.End.Days()))
	}
	b = binary.AppendVarint(b, int64(r.GradYear))
	for _, s := range [...]string{r.School, r.Degree, r.Major, r.Title, r.Code, r.Occupation, r.Industry, r.CodeMethod, r.SourceCode} {
		b = w.str(b, s)
	}
	if salary != 0 {
		b = binary.LittleEndian.AppendUint64(b, salary)
	}
	if score != 0 {
		b = binary.LittleEndian.AppendUint64(b, score)
	}
	return b
}

// spillReader reads one temporary file. Its first error sticks: the
// field readers return zero values after it, and the caller checks err
// once per user or example.
type spillReader struct {
	path    string
	f       *os.File
	r       *bufio.Reader
	err     error
	scratch []byte
	table   []string // the strings numbered so far
}

func openSpill(path string) (*spillReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	return &spillReader{path: path, f: f, r: bufio.NewReaderSize(f, 64<<10)}, nil
}

func (r *spillReader) close() { r.f.Close() }

// next reads the next user of a run; nil at the end.
func (r *spillReader) next() (*rawUser, error) {
	if r.atEnd() {
		return nil, r.err
	}
	u := &rawUser{id: r.str()}
	u.lines = int(r.uvarint())
	u.empty = r.byte() != 0
	u.records = r.records(nil)
	return u, r.failed()
}

// example reads the next example and its set; nil at the end.
func (r *spillReader) example() (*Example, exampleSet, error) {
	if r.atEnd() {
		return nil, 0, r.err
	}
	ex := &Example{UserID: r.str()}
	set := exampleSet(r.byte())
	ex.TargetCode, ex.TargetTitle = r.str(), r.str()
	ex.TargetPath = r.records(nil)
	ex.History = r.records(nil)
	return ex, set, r.failed()
}

// atEnd reports whether the file ends before the next item.
func (r *spillReader) atEnd() bool {
	if r.err != nil {
		return true
	}
	if _, err := r.r.Peek(1); err != nil {
		if !errors.Is(err, io.EOF) {
			r.err = fmt.Errorf("import: temporary file %s: %w", r.path, err)
		}
		return true
	}
	return false
}

// failed returns the sticky error, an end of file being unexpected inside
// an item.
func (r *spillReader) failed() error {
	if errors.Is(r.err, io.EOF) {
		r.err = io.ErrUnexpectedEOF
	}
	if r.err != nil {
		return fmt.Errorf("import: temporary file %s: %w", r.path, r.err)
	}
	return nil
}

func (r *spillReader) records(rs []Record) []Record {
	n := r.uvarint()
	rs = slices.Grow(rs, int(min(n, 64))) // a career, not whatever a broken file says
	for range n {
		if r.err != nil {
			break
		}
		rs = append(rs, r.record())
	}
	return rs
}

func (r *spillReader) record() Record {
	rec := Record{Kind: Kind(r.byte())}
	flags := r.byte()
	if flags&spillStart != 0 {
		rec.Start = DateFromDays(int32(r.varint()))
	}
	if flags&spillEnd != 0 {
		rec.End = DateFromDays(int32(r.varint()))
	}
	rec.GradYear = int(r.varint())
	for _, p := range [...]*string{&rec.School, &rec.Degree, &rec.Major, &rec.Title, &rec.Code, &rec.Occupation, &rec.Industry, &rec.CodeMethod, &rec.SourceCode} {
		*p = r.str()
	}
	if flags&spillSalary != 0 {
		rec.Salary = r.float()
	}
	if flags&spillScore != 0 {
		rec.CodeScore = r.float()
	}
	return rec
}

// get reads a value with read, unless an error came first.
func get[T any](r *spillReader, read func(io.ByteReader) (T, error)) T {
	var v T
	if r.err == nil {
		v, r.err = read(r.r)
	}
	return v
}

func (r *spillReader) byte() byte      { return get(r, io.ByteReader.ReadByte) }
func (r *spillReader) uvarint() uint64 { return get(r, binary.ReadUvarint) }
func (r *spillReader) varint() int64   { return get(r, binary.ReadVarint) }

func (r *spillReader) float() float64 {
	if r.err != nil {
		return 0
	}
	b, err := r.r.Peek(8)
	if err != nil {
		r.err = err
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(b))
	r.r.Discard(8)
	return v
}

func (r *spillReader) str() string {
	tag := r.uvarint()
	if r.err != nil {
		return ""
	}
	if tag&1 == 1 {
		if tag>>1 >= uint64(len(r.table)) {
			r.err = fmt.Errorf("string number %d of %d", tag>>1, len(r.table))
			return ""
		}
		return r.table[tag>>1]
	}
	n := tag >> 1
	if n == 0 {
		return ""
	}
	if n > math.MaxInt32 {
		r.err = fmt.Errorf("string of %d bytes", n)
		return ""
	}
	if uint64(cap(r.scratch)) < n {
		r.scratch = make([]byte, n)
	}
	b := r.scratch[:n]
	if _, err := io.ReadFull(r.r, b); err != nil {
		r.err = err
		return ""
	}
	s := string(b)
	if len(s) <= tableMaxLen && len(r.table) < tableMax {
		r.table = append(r.table, s)
	}
	return s
}
