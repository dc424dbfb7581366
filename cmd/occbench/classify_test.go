package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occbench/occbench/internal/fixture"
)

// The JSON Lines of classify, for text lines and for JSON Lines input.
func TestClassifyCommand(t *testing.T) {
	out, _, err := runCLI(t, "classify", "--input", "testdata/classify_in.txt", "--top", "3")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "classify_out.jsonl", out)
	in, err := os.ReadFile("testdata/classify_in.txt")
	if err != nil {
		t.Fatal(err)
	}
	var jl strings.Builder
	for _, l := range strings.Split(strings.TrimSuffix(string(in), "\n"), "\n") {
		if l == "" {
			jl.WriteString("\n")
			continue
		}
		jl.WriteString(`{"text": "` + l + `", "id": 1}` + "\n")
	}
	path := filepath.Join(t.TempDir(), "in.jsonl")
	fixture.Write(t, path, jl.String())
	dst := filepath.Join(t.TempDir(), "out.jsonl")
	if _, _, err := runCLI(t, "classify", "--input", path, "--top", "3", "-o", dst); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != out {
		t.Errorf("JSON Lines input gave other output:\n%s", lineDiff(out, string(got)))
	}
}

func TestClassifyEvalCommand(t *testing.T) {
	out, _, err := runCLI(t, "classify", "--eval", "../../testdata/classify/titles_dev.tsv")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "classify_eval.txt", out)
	js, _, err := runCLI(t, "classify", "--eval", "../../testdata/classify/titles_dev.tsv", "--format", "json")
	if err != nil || !strings.Contains(js, `"accuracy_at_1": 0.9`) || !strings.Contains(js, `"by_method"`) {
		t.Errorf("json: %v\n%.300s", err, js)
	}
}

func TestClassifyErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jsonl")
	fixture.Write(t, bad, "{\"text\": \"RN\"}\n{\"txt\": \"LPN\"}\n")
	two := filepath.Join(dir, "two.jsonl")
	fixture.Write(t, two, "{\"text\": \"RN\"}{\"text\": \"LPN\"}\n")
	notUTF8 := filepath.Join(dir, "bad.txt")
	fixture.Write(t, notUTF8, "RN\nnurse \xff\n")
	out := filepath.Join(dir, "out.jsonl")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"classify"}, "give --input FILE"},
		{[]string{"classify", "--input", "-", "--eval", "x"}, "give --input FILE"},
		{[]string{"classify", "--input", "-", "--top", "0"}, "--top 0: want 1 or more"},
		{[]string{"classify", "--input", "-", "--min-score", "2"}, "--min-score 2: want 0 to 1"},
		{[]string{"classify", "--input", bad, "-o", out}, bad + `:2: no "text" field`},
		{[]string{"classify", "--input", two, "-o", out}, two + ":1: more than one JSON value"},
		{[]string{"classify", "--input", notUTF8, "-o", out}, notUTF8 + ":2: the line is not UTF-8 text"},
		{[]string{"classify", "--input", filepath.Join(dir, "missing.txt")}, "no such file"},
		{[]string{"classify", "--eval", bad}, bad + `:1: field "codes": empty`},
	} {
		if _, _, err := runCLI(t, tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want %q", tc.args, err, tc.want)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed classify left %s (stat: %v)", out, err)
	}
}
