package prompt

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/internal/golden"
)

func TestParsePath(t *testing.T) {
	const (
		sd = "Software Developers"
		cm = "Computer and Information Systems Managers"
		ci = "Chief Executives"
	)
	for _, tc := range []struct {
		name      string
		out       string
		truncated bool
		items     []string
		how       string
		reason    string
	}{
		{"numbered dot", "<answer>\n1. Software Developers\n2. Computer and Information Systems Managers\n3. Chief Executives\n</answer>", false, []string{sd, cm, ci}, ParseTag, ""},
		{"numbered paren", "<answer>\n1) Software Developers\n2) Chief Executives\n</answer>", false, []string{sd, ci}, ParseTag, ""},
		{"numbered dash", "<answer>\n1 - Software Developers\n2 – Chief Executives\n</answer>", false, []string{sd, ci}, ParseTag, ""},
		{"parenthesised numbers", "<answer>\n(1) Software Developers\n(2) Chief Executives\n</answer>", false, []string{sd, ci}, ParseTag, ""},
		{"step labels", "<answer>\nStep 1: Software Developers\nStep 2: Chief Executives\n</answer>", false, []string{sd, ci}, ParseTag, ""},
		{"bold numbers", "<answer>\n**1.** Software Developers\n**2.** Chief Executives\n</answer>", false, []string{sd, ci}, ParseTag, ""},
		{"bold titles", "<answer>\n1. **Software Developers**\n2. **Chief Executives**\n</answer>", false, []string{sd, ci}, ParseTag, ""},
		{"bullets", "<answer>\n- Software Developers\n* Chief Executives\n• Software Developers\n</answer>", false, []string{sd, ci, sd}, ParseTag, ""},
		{"plain lines", "<answer>\nSoftware Developers\nChief Executives\n</answer>", false, []string{sd, ci}, ParseTag, ""},
		{"heading then lines", "<answer>\nThe next three occupations:\nSoftware Developers\nChief Executives\n</answer>", false, []string{sd, ci}, ParseTag, ""},
		{"heading then list", "<answer>\nPath:\n1. Software Developers\n2. Chief Executives\n</answer>", false, []string{sd, ci}, ParseTag, ""},
		{"inline numbered", "<answer>1. Software Developers 2. Computer and Information Systems Managers 3. Chief Executives</answer>", false, []string{sd, cm, ci}, ParseTag, ""},
		{"inline numbered, commas", "<answer>1) Software Developers, 2) Chief Executives</answer>", false, []string{sd, ci}, ParseTag, ""},
		{"inline under heading", "<answer>\nAnswer:\n1. Software Developers 2. Chief Executives\n</answer>", false, []string{sd, ci}, ParseTag, ""},
		{"arrows", "<answer>Software Developers → Computer and Information Systems Managers -> Chief Executives</answer>", false, []string{sd, cm, ci}, ParseTag, ""},
		{"semicolons", "<answer>Software Developers; Chief Executives</answer>", false, []string{sd, ci}, ParseTag, ""},
		{"then", "<answer>Software Developers, then Chief Executives</answer>", false, []string{sd, ci}, ParseTag, ""},
		{"single item", "<answer>\n1. Software Developers\n</answer>", false, []string{sd}, ParseTag, ""},
		{"single bare title", "<answer>Software Developers</answer>", false, []string{sd}, ParseTag, ""},
		{"title with commas stays whole", "<answer>\n1. Secretaries and Administrative Assistants, Except Legal, Medical, and Executive\n2. Chief Executives\n</answer>", false, []string{"Secretaries and Administrative Assistants, Except Legal, Medical, and Executive", ci}, ParseTag, ""},
		{"digit inside a title", "<answer>1. Level 3 Technicians 2. Chief Executives</answer>", false, []string{"Level 3 Technicians", ci}, ParseTag, ""},
		{"codes kept", "<answer>\n1. Software Developers (15-1252.00)\n2. 11-1011.00\n</answer>", false, []string{"Software Developers (15-1252.00)", "11-1011.00"}, ParseTag, ""},
		{"explanations dropped", "<answer>\n1. Software Developers – the natural next step\n   - builds on their coding\n2. Chief Executives, because they lead\n</answer>", false, []string{sd, ci}, ParseTag, ""},
		{"marker alone on its line", "<answer>\n1.\nSoftware Developers\n2.\nChief Executives\n</answer>", false, []string{sd, ci}, ParseTag, ""},
		{"duplicates", "<answer>\n1. Software Developers\n2. Software Developers\n3. Software Developers\n</answer>", false, []string{sd, sd, sd}, ParseTag, ""},
		{"extra items kept", "<answer>\n1. Actors\n2. Bakers\n3. Cooks\n4. Dancers\n</answer>", false, []string{"Actors", "Bakers", "Cooks", "Dancers"}, ParseTag, ""},
		{"joint reply", "<think>\nThey code.\n</think>\n<answer>\n1. Software Developers\n2. Chief Executives\n</answer>", false, []string{sd, ci}, ParseTag, "They code."},
		{"open tag", "<think>r</think>\n<answer>\n1. Software Developers\n2. Chief Executives", false, []string{sd, ci}, ParseOpenTag, "r"},
		{"fenced", "```\n<answer>\n1. Software Developers\n2. Chief Executives\n</answer>\n```", false, []string{sd, ci}, ParseTag, ""},
		{"crlf", "<answer>\r\n1. Software Developers\r\n2. Chief Executives\r\n</answer>", false, []string{sd, ci}, ParseTag, ""},
		{"untagged list", "They code and will lead.\n\n1. Software Developers\n2. Chief Executives\n\nHope this helps!", false, []string{sd, ci}, ParseList, "They code and will lead."},
		{"untagged inline answer line", "They code.\nAnswer: 1. Software Developers 2. Chief Executives", false, []string{sd, ci}, ParseAnswerLine, "They code."},
		{"untagged arrow path", "They code.\nPredicted path: Software Developers → Chief Executives", false, []string{sd, ci}, ParseAnswerLine, "They code."},
		{"untagged single answer", "They code.\nFinal answer: Software Developers", false, []string{sd}, ParseAnswerLine, "They code."},
		{"truncated", "<think>r</think>\n<answer>\n1. Software Developers\n2. Chi", true, nil, ParseTruncated, "r"},
		{"unclosed think", "<think>still thinking", false, nil, ParseUnclosedThink, "still thinking"},
		{"empty tags", "<answer>\n</answer>", false, nil, ParseEmpty, ""},
		{"empty", "", false, nil, ParseEmpty, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := ParsePath(tc.out, tc.truncated)
			if !slices.Equal(p.Items, tc.items) || p.How != tc.how || p.Reason != tc.reason {
				t.Errorf("ParsePath(%q)\n = items %q, how %s, reason %q\nwant items %q, how %s, reason %q", tc.out, p.Items, p.How, p.Reason, tc.items, tc.how, tc.reason)
			}
		})
	}
}

