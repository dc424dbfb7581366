package prompt

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/occbench/occbench/bench/onet"
)

func TestParseOutput(t *testing.T) {
	for _, tc := range []struct {
		name      string
		out       string
		truncated bool
		reason    string
		answer    string
		how       string
	}{
		{"joint", "<think>\nWorked as a programmer.\n</think>\n<answer>\nSoftware Developers\n</answer>", false, "Worked as a programmer.", "Software Developers", ParseTag},
		{"one line", "<think>r</think><answer>Software Developers</answer>", false, "r", "Software Developers", ParseTag},
		{"upper-case tags", "<THINK>r</THINK>\n<Answer>Software Developers</Answer>", false, "r", "Software Developers", ParseTag},
		{"empty think (Qwen3 SFT)", "<think>\n\n</think>\n\nSoftware Developers", false, "", "Software Developers", ParseLastLine},
		{"empty think, tagged", "<think>\n\n</think>\n\n<answer>\nSoftware Developers\n</answer>", false, "", "Software Developers", ParseTag},
		{"think opened in the template", "The history shows…\n</think>\n\n<answer>Software Developers</answer>", false, "The history shows…", "Software Developers", ParseTag},
		{"answer not closed", "<think>r</think>\n<answer>\nSoftware Developers\n", false, "r", "Software Developers", ParseOpenTag},
		{"answer not opened", "<think>r</think>\nSoftware Developers\n</answer>", false, "r", "Software Developers", ParseOpenTag},
		{"think not closed, answer follows", "<think>r\n<answer>Software Developers</answer>", false, "r", "Software Developers", ParseTag},
		{"think never closed", "<think>reasoning goes on", false, "reasoning goes on", "", ParseUnclosedThink},
		{"code fence", "```xml\n<think>r</think>\n<answer>\nSoftware Developers\n</answer>\n```", false, "r", "Software Developers", ParseTag},
		{"fenced bare answer", "```\nSoftware Developers\n```", false, "", "Software Developers", ParseLastLine},
		{"prose before the tags", "Looking at the jobs, the next step is development.\n<answer>Software Developers</answer>", false, "Looking at the jobs, the next step is development.", "Software Developers", ParseTag},
		{"prose after the tags", "<answer>Software Developers</answer>\nThis fits the trajectory.", false, "", "Software Developers", ParseTag},
		{"last answer wins", "<think>format: <answer>X</answer></think><answer>Software Developers</answer>", false, "format: <answer>X</answer>", "Software Developers", ParseTag},
		{"answer line", "They moved into coding.\nFinal answer: Software Developers\nGood luck.", false, "They moved into coding.", "Software Developers", ParseAnswerLine},
		{"bold answer line", "**Answer:** Software Developers", false, "", "Software Developers", ParseAnswerLine},
		{"occupation line", "Reasoning.\nNext occupation: Software Developers", false, "Reasoning.", "Software Developers", ParseAnswerLine},
		{"bare title", "Software Developers", false, "", "Software Developers", ParseLastLine},
		{"prose, last line", "They moved into coding.\n\nSoftware Developers\n", false, "They moved into coding.", "Software Developers", ParseLastLine},
		{"multi-line inside tags", "<answer>\nThe next occupation is likely:\nSoftware Developers\n</answer>", false, "", "Software Developers", ParseTag},
		{"answer line inside tags", "<answer>\nAnswer: Software Developers\n(15-1252.00)\n</answer>", false, "", "Software Developers", ParseTag},
		{"truncated in think", "<think>\nThey worked as", true, "They worked as", "", ParseTruncated},
		{"truncated in answer", "<think>r</think>\n<answer>\nSoftw", true, "r", "", ParseTruncated},
		{"truncated, no tags", "They worked as a programmer and then", true, "", "", ParseTruncated},
		{"truncated after </answer>", "<think>r</think><answer>Software Developers</answer>\nMore", true, "r", "Software Developers", ParseTag},
		{"empty", "", false, "", "", ParseEmpty},
		{"empty answer tags", "<think>r</think><answer>  </answer>", false, "r", "", ParseEmpty},
		{"only think", "<think>r</think>", false, "r", "", ParseEmpty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := ParseOutput(tc.out, tc.truncated)
			if p.Reason != tc.reason || p.Answer != tc.answer || p.How != tc.how {
				t.Errorf("ParseOutput(%q) = reason %q, answer %q, how %s; want %q, %q, %s", tc.out, p.Reason, p.Answer, p.How, tc.reason, tc.answer, tc.how)
			}
		})
	}
}

