package onet

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// copyFS returns the embedded files as a MapFS whose entries tests can replace.
func copyFS(t testing.TB) fstest.MapFS {
	m := fstest.MapFS{}
	err := fs.WalkDir(embedded, "data", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(embedded, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func TestLoadCopyMatchesDefault(t *testing.T) {
	tx, err := Load(copyFS(t))
	if err != nil {
		t.Fatal(err)
	}
	if tx.Len() != Default().Len() || tx.Related("15-1252.00")[0] != Default().Related("15-1252.00")[0] {
		t.Error("Load of a copy differs from Default")
	}
}

func TestLoadErrors(t *testing.T) {
	occHead := "code\ttitle\tjob_zone\tdescription\n"
	relHead := "code\trelated_code\ttier\tindex\n"
	tests := []struct {
		name, file, data, want string
	}{
		{"missing file", fileRelated, "", "file does not exist"},
		{"not gzip", fileOccupations, "plain", "gunzip"},
		{"bad header", fileOccupations, "code\tname\tjob_zone\tdescription\n", `column 2 is "name", want "title"`},
		{"short row", fileOccupations, occHead + "15-1252.00\tSoftware Developers\t4\n", "occupations.tsv.gz:2: want 4 tab-separated fields"},
		{"long row", fileOccupations, occHead + "15-1252.00\tSoftware Developers\t4\td\textra\n", "occupations.tsv.gz:2: want 4"},
		{"bad code", fileOccupations, occHead + "15-1252\tSoftware Developers\t4\td\n", `invalid code "15-1252"`},
		{"bad zone", fileOccupations, occHead + "15-1252.00\tSoftware Developers\t6\td\n", `job zone "6"`},
		{"duplicate", fileOccupations, occHead + "15-1252.00\tA\t4\td\n15-1252.00\tB\t4\td\n", "duplicate code"},
		{"unordered", fileOccupations, occHead + "15-1252.00\tA\t4\td\n15-1251.00\tB\t4\td\n", "out of order"},
		{"unknown related", fileRelated, relHead + "15-1252.00\t99-9999.00\tPrimary-Short\t1\n", `unknown occupation code "99-9999.00"`},
		{"index gap", fileRelated, relHead + "15-1252.00\t15-1251.00\tPrimary-Short\t2\n", `index "2", want 1`},
		{"bad tier", fileRelated, relHead + "15-1252.00\t15-1251.00\tPrimary\t1\n", `unknown tier "Primary"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := copyFS(t)
			switch {
			case tc.data == "":
				delete(m, tc.file)
			case tc.data == "plain":
				m[tc.file] = &fstest.MapFile{Data: []byte("code\n")}
			default:
				m[tc.file] = &fstest.MapFile{Data: gz(tc.data)}
			}
			_, err := Load(m)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(embedded); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFirstNormalize is the cost of a fresh taxonomy's first Normalize:
// loading plus building the folded title and alias index.
func BenchmarkFirstNormalize(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		tx, err := Load(embedded)
		if err != nil {
			b.Fatal(err)
		}
		tx.Normalize("Software Engineer")
	}
}