// A single-step answer read as a path is a path of one item, the answer
// ParseOutput finds.
func TestParsePathOfSingleAnswers(t *testing.T) {
	for _, out := range []string{
		"<think>r</think><answer>Software Developers</answer>",
		"They moved into coding.\nFinal answer: Software Developers\nGood luck.",
		"Software Developers",
	} {
		one, path := ParseOutput(out, false), ParsePath(out, false)
		if len(path.Items) != 1 || path.Items[0] != one.Answer || path.How != one.How {
			t.Errorf("%q: path %q (%s), single answer %q (%s)", out, path.Items, path.How, one.Answer, one.How)
		}
	}
}

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{
		"<answer>\n1. Software Developers\n2. Chief Executives\n</answer>",
		"<answer>1. A 2. B 3. C</answer>",
		"<answer>A → B; C, then D</answer>",
		"<think>r</think>\n1) A\n2) B",
		"Answer: 1. A 2. B",
		"<answer>\n1.\n\n2.\n</answer>",
		"- A\n* B\n• C",
		"Step 1: A\nStep 2: B",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, out string, truncated bool) {
		p := ParsePath(out, truncated)
		if (len(p.Items) == 0) != (p.How == ParseEmpty || p.How == ParseTruncated || p.How == ParseUnclosedThink) {
			t.Errorf("ParsePath(%q): items %q with how %s", out, p.Items, p.How)
		}
		for _, it := range p.Items {
			if strings.Contains(it, "\n") {
				t.Errorf("ParsePath(%q): item %q spans lines", out, it)
			}
			if utf8.ValidString(out) && !utf8.ValidString(it) {
				t.Errorf("ParsePath(%q): item %q is not valid UTF-8", out, it)
			}
		}
		// The items of a path, numbered, read back as themselves.
		var b strings.Builder
		b.WriteString("<answer>\n")
		for i, it := range p.Items {
			b.WriteString(strconv.Itoa(i+1) + ". " + it + "\n")
		}
		b.WriteString("</answer>")
		if len(p.Items) > 1 && slices.Index(p.Items, "") < 0 {
			again := ParsePath(b.String(), false)
			if len(again.Items) != len(p.Items) {
				t.Errorf("ParsePath(%q): items %q read back as %q", out, p.Items, again.Items)
			}
		}
	})
}

// The path prompts of the roles that answer, for a history of two jobs and
// K = 3, are the golden files; the single-step prompt of each role is the
// same whatever the horizon.
func TestPathPrompts(t *testing.T) {
	ex := &bench.Example{UserID: "u1", History: []bench.Record{
		{Kind: bench.Job, Title: "Junior dev", Code: "15-1251.00", Occupation: "Computer Programmers", Start: bench.DateOf(2010, 7, 1), End: bench.DateOf(2013, 1, 1)},
		{Kind: bench.Job, Title: "Dev lead", Code: "15-1252.00", Occupation: "Software Developers", Start: bench.DateOf(2013, 2, 1)},
	}}
	rp, err := NewRolePrompts()
	if err != nil {
		t.Fatal(err)
	}
	for _, role := range []string{RoleJoint, RoleDirect, RolePredictor, RoleReasoner} {
		got, err := rp.RenderPath(role, ex, "They lead a team.", 3)
		if err != nil {
			t.Fatal(err)
		}
		single, err := rp.Render(role, ex, "They lead a team.")
		if err != nil {
			t.Fatal(err)
		}
		if role == RoleReasoner {
			if got != single {
				t.Errorf("reasoner: the path run's prompt differs from the single-step prompt")
			}
			continue
		}
		golden.Check(t, filepath.Join("testdata", "path_"+role+".golden"), []byte(got))
		pp := ParsePath(got, false)
		if len(pp.Items) != 3 {
			t.Errorf("%s: the reply format shown reads as %d items %q, want 3", role, len(pp.Items), pp.Items)
		}
	}
}

func TestLoadPathRefusesSingleStepTemplates(t *testing.T) {
	for single, path := range PathTemplates {
		if _, err := LoadPath(single, "", single == "predictor.tmpl"); err == nil || !strings.Contains(err.Error(), "{{.Horizon}}") {
			t.Errorf("LoadPath(%s): %v, want an error naming {{.Horizon}}", single, err)
		}
		if _, err := LoadPath(path, "", single == "predictor.tmpl"); err != nil {
			t.Errorf("LoadPath(%s): %v", path, err)
		}
	}
}
