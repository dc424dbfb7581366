package onet

import (
	"strings"
	"testing"
)

func TestReadLabelled(t *testing.T) {
	tx := Default()
	good := []struct{ name, in string }{
		{"tsv", "text\tcodes\tkind\nRN\t29-1141.00\tabbreviation\nTeacher\t25-2021.00, 25-2031.00\tambiguous\n"},
		{"tsv reordered", "codes\ttext\n29-1141.00\tRN\n25-2021.00,25-2031.00\tTeacher\n"},
		{"jsonl", `{"text": "RN", "codes": ["29-1141.00"]}` + "\n\n" + `{"text": "Teacher", "codes": ["25-2021.00", "25-2031.00"], "kind": "x"}` + "\n"},
	}
	for _, tc := range good {
		items, err := tx.ReadLabelled(strings.NewReader(tc.in), "f")
		if err != nil || len(items) != 2 || items[1].Text != "Teacher" || len(items[1].Codes) != 2 {
			t.Errorf("%s: %+v, %v", tc.name, items, err)
		}
	}
	bad := []struct{ name, in, want string }{
		{"no header", "RN\t29-1141.00\n", `f:1: header "RN\t29-1141.00"`},
		{"unknown code", "text\tcodes\nRN\t29-1141.99\n", `f:2: field "codes": value "29-1141.99": not an O*NET-SOC 2019 occupation code`},
		{"no codes", "text\tcodes\nRN\t \n", `f:2: field "codes": empty`},
		{"short row", "text\tcodes\nRN\n", "f:2: 1 columns, want at least 2"},
		{"empty text", `{"text": " ", "codes": ["29-1141.00"]}`, `f:1: field "text": empty`},
		{"bad json", `{"text": "RN", "codes": "29-1141.00"}`, "f:1: json: cannot unmarshal"},
		{"not utf-8", "text\tcodes\n\xff\t29-1141.00\n", "f:2: the line is not UTF-8 text"},
		{"empty", "\n\n", "f: no labelled texts"},
	}
	for _, tc := range bad {
		_, err := tx.ReadLabelled(strings.NewReader(tc.in), "f")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestEvaluate(t *testing.T) {
	tx := Default()
	items := []Labelled{
		{"Registered Nurse", []string{"29-1141.00"}},
		{"purple elephant", []string{"29-1141.00"}},
		{"Software Engineer", []string{"15-1253.00", "15-1252.00"}},
		{"Cashier", []string{"41-2031.00"}},
	}
	e := Evaluate(items, func(s string) Classification { return tx.Classify(s, ClassifyOptions{}) })
	if e.N != 4 || e.Coverage != 0.75 || e.Classified != 0.5 || e.Accuracy1 != 0.5 || e.Precision < 0.66 || e.Precision > 0.67 {
		t.Errorf("%+v", e)
	}
	if len(e.Wrong) != 2 || e.Wrong[0].Text != "purple elephant" || e.Wrong[0].Got != "" || e.Wrong[1].Got != "41-2011.00" {
		t.Errorf("wrong: %+v", e.Wrong)
	}
	if m := e.ByMethod["exact"]; m.N != 0 {
		t.Errorf("by method: %+v", e.ByMethod)
	}
}

func FuzzReadLabelled(f *testing.F) {
	f.Add("text\tcodes\nRN\t29-1141.00\n")
	f.Add(`{"text": "RN", "codes": ["29-1141.00"]}`)
	f.Add("codes\ttext\n,\t\n")
	tx := Default()
	f.Fuzz(func(t *testing.T, in string) {
		items, err := tx.ReadLabelled(strings.NewReader(in), "f")
		if err != nil {
			return
		}
		for _, it := range items {
			if strings.TrimSpace(it.Text) == "" || len(it.Codes) == 0 {
				t.Fatalf("%q gave %+v", in, it)
			}
		}
	})
}
