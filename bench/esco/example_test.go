package esco_test

import (
	"fmt"

	"github.com/occbench/occbench/bench/esco"
)

func ExampleCrosswalk_Map() {
	cw := esco.Default()
	for _, s := range []string{
		"http://data.europa.eu/esco/occupation/5bca96fd-4203-400b-be58-9e9b50bc98da",
		"taxi driver",
		"2431.11",
		"unknown",
	} {
		m, ok := cw.Map(s)
		if !ok {
			fmt.Printf("%s: not mapped\n", s)
			continue
		}
		fmt.Printf("%s: %s by %s, score %.3f, ambiguous %v, split %v\n", s, m.Code, m.Kind, m.Score, m.Ambiguous, m.Split)
	}
	// Output:
	// http://data.europa.eu/esco/occupation/5bca96fd-4203-400b-be58-9e9b50bc98da: 11-1031.00 by uri, score 1.000, ambiguous false, split false
	// taxi driver: 53-3054.00 by label, score 0.500, ambiguous false, split true
	// 2431.11: 13-1161.00 by code_via_isco, score 0.312, ambiguous true, split false
	// unknown: not mapped
}
