package baselines_test

import (
	"bytes"
	"context"
	"fmt"

	"github.com/occbench/occbench/baselines"
)

func ExampleFitMarkov() {
	// Items are occupations indexed in O*NET code order.
	train := []baselines.Sequence{{0, 1, 2}, {0, 1, 3}, {4, 1, 2}, {2, 2}}
	m, err := baselines.FitMarkov(train, 5, baselines.DefaultMarkov)
	if err != nil {
		panic(err)
	}
	for _, s := range m.Predict(baselines.Sequence{0, 1}, 3) {
		fmt.Printf("%d %.3f\n", s.Item, s.Score)
	}
	// Output:
	// 2 4.500
	// 3 4.500
	// 1 0.429
}

func ExampleTrainSASRec() {
	var users, testHistories []baselines.Sequence // from the data set
	n := 1016                                     // occupations
	train, valid := baselines.PrepareData(users, testHistories, baselines.DefaultData)
	m, err := baselines.TrainSASRec(context.Background(), train, valid, n, baselines.DefaultSASRec,
		baselines.TrainOptions{Seed: 1, Progress: func(e baselines.Epoch) {
			fmt.Printf("epoch %d loss %.3f valid EM %.3f\n", e.N, e.Loss, e.ValidEM)
		}})
	if err != nil {
		panic(err)
	}
	top10 := m.PredictBatch(testHistories, 10) // best first, with probabilities
	_ = top10
	var file bytes.Buffer
	if err := m.Save(&file); err != nil { // reload with baselines.Load
		panic(err)
	}
}
