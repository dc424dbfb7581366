// Package jsonl reads and writes JSON Lines files: the per-sample records
// occbench keeps as a run goes (predictions, oracle attempts, judge
// verdicts). It imports nothing of occbench but safefile.
//
// One rule covers a file cut short. A record is appended as a single write
// of a whole line, so a process killed mid-write can leave only a last line
// without its newline. Reader skips such a line when it does not decode,
// and Append cuts it off before appending. Any other line that does not
// decode is an error that names the file and the line.
package jsonl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/occbench/occbench/internal/safefile"
)

// MaxLine bounds one line, so that a file without newlines cannot take all
// memory.
const MaxLine = 64 << 20

// Reader reads records of type T, one per line; blank lines are skipped.
type Reader[T any] struct {
	br   *bufio.Reader
	name string
	line int
	buf  []byte
	rec  T
	err  error
	cut  bool
}

// NewReader reads records from r; name is used in errors.
func NewReader[T any](r io.Reader, name string) *Reader[T] {
	return &Reader[T]{br: bufio.NewReaderSize(r, 64<<10), name: name}
}

// Scan decodes the next record. It returns false at the end of the input,
// at a last line cut short, or on an error (see Err).
func (r *Reader[T]) Scan() bool {
	for r.err == nil {
		b, err := r.readLine()
		if err != nil && err != io.EOF {
			r.err = fmt.Errorf("%s: %w", r.name, err)
			return false
		}
		if len(b) == 0 {
			return false // end of input
		}
		r.line++
		whole := b[len(b)-1] == '\n'
		if b = bytes.TrimSpace(b); len(b) == 0 {
			continue
		}
		var zero T
		r.rec = zero
		if jerr := json.Unmarshal(b, &r.rec); jerr != nil {
			if !whole {
				r.cut = true // a write cut short
				return false
			}
			r.err = fmt.Errorf("%s:%d: %w", r.name, r.line, jerr)
			return false
		}
		return true
	}
	return false
}

// readLine is the next line with its newline, if it has one.
func (r *Reader[T]) readLine() ([]byte, error) {
	b, err := r.br.ReadSlice('\n')
	if !errors.Is(err, bufio.ErrBufferFull) {
		return b, err
	}
	r.buf = append(r.buf[:0], b...)
	for errors.Is(err, bufio.ErrBufferFull) {
		if len(r.buf) > MaxLine {
			return nil, fmt.Errorf("line %d: longer than %d bytes", r.line+1, MaxLine)
		}
		b, err = r.br.ReadSlice('\n')
		r.buf = append(r.buf, b...)
	}
	return r.buf, err
}

// Record is the record Scan decoded; it is overwritten by the next Scan.
func (r *Reader[T]) Record() *T { return &r.rec }

// Cut reports that the input ended in a line cut short, which Scan
// skipped. A reader of a file occbench did not write may call it an error.
func (r *Reader[T]) Cut() bool { return r.cut }

// Line is the line number of the current record.
func (r *Reader[T]) Line() int { return r.line }

// Err is the first error met, nil at a clean end.
func (r *Reader[T]) Err() error { return r.err }

// ReadFile calls fn on every record of the file at path, in order; a
// missing file has none. An error from fn stops the read and comes back
// with the file and line.
func ReadFile[T any](path string, fn func(*T) error) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	r := NewReader[T](f, path)
	for r.Scan() {
		if err := fn(r.Record()); err != nil {
			return fmt.Errorf("%s:%d: %w", path, r.Line(), err)
		}
	}
	return r.Err()
}

// Appender appends records to a JSONL file, each as one write, so that a
// process killed at any moment keeps every record it finished. It is safe
// for concurrent use.
type Appender struct {
	mu   sync.Mutex
	f    *os.File
	path string
	buf  bytes.Buffer
	enc  *json.Encoder
}

// Append opens path for appending, creating it if needed, and first cuts
// off a last line left without its newline.
func Append(path string) (*Appender, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := cutPartialLine(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	a := &Appender{f: f, path: path}
	a.enc = newEncoder(&a.buf)
	return a, nil
}

// cutPartialLine truncates f after its last newline, reading backwards
// from the end, and leaves the offset at the end.
func cutPartialLine(f *os.File) error {
	end, err := f.Seek(0, io.SeekEnd)
	if err != nil || end == 0 {
		return err
	}
	const chunk = 64 << 10
	buf := make([]byte, chunk)
	keep := int64(0)
	for pos := end; pos > 0; {
		n := min(int64(chunk), pos)
		pos -= n
		if _, err := f.ReadAt(buf[:n], pos); err != nil {
			return err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			keep = pos + int64(i) + 1
			break
		}
	}
	if keep == end {
		return nil
	}
	if err := f.Truncate(keep); err != nil {
		return err
	}
	_, err = f.Seek(keep, io.SeekStart)
	return err
}

// Write appends v as one line.
func (a *Appender) Write(v any) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.f == nil {
		return fmt.Errorf("%s: write after close", a.path)
	}
	a.buf.Reset()
	if err := a.enc.Encode(v); err != nil {
		return fmt.Errorf("%s: %w", a.path, err)
	}
	if _, err := a.f.Write(a.buf.Bytes()); err != nil {
		return fmt.Errorf("%s: %w", a.path, err)
	}
	return nil
}

// Close syncs and closes the file. Closing twice is not an error, so Close
// can be deferred and also called to check its result.
func (a *Appender) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.f == nil {
		return nil
	}
	f := a.f
	a.f = nil
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", a.path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("%s: %w", a.path, err)
	}
	return nil
}

// WriteFile replaces the file at path with one line per value, atomically.
func WriteFile[T any](path string, vals []T) error {
	return safefile.Write(path, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		enc := newEncoder(bw)
		for i := range vals {
			if err := enc.Encode(&vals[i]); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
		}
		return bw.Flush()
	})
}

// newEncoder leaves <, > and & as they are: the files are read by people
// and programs, not embedded in HTML.
func newEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}
