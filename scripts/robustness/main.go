// Command robustness prints the README's robustness table from the runs of
// scripts/robustness.sh: each runner's EM on each profile's 10,000
// held-out careers, with its gap to that profile's Bayes ceiling.
//
//	go run ./scripts/robustness DIR PROFILE...
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

type scores struct {
	Protocol struct {
		TestUsers int `json:"test_users"`
	} `json:"protocol"`
	Order   []string `json:"order"`
	Runners map[string]struct {
		EM   float64    `json:"em"`
		EMCI [2]float64 `json:"em_ci"`
	} `json:"runners"`
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: robustness DIR PROFILE...")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "robustness:", err)
		os.Exit(1)
	}
}

func run(dir string, profiles []string) error {
	runs := make([]scores, len(profiles))
	times := make([]string, len(profiles))
	for i, p := range profiles {
		path := filepath.Join(dir, p, "run", "scores.json")
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &runs[i]); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if _, ok := runs[i].Runners["bayes"]; !ok {
			return fmt.Errorf("%s: no bayes runner, so no ceiling to compare with", path)
		}
		t, err := os.ReadFile(filepath.Join(dir, p, "time.txt"))
		if err != nil {
			return err
		}
		times[i] = strings.TrimSpace(string(t))
	}
	fmt.Printf("| runner | %s |\n|---|%s\n", strings.Join(profiles, " | "), strings.Repeat("---:|", len(profiles)))
	for _, name := range runs[0].Order {
		cells := make([]string, len(runs))
		for i, s := range runs {
			r, ok := s.Runners[name]
			if !ok {
				cells[i] = "–"
				continue
			}
			cells[i] = fmt.Sprintf("%.1f [%.1f, %.1f]", 100*r.EM, 100*r.EMCI[0], 100*r.EMCI[1])
			if name != "bayes" {
				cells[i] += fmt.Sprintf(" (%+.1f)", 100*(r.EM-s.Runners["bayes"].EM))
			}
		}
		fmt.Printf("| %s | %s |\n", name, strings.Join(cells, " | "))
	}
	users := make([]string, len(runs))
	for i, s := range runs {
		users[i] = fmt.Sprint(s.Protocol.TestUsers)
	}
	fmt.Printf("| held-out careers | %s |\n", strings.Join(users, " | "))
	fmt.Printf("| run time, s | %s |\n", strings.Join(times, " | "))
	return nil
}
