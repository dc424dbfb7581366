package metrics

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"testing"
)

func TestAppendJSONFloat(t *testing.T) {
	tenth := 0.1
	for f, want := range map[float64]string{
		0: "0", 1: "1", 48.530827: "48.530827", 1e-7: "1e-7", 2.5e-308: "2.5e-308", 1e21: "1e+21",
		math.NaN(): "null", math.Inf(1): "null", tenth + 0.2: "0.30000000000000004",
	} {
		if got := string(appendJSONFloat(nil, f)); got != want {
			t.Errorf("%v: %s, want %s", f, got, want)
		}
	}
	if got := string(appendJSONString(nil, "a\"b\\\n\x01é\u2028")); got != `"a\"b\\\n\u0001é\u2028"` {
		t.Errorf("string: %s", got)
	}
}

func TestTextReportWriteJSON(t *testing.T) {
	// The parallel writer must produce exactly the sequential bytes, also
	// across chunk boundaries.
	rep := &TextReport{Items: make([]TextItem, 1300)}
	for i := range rep.Items {
		rep.Items[i].ID = fmt.Sprint(i)
		rep.Items[i].NLTKBLEU = float64(i) / 7
	}
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	if want := rep.appendJSON(nil); !bytes.Equal(buf.Bytes(), want) {
		t.Fatal("parallel JSON differs from sequential")
	}
	buf.Reset()
	empty := &TextReport{}
	_ = empty.WriteJSON(&buf)
	if want := empty.appendJSON(nil); !bytes.Equal(buf.Bytes(), want) || !json.Valid(want) {
		t.Fatalf("empty: %q vs %q", buf.Bytes(), want)
	}
}
