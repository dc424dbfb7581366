package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	goldenfile "github.com/occbench/occbench/internal/golden"
)

// readmeSkips are README commands the test does not run, by prefix, and why.
var readmeSkips = []struct{ prefix, why string }{
	{"occbench compare runs/last-release", "names the reader's own runs"},
	{"occbench compare runs/baseline", "names the reader's own runs"},
	{"occbench run --suite suite.yaml", "names the reader's own suite"},
	{"occbench score --input - ", "reads stdin; the line before scores the same file"},
	{"occbench oracle ", "needs a model endpoint (tested against a fake server in runners)"},
	{"occbench judge ", "needs a model endpoint (tested against a fake server in runners)"},
	{"occbench perturb ", "needs a model endpoint (tested against a fake server in runners)"},
	{"occbench sources ", "needs a model endpoint (tested against a fake server in runners)"},
	{"occbench train export ", "needs an oracle set made with a model (tested in training)"},
	{"occbench train launch ", "needs LLaMA-Factory (tested with a stand-in in training)"},
	{"occbench view ", "serves until Ctrl-C (TestViewCommand)"},
}

func readmeSkip(cmd string) (string, bool) {
	for _, s := range readmeSkips {
		if strings.HasPrefix(cmd, s.prefix) {
			return s.why, true
		}
	}
	return "", false
}

// readmeStandIns replace commands too slow for a unit test with a cheaper
// run of the same command; make run runs the full ones. Only commands
// shown without output can have a stand-in.
var readmeStandIns = map[string]string{
	"occbench run --suite testdata/suites/default.yaml": "occbench run --suite testdata/suites/default.yaml --only last,mostpop,markov1,markov2",
	"occbench run --suite testdata/suites/paths.yaml":   "occbench run --suite testdata/suites/paths.yaml --only bayes,last,markov2,markov2-greedy",
}

// A readmeExample is one occbench command of the README.
//
// The README shows commands in indented code blocks (four spaces), in two
// forms:
//
//   - "occbench ARGS" is a command alone: the test runs it and checks only
//     that it succeeds.
//   - "$ occbench ARGS" is a command with its output: the lines after it, up
//     to the next "$ " line or the end of the code block (the first
//     non-blank line not indented by four spaces), are exactly what it
//     prints, stdout and stderr together as a terminal shows them. Blank
//     lines inside the output count; blank lines after it do not. An
//     example whose output ends with the line main prints on error,
//     "occbench: MESSAGE", must fail with that message; any other must
//     succeed.
//
// In both forms, "  #" starts a comment that is not part of the command.
// The commands run in a scratch directory laid out like the repository;
// "/tmp/" in a command names the scratch directory's tmp, and that
// directory prints as "/tmp/" again (readmeNormalise).
type readmeExample struct {
	line   int    // in README.md, from 1
	cmd    string // "occbench ARGS"
	output bool   // whether the README shows what cmd prints
	want   string // what cmd prints, when output
}

// parseREADME returns the README's examples in order.
func parseREADME(readme string) ([]readmeExample, error) {
	var (
		exs  []readmeExample
		cur  *readmeExample // the example whose output is being read
		want []string
	)
	end := func() {
		if cur == nil {
			return
		}
		for len(want) > 0 && want[len(want)-1] == "" {
			want = want[:len(want)-1]
		}
		if len(want) > 0 {
			cur.want = strings.Join(want, "\n") + "\n"
		}
		exs = append(exs, *cur)
		cur, want = nil, nil
	}
	for i, line := range strings.Split(readme, "\n") {
		code, indented := strings.CutPrefix(line, "    ")
		blank := strings.TrimSpace(line) == ""
		switch {
		case indented && strings.HasPrefix(code, "$ "):
			end()
			cmd := readmeCommand(code[len("$ "):])
			if !strings.HasPrefix(cmd, "occbench ") {
				return nil, fmt.Errorf("README.md:%d: %q: an example with output must run occbench", i+1, cmd)
			}
			cur = &readmeExample{line: i + 1, cmd: cmd, output: true}
		case cur != nil && blank:
			want = append(want, "")
		case cur != nil && indented:
			want = append(want, code)
		default:
			end()
			if indented && strings.HasPrefix(code, "occbench ") {
				exs = append(exs, readmeExample{line: i + 1, cmd: readmeCommand(code)})
			}
		}
	}
	end()
	return exs, nil
}

