package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/occbench/occbench/reasons"
	"github.com/occbench/occbench/reports"
	"github.com/occbench/occbench/reports/viewer"
)

func newReportCmd() *cobra.Command {
	var (
		rf              reportFlags
		format, out     string
		examples        int
		noPDF, noViewer bool
	)
	cmd := &cobra.Command{
		Use:   "report RUN_DIR",
		Short: "Write a run's tables, charts and PDF report, and print Table 2",
		Long: `Report reads a run directory (manifest.json, predictions/, scores.json and the
test set the manifest names) and writes into --out (default RUN_DIR/report):

  tables.txt tables.md tables.csv tables.tex   every table in each format
  tables/<id>.csv tables/<id>.tex              one CSV and one LaTeX fragment per table
  charts/<name>.png charts/<name>.svg          accuracy, horizon, cost_latency,
                                               cost_tokens, scaling, reasons (those
                                               with data)
  report.pdf                                   all of it, with the manifest, the
                                               significance matrix and examples
  viewer/index.html                            one self-contained page to browse
                                               every user, answer, reason and
                                               judge verdict (--no-viewer: none)

Table 2 (EM and RM per system with 95% intervals and McNemar's test against
the reference, --reference or the best by EM) is printed in --format; for a
path run (suite key horizon: K) the accuracy by horizon follows it: EM@h and
RM@h per system and h with intervals, McNemar against the same reference on
EM@h with one family per horizon, the bayes runner's ceiling and the
teacher-forced EM@h (a whole-path table and the horizon chart are in the
files). The
paper's published numbers are shown beside ours (--paper replaces them,
--no-paper leaves them out). Tables 1, 3 and 4 and the scaling results come
from optional JSON files in RUN_DIR (judge_perturbation.json,
reason_quality.json, reason_sources.json, scaling.json; see the README);
Table 3's BLEU and ROUGE are also computed from the run when the test set
has oracle reasons. The viewer shows the judge's verdicts on the reasons
from the judge records RUN_DIR/judge*.jsonl (occbench judge -o) or --judge.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			f, err := reports.ParseFormat(format)
			if err != nil {
				return fmt.Errorf("--format: %w", err)
			}
			rf.examples = examples
			rep, err := rf.build(dir)
			if err != nil {
				return err
			}
			if out == "" {
				out = filepath.Join(dir, reports.DefaultDir)
			}
			written, err := rep.WriteDir(out, reports.WriteOptions{NoPDF: noPDF})
			if err != nil {
				return err
			}
			if !noViewer {
				page := filepath.Join(out, viewer.Dir, viewer.File)
				if err := viewer.Write(cmd.Context(), page, rep, viewer.Options{JudgeFiles: rf.judgeFiles}); err != nil {
					return fmt.Errorf("viewer: %w", err)
				}
				written = append(written, page)
			}
			for _, w := range rep.Run.Warnings {
				fmt.Fprintln(cmd.ErrOrStderr(), "occbench report: warning:", w)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "occbench report: wrote %d files to %s (%s)\n", len(written), out, summarize(out, written))
			// A path run's accuracy by horizon follows Table 2.
			for i, t := range []*reports.Table{rep.Table2, rep.Horizons} {
				if t == nil {
					continue
				}
				if i > 0 {
					fmt.Fprintln(cmd.OutOrStdout())
				}
				if err := reports.WriteTable(cmd.OutOrStdout(), f, t); err != nil {
					return err
				}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&format, "format", "text", "format of the Table 2 printed: text, markdown, csv or latex")
	fl.StringVar(&out, "out", "", "report directory (default RUN_DIR/report)")
	fl.IntVar(&examples, "examples", reports.DefaultExamples, "best and worst examples per system in the PDF (0: none)")
	fl.BoolVar(&noPDF, "no-pdf", false, "skip report.pdf")
	fl.BoolVar(&noViewer, "no-viewer", false, "skip viewer/index.html")
	rf.add(cmd)
	atLeast(cmd, map[string]int{"examples": 0})
	return cmd
}

// reportFlags are the flags of what a report computes, shared by report
// and view.
type reportFlags struct {
	paperPath, reference, correction, method, testPath string
	alpha                                              float64
	noPaper                                            bool
	inputs                                             reports.InputPaths
	judgeFiles                                         []string
	examples                                           int
}

func (rf *reportFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&rf.paperPath, "paper", "", "paper expectations file (YAML or JSON, the shape of reports/paper.yaml); default: the embedded one")
	fl.BoolVar(&rf.noPaper, "no-paper", false, "leave the paper's numbers out")
	fl.StringVar(&rf.reference, "reference", "", "runner Table 2 tests every other system against (default: the best by EM)")
	fl.StringVar(&rf.method, "method", "exact", "McNemar's test: exact, chi2 or chi2-corrected")
	fl.StringVar(&rf.correction, "correction", "bonferroni", "multiple-comparison correction: bonferroni or holm")
	fl.Float64Var(&rf.alpha, "alpha", 0.05, "significance level")
	fl.StringVar(&rf.testPath, "test", "", "the run's test set, if it has moved since the run (its digest must match)")
	fl.StringVar(&rf.inputs.Perturbation, "perturbation", "", "Table 1 input (default RUN_DIR/"+reasons.PerturbationFile+" if present)")
	fl.StringVar(&rf.inputs.Reasons, "reasons", "", "Table 3 input (default RUN_DIR/"+reasons.QualityFile+" if present)")
	fl.StringVar(&rf.inputs.Sources, "sources", "", "Table 4 input (default RUN_DIR/"+reasons.SourcesFile+" if present)")
	fl.StringVar(&rf.inputs.Scaling, "scaling", "", "scaling input (default RUN_DIR/"+reports.ScalingFile+" if present)")
	fl.StringArrayVar(&rf.judgeFiles, "judge", nil, "judge records (occbench judge -o) the viewer shows beside the reasons; repeatable (default RUN_DIR/judge*.jsonl)")
}

// build loads the run in dir and computes its report.
func (rf *reportFlags) build(dir string) (*reports.Report, error) {
	for _, path := range rf.judgeFiles { // before anything is written
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("--judge: %w", err)
		}
	}
	var opts reports.Options
	opts.Reference, opts.Examples, opts.NoPaper = rf.reference, rf.examples, rf.noPaper
	if rf.examples == 0 {
		opts.Examples = -1
	}
	var err error
	if opts.Significance, err = significanceFlags(rf.method, rf.correction, rf.alpha); err != nil {
		return nil, err
	}
	if rf.paperPath != "" {
		if opts.Paper, err = reports.LoadPaper(rf.paperPath); err != nil {
			return nil, fmt.Errorf("--paper: %w", err)
		}
	}
	run, err := reports.LoadRun(dir, reports.LoadOptions{TestPath: rf.testPath})
	if err != nil {
		return nil, err
	}
	if opts.Inputs, err = reports.LoadInputs(dir, rf.inputs); err != nil {
		return nil, err
	}
	return reports.Build(run, opts)
}

// significanceFlags reads --method, --correction and --alpha.
func significanceFlags(method, correction string, alpha float64) (reports.Significance, error) {
	var s reports.Significance
	var err error
	if s.Method, err = reports.ParseMethod(method); err != nil {
		return s, fmt.Errorf("--method: %w", err)
	}
	if s.Correction, err = reports.ParseCorrection(correction); err != nil {
		return s, fmt.Errorf("--correction: %w", err)
	}
	if !(alpha > 0 && alpha < 1) {
		return s, fmt.Errorf("--alpha %g: want a level between 0 and 1", alpha)
	}
	s.Alpha = alpha
	return s, nil
}

// summarize names the top-level files and folders written.
func summarize(dir string, paths []string) string {
	seen := map[string]bool{}
	var out []string
	for _, p := range paths {
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			rel = p
		}
		if i := strings.IndexByte(rel, filepath.Separator); i >= 0 {
			rel = rel[:i+1]
		}
		if !seen[rel] {
			seen[rel] = true
			out = append(out, rel)
		}
	}
	return strings.Join(out, ", ")
}
