package jsonl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/occbench/occbench/internal/fixture"
)

type rec struct {
	ID string `json:"id"`
	N  int    `json:"n"`
}

func readAll(t *testing.T, in string) ([]rec, error) {
	t.Helper()
	var out []rec
	r := NewReader[rec](strings.NewReader(in), "f.jsonl")
	for r.Scan() {
		out = append(out, *r.Record())
	}
	return out, r.Err()
}

func TestReader(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     int    // records read
		err      string // substring of the error, "" for none
	}{
		{"empty", "", 0, ""},
		{"two lines", `{"id":"a"}` + "\n" + `{"id":"b"}` + "\n", 2, ""},
		{"blank lines", "\n" + `{"id":"a"}` + "\n\n  \n" + `{"id":"b"}` + "\n", 2, ""},
		{"crlf", `{"id":"a"}` + "\r\n" + `{"id":"b"}` + "\r\n", 2, ""},
		{"whole last line without newline", `{"id":"a"}` + "\n" + `{"id":"b"}`, 2, ""},
		{"cut last line", `{"id":"a"}` + "\n" + `{"id":"b`, 1, ""},
		{"bad last line with newline", `{"id":"a"}` + "\n" + `{"id":"b` + "\n", 1, "f.jsonl:2:"},
		{"bad middle line", `{"id":"a"}` + "\n" + `nope` + "\n" + `{"id":"c"}` + "\n", 1, "f.jsonl:2:"},
		{"wrong type", `{"id":1}` + "\n", 0, "f.jsonl:1:"},
		{"blank lines counted", "\n\n" + `{"id":` + "\n", 0, "f.jsonl:3:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readAll(t, tc.in)
			if len(got) != tc.want {
				t.Errorf("read %d records, want %d", len(got), tc.want)
			}
			switch {
			case tc.err == "" && err != nil:
				t.Errorf("err = %v", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("err = %v, want one with %q", err, tc.err)
			}
		})
	}
}

func TestReaderCut(t *testing.T) {
	for in, cut := range map[string]bool{
		`{"id":"a"}` + "\n" + `{"id":"b`:   true,
		`{"id":"a"}` + "\n" + `{"id":"b"}`: false,
		`{"id":"a"}` + "\n":                false,
	} {
		r := NewReader[rec](strings.NewReader(in), "f")
		for r.Scan() {
		}
		if r.Cut() != cut || r.Err() != nil {
			t.Errorf("%q: Cut() = %v, err %v; want %v", in, r.Cut(), r.Err(), cut)
		}
	}
}

func TestReaderLongLine(t *testing.T) {
	long := strings.Repeat("x", 200<<10) // longer than the read buffer
	in := fmt.Sprintf("{\"id\":%q}\n{\"id\":\"b\"}\n", long)
	got, err := readAll(t, in)
	if err != nil || len(got) != 2 || got[0].ID != long || got[1].ID != "b" {
		t.Fatalf("got %d records, err %v", len(got), err)
	}
}

func TestReaderResetsRecord(t *testing.T) {
	r := NewReader[rec](strings.NewReader(`{"id":"a","n":3}`+"\n"+`{"id":"b"}`+"\n"), "f")
	r.Scan()
	r.Scan()
	if got := *r.Record(); got != (rec{ID: "b"}) {
		t.Errorf("second record = %+v: a field of the first leaked into it", got)
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	var n int
	if err := ReadFile(filepath.Join(dir, "missing.jsonl"), func(*rec) error { n++; return nil }); err != nil || n != 0 {
		t.Fatalf("missing file: n=%d err=%v", n, err)
	}
	path := filepath.Join(dir, "f.jsonl")
	fixture.Write(t, path, `{"id":"a"}`+"\n"+`{"id":""}`+"\n")
	err := ReadFile(path, func(r *rec) error {
		if r.ID == "" {
			return fmt.Errorf("field \"id\": missing")
		}
		return nil
	})
	if want := path + `:2: field "id": missing`; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}

func TestAppendCutsPartialLine(t *testing.T) {
	for _, tc := range []struct{ name, before, want string }{
		{"new file", "", ""},
		{"whole lines", "{\"id\":\"a\"}\n", "{\"id\":\"a\"}\n"},
		{"cut line", "{\"id\":\"a\"}\n{\"id\":\"b", "{\"id\":\"a\"}\n"},
		{"only a cut line", "{\"id\":\"b", ""},
		{"cut line longer than a chunk", "{\"id\":\"a\"}\n" + strings.Repeat("y", 100<<10), "{\"id\":\"a\"}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f.jsonl")
			if tc.before != "" {
				fixture.Write(t, path, tc.before)
			}
			a, err := Append(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := a.Write(rec{ID: "<c>&"}); err != nil {
				t.Fatal(err)
			}
			if err := a.Close(); err != nil {
				t.Fatal(err)
			}
			if err := a.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
			if err := a.Write(rec{}); err == nil {
				t.Error("Write after Close succeeded")
			}
			got, _ := os.ReadFile(path)
			if want := tc.want + `{"id":"<c>&","n":0}` + "\n"; string(got) != want {
				t.Errorf("file = %q, want %q", got, want)
			}
		})
	}
}

func TestAppendConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.jsonl")
	a, err := Append(path)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				if err := a.Write(rec{ID: fmt.Sprint(w), N: i}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := ReadFile(path, func(*rec) error { n++; return nil }); err != nil || n != 800 {
		t.Errorf("read %d records back, err %v", n, err)
	}
}

func TestWriteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "f.jsonl")
	if err := WriteFile(path, []rec{{"a", 1}, {"b&", 2}}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if want := "{\"id\":\"a\",\"n\":1}\n{\"id\":\"b&\",\"n\":2}\n"; string(got) != want {
		t.Errorf("file = %q, want %q", got, want)
	}
}

// FuzzReader checks that any input reads without a panic, that every
// record read is a line that decodes, and that the only undecodable line
// passed over without an error is a last line without its newline.
func FuzzReader(f *testing.F) {
	f.Add([]byte("{\"id\":\"a\"}\n{\"id\":\"b"))
	f.Add([]byte("\n\n{\"id\":\"a\",\"n\":2}\r\n"))
	f.Add([]byte("{}\nnull\n[1]\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		r := NewReader[rec](bytes.NewReader(in), "f")
		n := 0
		for r.Scan() {
			n++
		}
		lines := bytes.Split(in, []byte("\n"))
		decodable := 0
		for i, l := range lines {
			l = bytes.TrimSpace(l)
			if len(l) == 0 {
				continue
			}
			var v rec
			if json.Unmarshal(l, &v) != nil {
				if r.Err() == nil && i != len(lines)-1 {
					t.Fatalf("line %d does not decode, yet no error", i+1)
				}
				break
			}
			decodable++
		}
		if r.Err() == nil && n != decodable {
			t.Fatalf("read %d records, %d lines decode", n, decodable)
		}
	})
}
