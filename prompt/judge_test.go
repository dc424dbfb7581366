package prompt

import (
	"strings"
	"testing"
)

func TestParseJudge(t *testing.T) {
	cases := []struct {
		name, text, dim string
		score           int
		just            string
		err             bool
	}{
		{"plain", `{"factuality_score": 5, "factuality_justification": "All grounded."}`, "factuality", 5, "All grounded.", false},
		{"fenced", "```json\n{\n  \"coherence_score\": 4,\n  \"coherence_justification\": \"Minor gap.\"\n}\n```", "coherence", 4, "Minor gap.", false},
		{"extra text", "Here is my verdict:\n{\"utility_score\": 2, \"utility_justification\": \"Weak.\"}\nThanks.", "utility", 2, "Weak.", false},
		{"string score", `{"utility_score": "3", "utility_justification": "Vague."}`, "utility", 3, "Vague.", false},
		{"out of five", `{"utility_score": "4/5"}`, "utility", 4, "", false},
		{"float", `{"coherence_score": 5.0}`, "coherence", 5, "", false},
		{"bare keys", `{"score": 1, "justification": "Made up."}`, "factuality", 1, "Made up.", false},
		{"nested braces first", `{"note": "x"} then {"factuality_score": 3}`, "factuality", 3, "", false},
		{"broken json", `{"factuality_score": 4, "factuality_justification": "Cut`, "factuality", 4, "", false},
		{"broken json with justification", `{"factuality_justification": "Fine \"ok\".", "factuality_score": 4,`, "factuality", 4, `Fine "ok".`, false},
		{"nested", `{"utility": {"score": 4, "justification": "Fits."}}`, "utility", 4, "Fits.", false},
		{"upper-case keys", `{"Coherence_Score": 3}`, "coherence", 3, "", false},
		{"out of range", `{"factuality_score": 7}`, "factuality", 0, "", true},
		{"fraction", `{"factuality_score": 4.5}`, "factuality", 0, "", true},
		{"nothing", "I cannot judge this.", "factuality", 0, "", true},
		{"other dimension", `{"coherence_score": 5}`, "factuality", 0, "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, j, err := ParseJudge(tc.text, tc.dim)
			if (err != nil) != tc.err || s != tc.score || j != tc.just {
				t.Errorf("ParseJudge = %d, %q, %v; want %d, %q, error %v", s, j, err, tc.score, tc.just, tc.err)
			}
		})
	}
}

func FuzzParseJudge(f *testing.F) {
	for _, s := range []string{
		`{"factuality_score": 5, "factuality_justification": "ok"}`,
		"```json\n{\"score\": \"4/5\"}\n```",
		`{"factuality_score": 4, "x": {`,
		`factuality_score = 3`,
		`{{{{`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, _, err := ParseJudge(text, "factuality")
		if err == nil && (s < 1 || s > 5) {
			t.Fatalf("score %d without an error", s)
		}
		if err != nil && s != 0 {
			t.Fatalf("score %d with error %v", s, err)
		}
		if err != nil && !strings.Contains(err.Error(), "score") {
			t.Fatalf("error %q does not say what was wrong", err)
		}
	})
}
