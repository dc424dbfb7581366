package main

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/bench/onet"
)

func newImportCmd() *cobra.Command {
	opts := bench.DefaultImport
	var out string
	var testUsers int
	var seed uint64
	var parquet bool
	var memory, split, cutoff string
	cmd := &cobra.Command{
		Use:   "import --format csv|jobhop|jsonl|recbole [--taxonomy onet|esco] INPUT... -o OUT",
		Short: "Import career data, apply the paper's preprocessing and write an Arrow or Parquet data set",
		Long: `Import reads career records, drops jobs without a start date or an
occupation, orders each user's records by date, keeps users with --min-jobs
to --max-jobs valid jobs, and makes the last job the target and everything
before it the history. The preprocessing report is printed to stderr and
stored in the output's metadata.

Occupations are O*NET-SOC 2019 codes or titles, or, with --taxonomy esco,
ESCO concept URIs, occupation codes or labels, mapped onto O*NET-SOC 2019
through the embedded crosswalk (package bench/esco); jobs whose ESCO
occupation it does not map are dropped and counted. --format jobhop reads
JobHop's CSV (resume_id, matched_code, start_date, end_date,
university_level), whose codes are ESCO.

Without --test-users, -o names one file (.arrow, or .parquet for Parquet).
With --test-users N, -o names a directory that receives train.arrow and
test.arrow (train.parquet and test.parquet with --parquet).

--horizon K holds out each user's last K jobs as the target path (a user
needs --min-jobs − 1 jobs of history plus K). --split time --cutoff
YYYY-MM splits by date instead of by user: the test set holds the users
with a job before the cutoff and K jobs from it on (the history is what
began before it, the targets the first K jobs from it on); the train set
holds every career cut at the cutoff, its last job before it the target.
-o then names a directory, as with --test-users.

Memory does not grow with the input: past --memory of parsed records, they
are sorted by user into temporary files in $TMPDIR, merged at the end. The
output is the same whatever --memory is.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return fmt.Errorf("-o is required")
			}
			if opts.MinScore < 0 || opts.MinScore > 1 {
				return fmt.Errorf("--min-score %v: want 0 to 1", opts.MinScore)
			}
			if opts.Classify && opts.Codes == bench.TaxonomyESCO {
				return fmt.Errorf("--classify reads O*NET occupations from job titles; it does not apply to --taxonomy esco")
			}
			var err error
			if opts.Memory, err = parseSize(memory); err != nil {
				return fmt.Errorf("--memory %q: %w", memory, err)
			}
			opts.TestUsers, opts.SplitSeed = testUsers, seed
			if err := setSplit(cmd, &opts, split, cutoff); err != nil {
				return err
			}
			imp, err := bench.ImportFiles(cmd.Context(), args, opts)
			if err != nil {
				return err
			}
			defer imp.Close()
			rep := imp.Report
			if testUsers > rep.Users {
				return fmt.Errorf("--test-users %d: only %d users survive the preprocessing", testUsers, rep.Users)
			}
			if err := rep.WriteText(cmd.ErrOrStderr()); err != nil {
				return err
			}
			if rep.Users == 0 {
				return fmt.Errorf("no user survived the preprocessing (the report above says why): nothing written to %s", out)
			}
			return writeImported(cmd, imp, out, testUsers > 0 || opts.Split == bench.SplitTime, parquet)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Format, "format", opts.Format, "input format: csv, jobhop, jsonl or recbole")
	f.StringVar(&opts.Codes, "taxonomy", "", "what the occupation field holds: onet (O*NET-SOC 2019 codes or titles; the default) or esco (ESCO URIs, codes or labels; the default of --format jobhop)")
	f.StringVarP(&out, "out", "o", "", "output file (.arrow or .parquet), or directory with --test-users")
	f.IntVar(&opts.MinJobs, "min-jobs", opts.MinJobs, "drop users with fewer valid jobs")
	f.IntVar(&opts.MaxJobs, "max-jobs", opts.MaxJobs, "drop users with more valid jobs")
	f.BoolVar(&opts.SkipInvalid, "skip-invalid", false, "skip malformed rows and report them instead of failing")
	f.BoolVar(&opts.Dedupe, "dedupe", false, "drop exact copies of a user's record (they are reported either way)")
	f.BoolVar(&opts.Classify, "classify", false, "read the occupation of a job from its title when the occupation field is empty or not an O*NET code or title")
	f.Float64Var(&opts.MinScore, "min-score", onet.DefaultMinScore, "with --classify, the classifier score under which a job is unclassified (dropped, counted)")
	f.IntVar(&testUsers, "test-users", 0, "hold out this many users as the test set (deterministic in --seed)")
	f.Uint64Var(&seed, "seed", 1, "seed of the train/test split")
	f.BoolVar(&parquet, "parquet", false, "with --test-users or --split time, write Parquet instead of Arrow")
	f.IntVar(&opts.Horizon, "horizon", 1, fmt.Sprintf("target jobs per user, 1 to %d: hold out each user's last K jobs (with --split time, the first K from the cutoff on) as the target path", bench.MaxHorizon))
	f.StringVar(&split, "split", bench.SplitUser, "how test users are chosen: user (--test-users of them, by a hash of the id) or time (by --cutoff)")
	f.StringVar(&cutoff, "cutoff", "", "with --split time, the month YYYY-MM from which jobs are targets, never trained on")
	f.StringVar(&memory, "memory", fmt.Sprintf("%dM", bench.DefaultImportMemory>>20), "parsed records held in memory (K, M, G: KiB, MiB, GiB) before they are sorted by user into temporary files in $TMPDIR; the output does not depend on it")
	atLeast(cmd, map[string]int{"test-users": 0, "min-jobs": 1, "max-jobs": 1})
	return cmd
}

// writeImported writes the examples kept to out: one file, or with split
// train and test files in the directory out. The files appear only when all
// are complete.
func writeImported(cmd *cobra.Command, imp *bench.Imported, out string, split, parquet bool) error {
	type target struct {
		path, split string
		w           *bench.Writer
	}
	targets := []*target{{path: out, split: "all"}}
	if split {
		ext := ".arrow"
		if parquet {
			ext = ".parquet"
		}
		targets = []*target{
			{path: filepath.Join(out, "train"+ext), split: "train"},
			{path: filepath.Join(out, "test"+ext), split: "test"},
		}
	}
	for _, t := range targets {
		meta := map[string]string{bench.MetaPreprocess: imp.Report.ReportJSON(), bench.MetaSplit: t.split}
		// A time split's train set is single-step: its targets are the last
		// jobs before the cutoff.
		if k := imp.Report.Horizon; k > 1 && (t.split != "train" || imp.Report.Split.Method != bench.SplitTime) {
			meta[bench.MetaHorizon] = strconv.Itoa(k)
		}
		w, err := bench.Create(t.path, meta)
		if err != nil {
			return err
		}
		defer w.Abort()
		t.w = w
	}
	err := imp.Each(cmd.Context(), func(ex *bench.Example, test bool) error {
		if test {
			return targets[1].w.Write(ex)
		}
		return targets[0].w.Write(ex)
	})
	if err != nil {
		return err
	}
	for _, t := range targets {
		if err := t.w.Close(); err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (%d users)\n", t.path, t.w.Rows())
	}
	return nil
}

// setSplit checks --horizon, --split, --cutoff and --test-users together
// and sets them into opts.
func setSplit(cmd *cobra.Command, opts *bench.ImportOptions, split, cutoff string) error {
	if opts.Horizon < 1 || opts.Horizon > bench.MaxHorizon {
		return fmt.Errorf("--horizon %d: want 1 to %d target jobs", opts.Horizon, bench.MaxHorizon)
	}
	switch split {
	case bench.SplitUser:
		if cutoff != "" {
			return fmt.Errorf("--cutoff %s: a cutoff splits by date; add --split time", cutoff)
		}
	case bench.SplitTime:
		if cutoff == "" {
			return errors.New("--split time: want --cutoff YYYY-MM, the month from which jobs are targets")
		}
		if cmd.Flags().Changed("test-users") {
			return errors.New("--test-users: --split time takes as test users all those with a job before --cutoff and --horizon jobs from it on; drop --test-users")
		}
		c, err := bench.ParseCutoff(cutoff)
		if err != nil {
			return fmt.Errorf("--cutoff: %w", err)
		}
		opts.Cutoff = c
	default:
		return fmt.Errorf("--split %q: want user or time", split)
	}
	opts.Split = split
	return nil
}

// sizeUnits are the suffixes parseSize reads, longest first.
var sizeUnits = []struct {
	suffix string
	shift  int
}{{"KIB", 10}, {"KB", 10}, {"K", 10}, {"MIB", 20}, {"MB", 20}, {"M", 20}, {"GIB", 30}, {"GB", 30}, {"G", 30}, {"B", 0}}

// parseSize reads a positive size in bytes: a whole number, optionally
// followed by K, M or G (powers of 1024; KB, KiB and the like, in any case,
// also read).
func parseSize(s string) (int64, error) {
	t, shift := strings.ToUpper(strings.TrimSpace(s)), 0
	for _, u := range sizeUnits {
		if rest, ok := strings.CutSuffix(t, u.suffix); ok {
			t, shift = strings.TrimSpace(rest), u.shift
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > math.MaxInt64>>shift {
		return 0, errors.New("want a size such as 256M, 2G or a number of bytes")
	}
	return n << shift, nil
}