// readmeCommand trims a command line and cuts off its comment.
func readmeCommand(s string) string {
	if i := strings.Index(s, "  #"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// readmeNormalise makes what a command printed comparable with the README:
// the scratch tmp directory prints as /tmp. It is the only rewriting of
// output the test does.
func readmeNormalise(out, tmp string) string {
	return strings.ReplaceAll(out, tmp+"/", "/tmp/")
}

// lockedBuffer is stdout and stderr in one, as a terminal shows them, safe
// for commands that write both from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *lockedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// runREADMECommand runs occbench in-process and returns what it prints,
// stdout and stderr together, ending with main's error line when it fails.
func runREADMECommand(ctx context.Context, args []string) (string, error) {
	var out lockedBuffer
	err := run(ctx, &out, &out, args)
	if err != nil {
		fmt.Fprintf(&out, "occbench: %v\n", err)
	}
	return out.b.String(), err
}

// TestREADMEParse checks how examples are read from the README.
func TestREADMEParse(t *testing.T) {
	readme := strings.Join([]string{
		"Text.",
		"",
		"    occbench a b  # a comment",
		"    occbench c",
		"",
		"    $ occbench d",
		"    out 1",
		"",
		"      out 2",
		"    occbench e",
		"",
		"    $ occbench f",
		"    $ occbench g",
		"    occbench: failed",
		"",
		"More text.",
		"    occbench h",
		"",
	}, "\n")
	got, err := parseREADME(readme)
	if err != nil {
		t.Fatal(err)
	}
	want := []readmeExample{
		{line: 3, cmd: "occbench a b"},
		{line: 4, cmd: "occbench c"},
		{line: 6, cmd: "occbench d", output: true, want: "out 1\n\n  out 2\noccbench e\n"},
		{line: 12, cmd: "occbench f", output: true},
		{line: 13, cmd: "occbench g", output: true, want: "occbench: failed\n"},
		{line: 17, cmd: "occbench h"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("parseREADME:\n got %v\nwant %v", got, want)
	}
	if _, err := parseREADME("    $ make run\n"); err == nil {
		t.Error("parseREADME accepted an example that does not run occbench")
	}
}

// TestREADMECommands runs every occbench command the README shows, in
// order, in a scratch directory laid out like the repository, and checks
// the output the README shows for it (see readmeExample), so that the
// README stays true.
func TestREADMECommands(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	exs, err := parseREADME(string(readme))
	if err != nil {
		t.Fatal(err)
	}
	withOutput := 0
	for _, ex := range exs {
		if ex.output {
			withOutput++
		}
	}
	if len(exs) < 10 || withOutput < 5 {
		t.Fatalf("found only %d commands, %d with output, in the README", len(exs), withOutput)
	}
	repo, _ := filepath.Abs("../..")
	work := t.TempDir()
	for _, d := range []string{"testdata", "cmd"} {
		if err := os.Symlink(filepath.Join(repo, d), filepath.Join(work, d)); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(work)
	// The README's /tmp outputs go to the scratch directory.
	tmp := filepath.Join(work, "tmp")
	os.Mkdir(tmp, 0o755)
	// Data for the commands that read data/default, made the way the
	// README makes it.
	if _, _, err := runCLI(t, "synth", "-o", "data/default"); err != nil {
		t.Fatal(err)
	}
	for _, ex := range exs {
		if why, ok := readmeSkip(ex.cmd); ok {
			t.Logf("skip %q: %s", ex.cmd, why)
			continue
		}
		cmd := ex.cmd
		if s, ok := readmeStandIns[ex.cmd]; ok {
			if ex.output {
				t.Errorf("README.md:%d: %q shows its output, so it cannot have a stand-in", ex.line, ex.cmd)
				continue
			}
			cmd = s
		}
		args := strings.Fields(strings.ReplaceAll(cmd, "/tmp/", tmp+"/"))[1:]
		got, err := runREADMECommand(t.Context(), args)
		got = readmeNormalise(got, tmp)
		if !ex.output {
			if err != nil {
				t.Errorf("README.md:%d: %q failed:\n%s", ex.line, ex.cmd, got)
			}
			continue
		}
		lines := strings.Split(strings.TrimSuffix(ex.want, "\n"), "\n")
		wantErr := strings.HasPrefix(lines[len(lines)-1], "occbench: ")
		switch {
		case wantErr && err == nil:
			t.Errorf("README.md:%d: %q succeeded; the README shows it failing", ex.line, ex.cmd)
		case !wantErr && err != nil:
			t.Errorf("README.md:%d: %q failed: %v", ex.line, ex.cmd, err)
		}
		if got != ex.want {
			t.Errorf("README.md:%d: %q prints other than the README shows:\n%s", ex.line, ex.cmd, goldenfile.Diff(ex.want, got))
		}
	}
}
