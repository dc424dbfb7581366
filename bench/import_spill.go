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
// their 8 bytes. Only this package writes and reads them, within one
// import, so the encoding carries no version.

// spillWriter writes one temporary file.
type spillWriter struct {
	path string
	f    *os.File
	w    *bufio.Writer
	buf  []byte
}

func createSpill(dir, pattern string) (*spillWriter, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	return &spillWriter{path: f.Name(), f: f, w: bufio.NewWriterSize(f, 256<<10)}, nil
}

// user writes a user's records, with what the JSONL format noted.
func (w *spillWriter) user(u *rawUser) error {
	b := appendString(w.buf[:0], u.id)
	b = binary.AppendUvarint(b, uint64(u.lines))
	b = appendBool(b, u.empty)
	return w.records(b, u.records)
}

// example writes the fields of an example that an import fills.
func (w *spillWriter) example(ex *Example) error {
	b := appendString(w.buf[:0], ex.UserID)
	b = appendString(b, ex.TargetCode)
	b = appendString(b, ex.TargetTitle)
	return w.records(b, ex.History)
}

func (w *spillWriter) records(b []byte, rs []Record) error {
	b = binary.AppendUvarint(b, uint64(len(rs)))
	for i := range rs {
		b = appendRecord(b, &rs[i])
	}
	w.buf = b
	if _, err := w.w.Write(b); err != nil {
		return fmt.Errorf("import: temporary file: %w", err)
	}
	return nil
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

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// Bits of a record's flags byte: which dates are present.
const (
	spillStart = 1 << iota
	spillEnd
)

func appendRecord(b []byte, r *Record) []byte {
	var flags byte
	if r.Start.Valid() {
		flags |= spillStart
	}
	if r.End.Valid() {
		flags |= spillEnd
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
		b = appendString(b, s)
	}
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(r.Salary))
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(r.CodeScore))
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
	// interned keeps one copy of the short strings that repeat (codes,
	// occupation titles, methods), so reading them back allocates little.
	interned map[string]string
}

// Bounds of the interning: short strings, and not too many of them, as
// up to maxFanIn readers are open at once.
const (
	internMaxLen = 64
	internMax    = 4096
)

func openSpill(path string) (*spillReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	return &spillReader{path: path, f: f, r: bufio.NewReaderSize(f, 64<<10), interned: map[string]string{}}, nil
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

// example reads the next example; nil at the end.
func (r *spillReader) example() (*Example, error) {
	if r.atEnd() {
		return nil, r.err
	}
	ex := &Example{UserID: r.str(), TargetCode: r.str(), TargetTitle: r.str()}
	ex.History = r.records(nil)
	return ex, r.failed()
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
	rec.Salary, rec.CodeScore = r.float(), r.float()
	return rec
}

func (r *spillReader) byte() byte {
	if r.err != nil {
		return 0
	}
	b, err := r.r.ReadByte()
	r.err = err
	return b
}

func (r *spillReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, err := binary.ReadUvarint(r.r)
	r.err = err
	return v
}

func (r *spillReader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, err := binary.ReadVarint(r.r)
	r.err = err
	return v
}

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
	n := r.uvarint()
	if n == 0 || r.err != nil {
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
	if s, ok := r.interned[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(s) <= internMaxLen && len(r.interned) < internMax {
		r.interned[s] = s
	}
	return s
}
