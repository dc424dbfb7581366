package metrics

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParsePairs(t *testing.T) {
	for _, c := range []struct {
		name, in, err string
		n             int
	}{
		{"ok", `{"id": "a", "hypothesis": "h", "reference": "r"}` + "\n", "", 1},
		{"no trailing newline", `{"id": "a", "hypothesis": "h", "reference": "r"}`, "", 1},
		{"blank lines and CRLF", "\n" + `{"id": 7, "hypothesis": "", "reference": "r", "extra": [1]}` + "\r\n\n", "", 1},
		{"not JSON", `{"id": "a"}` + "\n" + `{"id": "b", "hypothesis": "h", "reference": "r"}` + "\nnope\n", `p.jsonl:1: field "hypothesis": missing`, 0},
		{"not JSON first", "nope\n", "p.jsonl:1: want a JSON object", 0},
		{"truncated", `{"id": "a", "hypothesis": "h"`, "p.jsonl:1: invalid JSON", 0},
		{"missing reference", `{"id": "a", "hypothesis": "h", "reference": "r"}` + "\n\n" + `{"id": "b", "hypothesis": "h"}`, `p.jsonl:3: field "reference": missing`, 0},
		{"null reference", `{"id": "a", "hypothesis": "h", "reference": null}`, `p.jsonl:1: field "reference": missing`, 0},
		{"missing id", `{"hypothesis": "h", "reference": "r"}`, `p.jsonl:1: field "id": missing`, 0},
		{"number hypothesis", `{"id": "a", "hypothesis": 3, "reference": "r"}`, `p.jsonl:1: field "hypothesis": want a string, got number`, 0},
		{"object id", `{"id": {}, "hypothesis": "h", "reference": "r"}`, `p.jsonl:1: field "id": want a string or a number`, 0},
		{"array line", `[1, 2]`, "p.jsonl:1: want a JSON object", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			ps, err := ParsePairs([]byte(c.in), "p.jsonl")
			if c.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), c.err) {
					t.Fatalf("err = %v, want prefix %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) != c.n {
				t.Fatalf("%d pairs, want %d", len(ps), c.n)
			}
		})
	}
	ps, _ := ParsePairs([]byte(`{"id": 7.50, "hypothesis": "a\u2019b", "reference": "x\ny"}`), "p")
	if ps[0].ID != "7.50" || ps[0].Hypothesis != "a’b" || ps[0].Reference != "x\ny" {
		t.Errorf("%+v", ps[0])
	}
}

func TestParsePairsEarliestError(t *testing.T) {
	// Lines are decoded in parallel; the error must still be the first one.
	var sb strings.Builder
	for i := 0; i < 3000; i++ {
		switch i {
		case 1500, 2999:
			sb.WriteString("{bad\n")
		default:
			sb.WriteString(`{"id": "x", "hypothesis": "h", "reference": "r"}` + "\n")
		}
	}
	_, err := ParsePairs([]byte(sb.String()), "big.jsonl")
	if err == nil || !strings.HasPrefix(err.Error(), "big.jsonl:1501: ") {
		t.Fatalf("err = %v", err)
	}
}

func FuzzParsePairs(f *testing.F) {
	f.Add([]byte(`{"id": "a", "hypothesis": "h", "reference": "r"}` + "\n"))
	f.Add([]byte(`{"id": 1, "hypothesis": "", "reference": "\u00e9"}` + "\n\n{}"))
	f.Add([]byte("nope\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := ParsePairs(data, "f.jsonl")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.jsonl:") {
				t.Fatalf("error without file:line: %v", err)
			}
			return
		}
		for _, p := range ps {
			if !utf8.ValidString(p.Hypothesis) || !utf8.ValidString(p.Reference) {
				t.Fatalf("invalid UTF-8 passed through: %+v", p)
			}
		}
		// Whatever parses must score without panicking.
		if _, err := ScoreText(ps, DefaultText); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzParsePairFast checks the hand-written fast path against encoding/json:
// whenever it accepts a line, encoding/json must accept it with the same
// result.
func FuzzParsePairFast(f *testing.F) {
	for _, s := range []string{
		`{"id": "a", "hypothesis": "h", "reference": "r"}`,
		`{"id": -1.5e3, "hypothesis": "a\"b\\c\/\b\f\n\r\t\u00e9\u2019", "reference": "\u0000", "x": [1]}`,
		`{"id":"a","hypothesis":"h","reference":"r","ID":"b"}`,
		`{"id":"a","hypothesis":"h","reference":"r","hypothesis":"h2"}`,
		`{"id":"a","hypothesis":"\ud83d\ude00","reference":"r"}`,
		`{"id":"a","hypothesis":"h","reference":"r","n":null,"t":true,"f":false,"z":0}`,
		` {"id":"é","hypothesis":"naïve","reference":"“x”"} `,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		fast, ok := parsePairFast(line)
		if !ok {
			return
		}
		slow, err := parsePairJSON(line)
		if err != nil {
			t.Fatalf("fast path accepted %q, encoding/json: %v", line, err)
		}
		if fast != slow {
			t.Fatalf("%q: fast %+v, encoding/json %+v", line, fast, slow)
		}
	})
}
