package prompt_test

import (
	"fmt"

	"github.com/occbench/occbench/prompt"
)

func ExampleParseJudge() {
	reply := "Here is my evaluation.\n```json\n{\"utility_score\": \"4\", \"utility_justification\": \"Supports the move.\"}\n```"
	score, why, err := prompt.ParseJudge(reply, "utility")
	fmt.Println(score, why, err)
	// Output: 4 Supports the move. <nil>
}
