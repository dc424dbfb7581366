package reports

import (
	"strings"
	"testing"
)

// Runners the run skipped (an endpoint not configured) are named under
// Table 2 with the reason.
func TestTable2NamesSkippedRunners(t *testing.T) {
	dir := fixtureRun(t)
	run, err := LoadRun(dir, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	run.Manifest.Skipped = map[string]string{"gpt-4.1-cot": "OPENAI_API_KEY is not set", "a-llm": "URL is not set"}
	rep, err := Build(run, Options{})
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(rep.table2().Notes, "\n")
	if !strings.Contains(notes, "Not run: a-llm (URL is not set); gpt-4.1-cot (OPENAI_API_KEY is not set).") {
		t.Errorf("Table 2 notes:\n%s", notes)
	}
}
