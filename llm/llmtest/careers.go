package llmtest

import (
	"fmt"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/bench/onet"
)

// Careers are n users whose target is the occupation of their last job,
// which is what Server's model predicts: an answer that maps onto the
// target is right.
func Careers(n int) []*bench.Example {
	occ := onet.Default().Occupations()
	exs := make([]*bench.Example, n)
	for i := range exs {
		a, b := occ[(i*37)%len(occ)], occ[(i*37+11)%len(occ)]
		exs[i] = &bench.Example{
			UserID: fmt.Sprintf("u%04d", i),
			History: []bench.Record{
				{Kind: bench.Education, School: "State University", Degree: "Bachelor's", Major: "Economics", GradYear: 2008, End: bench.DateOf(2008, 6, 1)},
				{Kind: bench.Job, Title: "Associate", Code: a.Code, Occupation: a.Title, Industry: "Finance", Start: bench.DateOf(2008, 9, 1), End: bench.DateOf(2012, 3, 1), Salary: 52000},
				{Kind: bench.Job, Title: "Senior associate", Code: b.Code, Occupation: b.Title, Industry: "Finance", Start: bench.DateOf(2012, 4, 1), End: bench.DateOf(2016, 1, 1)},
			},
			TargetCode:  b.Code,
			TargetTitle: b.Title,
		}
	}
	return exs
}
