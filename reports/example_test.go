package reports_test

import (
	"os"

	"github.com/occbench/occbench/reports"
)

// A table is written in any of the four formats; cells are escaped for
// the format, so a "|" cannot break a Markdown table.
func ExampleWriteTable() {
	t := &reports.Table{
		ID:      "demo",
		Title:   "Table 2: Accuracy",
		Group:   "Category",
		Columns: []reports.Column{{Name: "System", Align: reports.Left}, {Name: "EM (%)", Align: reports.Right}},
		Rows: []reports.Row{
			{Group: "Transformer recommenders", Cells: []string{"SASRec", "25.30"}},
			{Group: "Transformer recommenders", Cells: []string{"BERT4Rec", "23.60"}},
			{Group: "Zero-shot CoT", Cells: []string{"GPT-4.1 | t=0", "23.90"}},
		},
		Notes: []string{"Protocol: test set 0123456789ab (1,000 users)."},
	}
	reports.WriteTable(os.Stdout, reports.Markdown, t)
	// Output:
	// **Table 2: Accuracy**
	//
	// | Category | System | EM (%) |
	// | --- | --- | ---: |
	// | Transformer recommenders | SASRec | 25.30 |
	// |  | BERT4Rec | 23.60 |
	// | Zero-shot CoT | GPT-4.1 \| t=0 | 23.90 |
	//
	// Protocol: test set 0123456789ab (1,000 users).
}
