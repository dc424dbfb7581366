package metrics

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Number is a statistic as occbench's files carry it: a float, or nothing
// when it was not measured or is not defined (no samples, 0/0). In JSON
// the missing value is null, and an absent field reads as missing too, so
// a hand-written input may leave out what it lacks. The zero Number is
// missing.
type Number struct {
	v  float64
	ok bool
}

// Num is f as a Number; NaN and ±Inf are missing.
func Num(f float64) Number {
	return Number{v: f, ok: !math.IsNaN(f) && !math.IsInf(f, 0)}
}

// Float is the value, NaN when missing.
func (n Number) Float() float64 {
	if !n.ok {
		return math.NaN()
	}
	return n.v
}

// Valid says the number is present.
func (n Number) Valid() bool { return n.ok }

// MarshalJSON writes the number as encoding/json writes a float64, or
// null.
func (n Number) MarshalJSON() ([]byte, error) {
	return appendJSONFloat(nil, n.Float()), nil
}

// UnmarshalJSON reads a number, or null as missing.
func (n *Number) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Number{}
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("want a number or null, got %.40s", b)
	}
	*n = Num(f)
	return nil
}

// CI is the interval's bounds as Numbers.
func (iv Interval) CI() [2]Number { return [2]Number{Num(iv.Lo), Num(iv.Hi)} }

// intervalJSON is an Interval in a file. The level and resample count are
// the run's protocol, written once beside the intervals, not with each.
type intervalJSON struct {
	Value Number    `json:"value"`
	CI    [2]Number `json:"ci"`
}

// MarshalJSON writes {"value": estimate, "ci": [lo, hi]}.
func (iv Interval) MarshalJSON() ([]byte, error) {
	return json.Marshal(intervalJSON{Num(iv.Estimate), iv.CI()})
}

// UnmarshalJSON reads {"value", "ci"}; a missing value or bound is NaN.
func (iv *Interval) UnmarshalJSON(b []byte) error {
	var j intervalJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*iv = Interval{Estimate: j.Value.Float(), Lo: j.CI[0].Float(), Hi: j.CI[1].Float()}
	return nil
}

// appendJSONFloat formats f as encoding/json does (shortest representation
// that round-trips), and non-finite values as null.
func appendJSONFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	fmt := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		fmt = 'e'
	}
	b = strconv.AppendFloat(b, f, fmt, -1, 64)
	if fmt == 'e' {
		// e-07 → e-7, as encoding/json writes it.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}
