package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/occbench/occbench/bench/synth"
)

func newSynthCmd() *cobra.Command {
	def := synth.Default()
	var (
		out, profile     string
		reuse            bool
		users, testUsers int
		horizon          int
		seed             uint64
	)
	cmd := &cobra.Command{
		Use:   "synth [--profile NAME] -o DIR",
		Short: "Generate synthetic careers with their Bayes-optimal ceiling",
		Long: `Generate realistic synthetic careers over the O*NET-SOC 2019 taxonomy and
write DIR/train.arrow, DIR/test.arrow (the last --test-users users) and
DIR/ceiling.json: the exact Bayes-optimal predictor's EM and RM on the test
users beside those of "repeat the last occupation" and of Markov models
fitted on the train users. The same seed gives byte-identical files.

--profile picks the process of careers:
` + profileHelp() + `
--users, --test-users and --seed given on the command line override the
profile's (every profile has 11,000 users, 1,000 test users, seed 1).

--horizon K (2 to ` + fmt.Sprint(synth.MaxHorizon) + `) continues every career K−1 jobs past the
target: each user gets a target path of K jobs (target_path), each test
user the exact Bayes-optimal occupation at each horizon h (bayes_path: the
most probable occupation h jobs ahead, not the likeliest path), and
ceiling.json its EM and expected EM per horizon (bayes_by_horizon). The
history and the first target are those of --horizon 1.`,
		Example: "  occbench synth -o data/synth\n  occbench synth --profile second-order -o /tmp/second-order\n  occbench synth --horizon 3 -o /tmp/paths\n  occbench synth --users 2000 --test-users 200 --seed 7 -o /tmp/small",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return errors.New("synth: -o DIR is required")
			}
			cfg, err := synth.Profile(profile)
			if err != nil {
				return err
			}
			f := cmd.Flags()
			if f.Changed("users") {
				cfg.Users = users
			}
			if f.Changed("test-users") {
				cfg.TestUsers = testUsers
			}
			if f.Changed("seed") {
				cfg.Seed = seed
			}
			if horizon < 1 || horizon > synth.MaxHorizon {
				return fmt.Errorf("--horizon %d: want 1 to %d jobs (the exact Bayes answer h jobs ahead sums over every path of h−1 jobs, some 45 times more work per step)", horizon, synth.MaxHorizon)
			}
			cfg.Horizon = horizon
			if reuse {
				res, err := synth.Existing(out, cfg)
				if err == nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "synth: reusing the data set in %s\n", out)
					return printSynth(cmd.OutOrStdout(), res, cfg)
				}
				if !errors.Is(err, os.ErrNotExist) && !errors.Is(err, synth.ErrStale) {
					return err
				}
			}
			res, err := synth.Write(cmd.Context(), out, cfg)
			if err != nil {
				return err
			}
			return printSynth(cmd.OutOrStdout(), res, cfg)
		},
	}
	f := cmd.Flags()
	f.StringVar(&profile, "profile", synth.DefaultProfile, "the generator: "+strings.Join(synth.Profiles(), ", "))
	f.IntVar(&users, "users", def.Users, "users in all, test users included")
	f.IntVar(&testUsers, "test-users", def.TestUsers, "users in the test set (the last ones)")
	f.Uint64Var(&seed, "seed", def.Seed, "random seed")
	f.IntVar(&horizon, "horizon", 1, fmt.Sprintf("target jobs per user, 1 to %d: with K > 1, target paths of K jobs and the Bayes answer at each horizon", synth.MaxHorizon))
	f.StringVarP(&out, "out", "o", "", "output directory")
	f.BoolVar(&reuse, "reuse", false, "keep the data set in DIR when it was made with these settings by this generator")
	return cmd
}

// profileHelp lists the profiles for the command's help.
func profileHelp() string {
	var b strings.Builder
	for _, name := range synth.Profiles() {
		fmt.Fprintf(&b, "  %-13s %s\n", name, synth.ProfileAbout(name))
	}
	return b.String()
}

// printSynth writes the data set summary and the ceiling table.
func printSynth(w io.Writer, res *synth.Result, cfg synth.Config) error {
	c := res.Ceiling
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "profile\t%s\n", cfg.ProfileName())
	fmt.Fprintf(tw, "users\t%d (%d train, %d test), seed %d\n", res.TrainUsers+res.TestUsers, res.TrainUsers, res.TestUsers, cfg.Seed)
	fmt.Fprintf(tw, "records\t%d jobs, %d education\n", res.JobRecords, res.EduRecords)
	fmt.Fprintf(tw, "wrote\t%s, %s, %s\n", filepath.Join(res.Dir, synth.TrainFile), filepath.Join(res.Dir, synth.TestFile), filepath.Join(res.Dir, synth.CeilingFile))
	fmt.Fprintf(tw, "\nceiling (%d test users)\tEM\tEM 95%% CI\tRM\tRM 95%% CI\n", c.Users)
	for _, r := range []struct {
		name string
		s    synth.Score
	}{
		{"bayes-optimal", c.Bayes},
		{"oracle type", c.OracleType},
		{"markov2", c.Markov2},
		{"markov1", c.Markov1},
		{"last", c.Last},
	} {
		fmt.Fprintf(tw, "%s\t%.4f\t[%.4f, %.4f]\t%.4f\t[%.4f, %.4f]\n", r.name, r.s.EM, r.s.EMCI[0], r.s.EMCI[1], r.s.RM, r.s.RMCI[0], r.s.RMCI[1])
	}
	if len(c.BayesByHorizon) > 0 {
		fmt.Fprintf(tw, "\nbayes-optimal by horizon\tEM\tEM 95%% CI\texpected EM\n")
		for _, h := range c.BayesByHorizon {
			fmt.Fprintf(tw, "h = %d\t%.4f\t[%.4f, %.4f]\t%.4f\n", h.H, h.EM, h.EMCI[0], h.EMCI[1], h.ExpectedEM)
		}
	}
	fmt.Fprintf(tw, "\nexpected Bayes EM\t%.4f\n", c.ExpectedBayesEM)
	fmt.Fprintf(tw, "Bayes EM on train users\t%.4f\n", c.Train.Bayes.EM)
	return tw.Flush()
}