// The parsed answer maps onto O*NET with the normaliser, recording how.
func TestParsedAnswerMapping(t *testing.T) {
	tax := onet.Default()
	for _, tc := range []struct{ out, code, method string }{
		{"<answer>Software Developers</answer>", "15-1252.00", "exact"},
		{"<answer>**software developer**</answer>", "15-1252.00", "normalised"},
		{"Answer: 15-1252.00", "15-1252.00", "code"},
		{"<answer>Registered Nurse</answer>", "29-1141.00", "normalised"},
		{"<answer>a job that does not exist</answer>", "", "none"},
	} {
		m := tax.Normalize(ParseOutput(tc.out, false).Answer)
		if m.Code != tc.code || m.Method.String() != tc.method {
			t.Errorf("%q → %s (%s), want %s (%s)", tc.out, m.Code, m.Method, tc.code, tc.method)
		}
	}
}

func TestReasoningText(t *testing.T) {
	for in, want := range map[string]string{
		"<think>\nsteady growth\n</think>": "steady growth",
		"<think>\nsteady growth":           "steady growth",
		"steady growth":                    "steady growth",
		"<think>\n\n</think>\nafter":       "after",
		"```\n<think>x</think>\n```":       "x",
	} {
		if got := ReasoningText(in); got != want {
			t.Errorf("ReasoningText(%q) = %q, want %q", in, got, want)
		}
	}
}

var parseHows = map[string]bool{ParseTag: true, ParseOpenTag: true, ParseAnswerLine: true, ParseCue: true,
	ParseBold: true, ParseList: true, ParseCodeLine: true, ParseFirstLine: true, ParseLastLine: true,
	ParseTruncated: true, ParseUnclosedThink: true, ParseEmpty: true}

func FuzzParseOutput(f *testing.F) {
	for _, s := range []string{
		"<think>\nr\n</think>\n<answer>\nSoftware Developers\n</answer>",
		"<think>\n\n</think>\n\nSoftware Developers",
		"```xml\n<answer>X</answer>\n```",
		"Answer: X",
		"<think>open",
		"</answer><answer></think><think>",
		"<ANSWER>İstanbul</ANSWER>",
		"The next occupation is:\n\n**Registered Nurses** (29-1141.00)",
		"**Final Answer:**\n-----\n1. Rank 1: __X__ – why",
		"I predict that they will become a **X (29-1141.00), which",
		"Registered Nurses.\n\nThey will be a",
		"role as a (29-1141.00",
		"X\n\nHope this helps!\nLet me know.",
		"**\n**a**:**",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	for _, tc := range proseCases {
		f.Add(tc.out, false)
	}
	f.Fuzz(func(t *testing.T, out string, truncated bool) {
		p := ParseOutput(out, truncated)
		if !parseHows[p.How] {
			t.Fatalf("how %q", p.How)
		}
		if (p.Answer == "") != (p.How == ParseTruncated || p.How == ParseUnclosedThink || p.How == ParseEmpty) {
			t.Fatalf("answer %q with how %s", p.Answer, p.How)
		}
		if strings.ContainsAny(p.Answer, "\r\n") || p.Answer != strings.TrimSpace(p.Answer) {
			t.Fatalf("answer %q is not one trimmed line", p.Answer)
		}
		if p.Answer != "" && !strings.Contains(out, p.Answer) {
			t.Fatalf("answer %q is not in the output %q", p.Answer, out)
		}
		if utf8.ValidString(out) && !utf8.ValidString(p.Answer+p.Reason) {
			t.Fatalf("valid UTF-8 in, invalid out: %q %q", p.Answer, p.Reason)
		}
		if q := ParseOutput(out, truncated); q != p {
			t.Fatal("not deterministic")
		}
		_ = ReasoningText(out)
	})
}
