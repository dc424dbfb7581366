package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestScoreGolden(t *testing.T) {
	for _, c := range []struct {
		golden string
		args   []string
	}{
		{"score_default.json", nil},
		{"score_stem_floor_m1_ws.json", []string{"--stem", "--smooth", "floor", "--nltk-smoothing", "method1", "--nltk-tokenize", "whitespace"}},
		{"score_addk_m4_lc.json", []string{"--smooth", "add-k", "--nltk-smoothing", "method4", "--lowercase"}},
		{"score_default.table", []string{"--format", "table"}},
	} {
		t.Run(c.golden, func(t *testing.T) {
			args := append([]string{"score", "--input", "testdata/score_pairs.jsonl"}, c.args...)
			stdout, _, err := runCLI(t, args...)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, c.golden, stdout)
		})
	}
}

// TestScoreJSONShape checks the documented keys, their order, the item
// order and that the output is one valid JSON document.
func TestScoreJSONShape(t *testing.T) {
	stdout, _, err := runCLI(t, "score", "--input", "testdata/score_pairs.jsonl", "--stem")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	order := func(s string, keys ...string) {
		t.Helper()
		at := 0
		for _, k := range keys {
			i := strings.Index(s[at:], `"`+k+`":`)
			if i < 0 {
				t.Errorf("key %q missing or out of order in %.80s…", k, s)
				return
			}
			at += i + 1
		}
	}
	order(stdout, "signature", "sacrebleu", "nltk", "rouge", "corpus", "sacrebleu", "nltk_bleu", "rouge", "items")
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	item := lines[1]
	order(item, "id", "sacrebleu", "score", "counts", "totals", "precisions", "bp", "sys_len", "ref_len",
		"nltk_bleu", "rouge", "rouge1", "precision", "recall", "fmeasure", "rouge2", "rougeL", "rougeLsum")
	items := doc["items"].([]any)
	var ids []string
	for _, it := range items {
		ids = append(ids, it.(map[string]any)["id"].(string))
	}
	if want := []string{"u1", "u2", "u3", "u4", "u5", "6", "u7"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("ids %v, want input order %v", ids, want)
	}
	// Corpus ROUGE is the mean over items.
	var sum float64
	for _, it := range items {
		sum += it.(map[string]any)["rouge"].(map[string]any)["rougeL"].(map[string]any)["fmeasure"].(float64)
	}
	mean := doc["corpus"].(map[string]any)["rouge"].(map[string]any)["rougeL"].(map[string]any)["fmeasure"].(float64)
	if math.Abs(mean-sum/float64(len(items))) > 1e-15 {
		t.Errorf("corpus rougeL F %g, mean of items %g", mean, sum/float64(len(items)))
	}
}

func TestScoreStdin(t *testing.T) {
	root := newRootCmd(new(bytes.Buffer), new(bytes.Buffer))
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetIn(strings.NewReader(`{"id": "a", "hypothesis": "x y", "reference": "x y"}` + "\n{oops\n"))
	root.SetArgs([]string{"score", "--input", "-"})
	if err := root.Execute(); err == nil || !strings.HasPrefix(err.Error(), "stdin:2: invalid JSON") {
		t.Fatalf("err = %v", err)
	}
	root.SetIn(strings.NewReader(`{"id": "a", "hypothesis": "x y", "reference": "x y"}`))
	if err := root.Execute(); err != nil || !strings.Contains(out.String(), `"score":100`) {
		t.Fatalf("%v: %s", err, out.String())
	}
}

func TestScoreNullForNonFinite(t *testing.T) {
	// NLTK's method6 raises for pairs without a trigram match: null, and a
	// warning on stderr.
	stdout, stderr, err := runCLI(t, "score", "--input", "testdata/score_pairs.jsonl", "--nltk-smoothing", "method6")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, `"nltk_bleu":null`) {
		t.Error("no null nltk_bleu")
	}
	if !strings.Contains(stderr, "warning: nltk_bleu undefined") {
		t.Errorf("stderr = %q", stderr)
	}
}

func TestScoreErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	notJSON := write("notjson.jsonl", `{"id": "a", "hypothesis": "h", "reference": "r"}`+"\n{oops\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"score", "--input", "testdata/score_bad.jsonl"}, `testdata/score_bad.jsonl:3: field "reference": missing`},
		{[]string{"score", "--input", notJSON}, notJSON + ":2: invalid JSON"},
		{[]string{"score", "--input", filepath.Join(dir, "absent.jsonl")}, "no such file"},
		{[]string{"score"}, `required flag(s) "input" not set`},
		{[]string{"score", "--input", "testdata/score_pairs.jsonl", "--smooth", "exp2"}, `sacrebleu smoothing "exp2"`},
		{[]string{"score", "--input", "testdata/score_pairs.jsonl", "--nltk-smoothing", "method9"}, `nltk smoothing "method9"`},
		{[]string{"score", "--input", "testdata/score_pairs.jsonl", "--nltk-tokenize", "moses"}, `nltk tokenizer "moses"`},
		{[]string{"score", "--input", "testdata/score_pairs.jsonl", "--format", "csv"}, `--format "csv"`},
	} {
		stdout, _, err := runCLI(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want it to contain %q", c.args, err, c.want)
		}
		if stdout != "" {
			t.Errorf("%v: wrote %q to stdout on error", c.args, stdout)
		}
	}
}

func TestStatsMcNemar(t *testing.T) {
	for _, c := range []struct {
		golden string
		args   []string
	}{
		// statsmodels' test table [[23, 15], [19, 31]] in a family of 3.
		{"mcnemar_15_19_m3.json", []string{"--b", "15", "--c", "19", "--m", "3"}},
		// b = c = 0: the uncorrected statistic is 0/0, the corrected 1/0.
		{"mcnemar_0_0.json", []string{"--b", "0", "--c", "0"}},
		{"mcnemar_121_59.json", []string{"--b", "121", "--c", "59", "--m", "14"}},
	} {
		stdout, stderr, err := runCLI(t, append([]string{"stats", "mcnemar"}, c.args...)...)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, c.golden, stdout)
		if c.golden == "mcnemar_0_0.json" && !strings.Contains(stderr, "b+c=0") {
			t.Errorf("no warning for b+c=0: %q", stderr)
		}
	}
	stdout, _, _ := runCLI(t, "stats", "mcnemar", "--b", "15", "--c", "19", "--m", "3")
	var doc struct {
		B, C, M int
		Exact   struct{ Statistic, P, PAdjusted *float64 } `json:"exact"`
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(stdout)))
	if err := dec.Decode(&doc); err != nil || doc.B != 15 || doc.C != 19 || doc.M != 3 {
		t.Fatalf("%v %+v", err, doc)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"stats", "mcnemar", "--b", "-1", "--c", "3"}, "counts must be non-negative"},
		{[]string{"stats", "mcnemar", "--b", "1", "--c", "3", "--m", "0"}, "at least 1"},
		{[]string{"stats", "mcnemar", "--b", "x", "--c", "3"}, `invalid argument "x"`},
		{[]string{"stats", "mcnemar", "--c", "3"}, `required flag(s) "b" not set`},
	} {
		if _, _, err := runCLI(t, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want %q", c.args, err, c.want)
		}
	}
}

// BenchmarkScoreCLI10k runs `occbench score --stem` in-process on 10,000
// reason-length pairs (25–250 words), input parsing and JSON output
// included; the target for this path is under a second.
func BenchmarkScoreCLI10k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "pairs.jsonl")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(42, 1))
	vocab := make([]string, 3000)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%x", r.Uint32()%1_000_000)
	}
	zipf := rand.NewZipf(r, 1.1, 2, uint64(len(vocab)-1))
	enc := json.NewEncoder(f)
	for i := range 10000 {
		ref := make([]string, 25+r.IntN(226))
		for k := range ref {
			ref[k] = vocab[zipf.Uint64()]
			if r.IntN(10) == 0 {
				ref[k] += ","
			}
		}
		hyp := append([]string(nil), ref...)
		for k := range hyp {
			if r.IntN(5) == 0 {
				hyp[k] = vocab[zipf.Uint64()]
			}
		}
		if err := enc.Encode(map[string]string{"id": fmt.Sprint(i), "hypothesis": strings.Join(hyp, " "), "reference": strings.Join(ref, " ")}); err != nil {
			b.Fatal(err)
		}
	}
	f.Close()
	b.ResetTimer()
	for range b.N {
		if err := run(b.Context(), io.Discard, io.Discard, []string{"score", "--input", path, "--stem"}); err != nil {
			b.Fatal(err)
		}
	}
}
