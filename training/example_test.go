package training_test

import (
	"fmt"

	"github.com/occbench/occbench/training"
)

func ExampleParseTrainSizes() {
	sizes, err := training.ParseTrainSizes("100,1000,all")
	fmt.Println(sizes, err)
	// Output: [100 1000 0] <nil>
}
