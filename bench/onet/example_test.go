package onet_test

import (
	"fmt"

	"github.com/occbench/occbench/bench/onet"
)

func Example() {
	tx := onet.Default()
	o, _ := tx.ByCode("15-1252.00")
	fmt.Println(o.Title, "- job zone", o.JobZone)
	fmt.Println(tx.GroupTitle(onet.MajorGroup(o.Code)))
	for _, r := range tx.Related(o.Code)[:3] {
		fmt.Println(r.Index, r.Tier, r.Code, tx.GroupTitle(r.Code))
	}
	for _, s := range []string{"Software Developers", "**Answer:** software developer.", "15-1252", "Software Engineer", "Sr. RN - ICU, Mercy Hospital", "purple elephant"} {
		m := tx.Normalize(s)
		fmt.Printf("%-33q → %-10s %s\n", s, m.Method, m.Code)
	}
	// Output:
	// Software Developers - job zone 4
	// Computer and Mathematical Occupations
	// 1 Primary-Short 15-1299.08 Computer Systems Engineers/Architects
	// 2 Primary-Short 15-1251.00 Computer Programmers
	// 3 Primary-Short 15-1211.00 Computer Systems Analysts
	// "Software Developers"             → exact      15-1252.00
	// "**Answer:** software developer." → normalised 15-1252.00
	// "15-1252"                         → code       15-1252.00
	// "Software Engineer"               → alias      15-1252.00
	// "Sr. RN - ICU, Mercy Hospital"    → alias      29-1141.00
	// "purple elephant"                 → none
}

func ExampleTaxonomy_RelatedRank() {
	tx := onet.Default()
	// The related-match metric scores a prediction at rank k as 1/(k+1).
	k := tx.RelatedRank("15-1252.00", "15-1251.00")
	fmt.Printf("rank %d, score %.3f\n", k, 1/float64(k+1))
	// Output: rank 2, score 0.333
}
