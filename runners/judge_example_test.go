package runners_test

import (
	"fmt"

	"github.com/occbench/occbench/runners"
)

func ExampleParseJudge() {
	reply := "Here is my evaluation.\n```json\n{\"utility_score\": \"4\", \"utility_justification\": \"Supports the move.\"}\n```"
	score, why, err := runners.ParseJudge(reply, "utility")
	fmt.Println(score, why, err)
	// Output: 4 Supports the move. <nil>
}
