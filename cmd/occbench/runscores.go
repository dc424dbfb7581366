package main

import (
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"text/tabwriter"

	"github.com/occbench/occbench/rundir"
)

// writeRunScores prints a run's scores for people; a run limited with
// --limit or sharded with --shard says so.
func writeRunScores(w io.Writer, dir string, s *rundir.Scores) error {
	users := fmt.Sprintf("%d test users", s.Protocol.TestUsers)
	if m, err := rundir.ReadManifest(filepath.Join(dir, rundir.ManifestFile)); err == nil {
		users = usersScored(m, s.Protocol.TestUsers)
	}
	fmt.Fprintf(w, "run %s: %s; EM on O*NET codes, RM over %d related occupations; 95%% bootstrap intervals (%d resamples)\n\n",
		dir, users, s.Protocol.Related, s.Protocol.Bootstrap)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "runner\tEM\t95% CI\tRM\t95% CI\tHR@10\tNDCG@10\tunmapped\terrors")
	pct := func(x float64) string { return fmt.Sprintf("%.2f%%", 100*x) }
	for _, name := range s.Order {
		r := s.Runners[name]
		hr, nd := "-", "-"
		if m, ok := r.HR["10"]; ok {
			hr = pct(m.Estimate)
		}
		if m, ok := r.NDCG["10"]; ok {
			nd = fmt.Sprintf("%.4f", m.Estimate)
		}
		fmt.Fprintf(tw, "%s\t%s\t[%.2f, %.2f]\t%s\t[%.2f, %.2f]\t%s\t%s\t%s\t%s\n", name,
			pct(r.EM.Float()), 100*r.EMCI[0].Float(), 100*r.EMCI[1].Float(),
			pct(r.RM.Float()), 100*r.RMCI[0].Float(), 100*r.RMCI[1].Float(),
			hr, nd, pct(r.Unmapped.Float()), pct(r.Errors.Float()))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(s.Skipped)) {
		fmt.Fprintf(w, "skipped %s: %s\n", name, s.Skipped[name])
	}
	return nil
}

// usersScored says which n test users a run scored: all of them, the
// first of them (--limit), or one shard's (--shard).
func usersScored(m *rundir.Manifest, n int) string {
	all := m.Datasets["test"].Users
	if m.Shard == nil {
		if m.Limit > 0 {
			return fmt.Sprintf("the first %d of %d test users (--limit %d)", n, all, m.Limit)
		}
		return fmt.Sprintf("%d test users", n)
	}
	of := fmt.Sprintf("%d test users", all)
	if m.Limit > 0 {
		of = fmt.Sprintf("the first %d of %s (--limit %d)", min(m.Limit, all), of, m.Limit)
	}
	return fmt.Sprintf("shard %s: %d of %s", m.Shard, n, of)
}
