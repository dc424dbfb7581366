package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
// run of the same command; make run runs the full ones.
var readmeStandIns = map[string]string{
	"occbench run --suite testdata/suites/default.yaml": "occbench run --suite testdata/suites/default.yaml --only last,mostpop,markov1,markov2",
}

// TestREADMECommands runs every occbench command the README shows, in
// order, in a scratch directory laid out like the repository, so that the
// README stays true.
func TestREADMECommands(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	f, err := os.Open("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cmds []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "    occbench ") {
			continue
		}
		cmd := strings.TrimSpace(line)
		if i := strings.Index(cmd, "  #"); i > 0 {
			cmd = strings.TrimSpace(cmd[:i])
		}
		cmds = append(cmds, cmd)
	}
	if len(cmds) < 10 {
		t.Fatalf("found only %d commands in the README", len(cmds))
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
	for _, cmd := range cmds {
		if why, ok := readmeSkip(cmd); ok {
			t.Logf("skip %q: %s", cmd, why)
			continue
		}
		run := cmd
		if s, ok := readmeStandIns[cmd]; ok {
			run = s
		}
		args := strings.Fields(strings.ReplaceAll(run, "/tmp/", tmp+"/"))[1:]
		if _, stderr, err := runCLI(t, args...); err != nil {
			t.Errorf("README command %q: %v\n%s", cmd, err, stderr)
		}
	}
}
