package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/occbench/occbench/bench"
)

func newDataCmd() *cobra.Command {
	return group("data", "Look at data sets", newDataInspectCmd())
}

func newDataInspectCmd() *cobra.Command {
	var format string
	var top int
	inspect := &cobra.Command{
		Use:   "inspect FILE...",
		Short: "Summarise Arrow or Parquet data sets: users, records per user, occupations, top targets, missing fields",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return fmt.Errorf("--format %q: want text or json", format)
			}
			var sums []bench.Summary
			for _, path := range args {
				s, err := bench.Inspect(path, top)
				if err != nil {
					return err
				}
				sums = append(sums, s)
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				return writeJSON(out, oneOrMany(sums))
			}
			for i, s := range sums {
				if i > 0 {
					fmt.Fprintln(out)
				}
				if err := writeSummary(out, s); err != nil {
					return err
				}
			}
			return nil
		},
	}
	inspect.Flags().StringVar(&format, "format", "text", "output format: text or json")
	inspect.Flags().IntVar(&top, "top", 10, "how many of the most common targets to list")
	atLeast(inspect, map[string]int{"top": 0})
	return inspect
}

// oneOrMany keeps the JSON of a single file a plain object.
func oneOrMany[T any](xs []T) any {
	if len(xs) == 1 {
		return xs[0]
	}
	return xs
}

// writeJSON writes v as indented JSON with a trailing newline.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// minGroupChanges is how many occupation changes a major group needs for
// its stay-in-group share to be shown in the text summary.
const minGroupChanges = 20

// writeMobility adds the transitions and the next occupation's entropy to
// a summary's table.
func writeMobility(tw io.Writer, m bench.Mobility) {
	if m.Transitions == 0 {
		return
	}
	fmt.Fprintf(tw, "transitions\t%d\tbetween consecutive jobs (target included); %d change occupation\n", m.Transitions, m.Changes)
	if m.Changes > 0 {
		fmt.Fprintf(tw, "\t\t%.1f%% of the changes cross SOC major groups, %.1f%% of those into Management\n", 100*m.CrossGroup, 100*m.IntoManagement)
	}
	var lo, hi *bench.GroupStay
	for i := range m.StayInGroup {
		g := &m.StayInGroup[i]
		if g.Changes < minGroupChanges {
			continue
		}
		if lo == nil || g.Stay < lo.Stay {
			lo = g
		}
		if hi == nil || g.Stay > hi.Stay {
			hi = g
		}
	}
	if lo != nil {
		fmt.Fprintf(tw, "\t\tchanges staying in their major group: %.1f%% (%s) to %.1f%% (%s), of groups with %d or more\n",
			100*lo.Stay, lo.Title, 100*hi.Stay, hi.Title, minGroupChanges)
	}
	if e := m.Entropy; e.HeldOut > 0 {
		fmt.Fprintf(tw, "next occupation\t\t%.2f bits alone, %.2f given the last, %.2f given the last two (cross-entropy on %d transitions of held-out users)\n",
			e.Alone, e.GivenLast, e.GivenLastTwo, e.HeldOut)
	}
}

func writeSummary(w io.Writer, s bench.Summary) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "file\t%s (schema v%s)\n", s.File, s.SchemaVersion)
	fmt.Fprintf(tw, "users\t%d\n", s.Users)
	fmt.Fprintf(tw, "job records\t%d\tper user min %d, median %g, max %d (target included)\n", s.JobRecords, s.JobsPerUser.Min, s.JobsPerUser.Median, s.JobsPerUser.Max)
	fmt.Fprintf(tw, "education records\t%d\tper user min %d, median %g, max %d\n", s.EduRecords, s.EduPerUser.Min, s.EduPerUser.Median, s.EduPerUser.Max)
	fmt.Fprintf(tw, "occupations\t%d\tdistinct; %d as targets\n", s.Occupations, s.TargetOccs)
	if s.Horizon > 1 || s.WithPath > 0 {
		fmt.Fprintf(tw, "horizon\t%d\ttarget jobs; %d users with a target path", max(s.Horizon, 1), s.WithPath)
		if s.WithBayesPath > 0 {
			fmt.Fprintf(tw, ", %d with a Bayes path", s.WithBayesPath)
		}
		fmt.Fprintln(tw)
	}
	writeMobility(tw, s.Mobility)
	if s.WithBayes > 0 {
		fmt.Fprintf(tw, "Bayes-optimal answers\t%d\n", s.WithBayes)
	}
	if s.WithOracleReason > 0 {
		fmt.Fprintf(tw, "oracle reasons\t%d\n", s.WithOracleReason)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(s.TopTargets) > 0 {
		fmt.Fprintln(w, "\nmost common targets:")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, t := range s.TopTargets {
			fmt.Fprintf(tw, "%7d\t%5.1f%%\t%s\t%s\n", t.Users, 100*t.Share, t.Code, t.Title)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	var miss []string
	for _, k := range []string{"job.start", "job.end", "job.title", "job.code", "job.industry", "job.salary",
		"education.school", "education.degree", "education.major", "education.grad_year", "education.dates", "target"} {
		miss = append(miss, fmt.Sprintf("%s %d", k, s.Missing[k]))
	}
	_, err := fmt.Fprintf(w, "\nmissing fields (records; target: users):\n  %s\n", strings.Join(miss, ", "))
	return err
}
