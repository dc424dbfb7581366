package metrics

import (
	"encoding/json"
	"math"
	"testing"
)

func TestNumberJSON(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    Number
		want string
	}{
		{"value", Num(0.451), "0.451"},
		{"integer", Num(2), "2"},
		{"small", Num(5.99999999999991e-05), "0.0000599999999999991"},
		{"tiny", Num(1e-7), "1e-7"},
		{"zero", Num(0), "0"},
		{"NaN", Num(math.NaN()), "null"},
		{"Inf", Num(math.Inf(-1)), "null"},
		{"zero value", Number{}, "null"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.n)
			if err != nil || string(b) != tc.want {
				t.Fatalf("Marshal = %s, %v; want %s", b, err, tc.want)
			}
			var back Number
			if err := json.Unmarshal(b, &back); err != nil || back != tc.n && tc.n.Valid() {
				t.Errorf("read back %+v, %v", back, err)
			}
			if back.Valid() != tc.n.Valid() {
				t.Errorf("read back valid %v, want %v", back.Valid(), tc.n.Valid())
			}
		})
	}
}

func TestNumberAbsentField(t *testing.T) {
	var row struct {
		EM Number    `json:"em"`
		RM Number    `json:"rm"`
		CI [2]Number `json:"em_ci"`
	}
	if err := json.Unmarshal([]byte(`{"em": 0.5, "rm": null}`), &row); err != nil {
		t.Fatal(err)
	}
	if row.EM.Float() != 0.5 || row.RM.Valid() || row.CI[0].Valid() || !math.IsNaN(row.CI[1].Float()) {
		t.Errorf("row = %+v: an absent or null field must read as missing", row)
	}
	if err := json.Unmarshal([]byte(`{"em": "0.5"}`), &row); err == nil {
		t.Error("a string read as a number")
	}
}

func TestIntervalJSON(t *testing.T) {
	iv := Interval{Estimate: 0.42, Lo: 0.389, Hi: math.NaN(), Level: 0.95, Resamples: 1000, N: 1000}
	b, err := json.Marshal(iv)
	if want := `{"value":0.42,"ci":[0.389,null]}`; err != nil || string(b) != want {
		t.Fatalf("Marshal = %s, %v; want %s", b, err, want)
	}
	var back Interval
	if err := json.Unmarshal(b, &back); err != nil || back.Estimate != 0.42 || back.Lo != 0.389 || !math.IsNaN(back.Hi) {
		t.Errorf("read back %+v, %v", back, err)
	}
}
