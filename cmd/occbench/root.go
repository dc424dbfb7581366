package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"runtime/debug"
	"slices"

	"github.com/spf13/cobra"
)

// run executes the command line args, writing results to stdout and
// diagnostics (progress, reports) to stderr. It is main without the process.
func run(ctx context.Context, stdout, stderr io.Writer, args []string) error {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	// Ctrl-C: exit 130 with a plain word, not "context canceled". Every
	// command writes through temporaries, so rerunning it continues
	// (oracle, judge and LLM answers are cached) or starts clean.
	var ee *exitError
	if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) && !errors.As(err, &ee) {
		return &exitError{130, errors.New("interrupted: nothing half-written was kept; run the same command again")}
	}
	return err
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "occbench",
		Short:         "Benchmark harness for next-occupation prediction (O*NET-SOC 2019)",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(
		newVersionCmd(),
		newDataCmd(),
		newImportCmd(),
		newRunCmd(),
		newRescoreCmd(),
		newMergeCmd(),
		newScoreCmd(),
		newClassifyCmd(),
		newStatsCmd(),
		newSynthCmd(),
		newReportCmd(),
		newViewCmd(),
		newCompareCmd(),
		newTrainCmd(),
		newOracleCmd(),
		newJudgeCmd(),
		newPerturbCmd(),
		newSourcesCmd(),
	)
	return root
}

// group is a command that only holds subcommands; run alone, it prints its
// help.
func group(use, short string, subs ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{Use: use, Short: short, Args: cobra.NoArgs}
	cmd.AddCommand(subs...)
	return cmd
}

// markRequired makes cobra refuse to run cmd without the named flags.
func markRequired(cmd *cobra.Command, names ...string) {
	for _, n := range names {
		if err := cmd.MarkFlagRequired(n); err != nil {
			panic(err) // a flag that does not exist: a programming error
		}
	}
}

// atLeast makes cmd refuse a whole-number flag below its minimum before it
// runs: "--top -1: want 0 or more".
func atLeast(cmd *cobra.Command, min map[string]int) {
	cmd.PreRunE = func(cmd *cobra.Command, _ []string) error {
		for _, name := range slices.Sorted(maps.Keys(min)) {
			v, err := cmd.Flags().GetInt(name)
			if err != nil {
				panic(err) // not an int flag: a programming error
			}
			if v < min[name] {
				return fmt.Errorf("--%s %d: want %d or more", name, v, min[name])
			}
		}
		return nil
	}
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the occbench version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(cmd.OutOrStdout(), "occbench", version())
			return err
		},
	}
}

// version is the module version, or "devel" with the VCS revision when built
// from a checkout.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "devel-" + s.Value[:12]
		}
	}
	return "devel"
}
