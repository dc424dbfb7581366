package bench

import (
	"path/filepath"
	"reflect"
	"testing"
)

// TestWriteExamplesKeepsPaths checks that examples with target paths,
// written without a horizon in the metadata (as oracle and judge sets
// are), read back with their paths.
func TestWriteExamplesKeepsPaths(t *testing.T) {
	job := func(code string) Record { return Record{Kind: Job, Code: code} }
	ex := &Example{UserID: "u1", History: []Record{job("11-1011.00")}, TargetCode: "13-2011.00",
		TargetPath: []Record{job("13-2011.00"), job("15-1252.00")}}
	path := filepath.Join(t.TempDir(), "set.arrow")
	if err := WriteExamples(path, []*Example{ex}, map[string]string{"occbench.oracle.seed": "1"}); err != nil {
		t.Fatal(err)
	}
	got, meta, err := ReadAll(path)
	if err != nil {
		t.Fatal(err)
	}
	if meta[MetaHorizon] != "2" || meta["occbench.oracle.seed"] != "1" {
		t.Errorf("metadata %v", meta)
	}
	if len(got) != 1 || !reflect.DeepEqual(got[0].Path(), []string{"13-2011.00", "15-1252.00"}) {
		t.Errorf("read back %+v", got)
	}
}
