package prompt

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// RerankData is what the rerank prompt sees: the text to code and the
// classifier's candidates, numbered from 1.
type RerankData struct {
	Text       string
	Candidates []RerankCandidate
}

// RerankCandidate is one numbered candidate occupation.
type RerankCandidate struct {
	N           int
	Code        string
	Title       string
	Description string // the first sentence of O*NET's description
}

// LoadRerank parses the embedded rerank prompt, or the file override. A
// template that fails to render, or leaves out the text or the candidates'
// titles, is an error now rather than a thousand useless requests.
func LoadRerank(override string) (*Template, error) {
	t, err := loadText("rerank.tmpl", override)
	if err != nil {
		return nil, err
	}
	out, err := t.RenderAny(RerankData{Text: "\x00text\x00", Candidates: []RerankCandidate{{N: 1, Code: "15-1252.00", Title: "\x00title\x00"}}})
	switch {
	case err != nil:
		return nil, err
	case !strings.Contains(out, "\x00text\x00"):
		return nil, fmt.Errorf("prompt %s: the template does not use {{.Text}}", t.Source)
	case !strings.Contains(out, "\x00title\x00"):
		return nil, fmt.Errorf("prompt %s: the template does not list {{.Candidates}} with their {{.Title}}", t.Source)
	}
	return t, nil
}

// pickTag and pickNumber find the model's pick: the number inside the last
// <answer> tags, else the last number of the reply.
var (
	pickTag    = regexp.MustCompile(`(?is)<answer>\s*(\d+)\s*</answer>`)
	pickNumber = regexp.MustCompile(`\b(\d+)\b`)
)

// ParsePick reads which of n candidates a rerank reply picks: 1 to n, or 0
// for none. A reply without a number in range is an error.
func ParsePick(reply string, n int) (int, error) {
	_, rest, _ := splitThink(stripFences(unixLines(reply)))
	var m [][]string
	if m = pickTag.FindAllStringSubmatch(rest, -1); m == nil {
		m = pickNumber.FindAllStringSubmatch(rest, -1)
	}
	if m == nil {
		return 0, fmt.Errorf("no candidate number in the reply %q", clip(reply, 80))
	}
	k, err := strconv.Atoi(m[len(m)-1][1])
	if err != nil || k < 0 || k > n {
		return 0, fmt.Errorf("candidate %s in the reply: want 0 to %d", m[len(m)-1][1], n)
	}
	return k, nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
