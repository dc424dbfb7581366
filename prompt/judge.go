package prompt

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// ParseJudge reads a judge's verdict on dimension dim from its reply: a
// 1–5 score and a justification. It is lenient, as judges are: the JSON
// may sit in a code fence or among other text, the keys may be
// "<dim>_score" or "score" (also inside a "<dim>" object), and the score may be a string ("4", "4/5") or
// a whole-valued number (4.0). Without a JSON object that decodes, a
// "<dim>_score": N pair anywhere in the text is taken.
func ParseJudge(text, dim string) (score int, justification string, err error) {
	text = stripFences(unixLines(text))
	for i := strings.IndexByte(text, '{'); i >= 0; {
		var obj map[string]any
		dec := json.NewDecoder(strings.NewReader(text[i:]))
		if dec.Decode(&obj) == nil {
			if s, j, ok, err := judgeFields(obj, dim); ok {
				return s, j, err
			}
		}
		next := strings.IndexByte(text[i+1:], '{')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	re := regexp.MustCompile(`(?i)(?:^|[^a-z_])"?(?:` + regexp.QuoteMeta(dim) + `_)?score"?\s*[:=]\s*"?\s*(\d+(?:\.\d+)?)`)
	if m := re.FindStringSubmatch(text); m != nil {
		s, err := scoreOf(m[1])
		if err != nil {
			return 0, "", err
		}
		jre := regexp.MustCompile(`(?is)"(?:` + regexp.QuoteMeta(dim) + `_)?justification"\s*:\s*"((?:[^"\\]|\\.)*)"`)
		if jm := jre.FindStringSubmatch(text); jm != nil {
			if u, err := strconv.Unquote(`"` + jm[1] + `"`); err == nil {
				justification = u
			} else {
				justification = jm[1]
			}
		}
		return s, justification, nil
	}
	return 0, "", fmt.Errorf("no %s score in the judge's reply", dim)
}

// judgeFields takes the score and justification from a decoded object;
// ok is false when it has no score key.
func judgeFields(obj map[string]any, dim string) (score int, just string, ok bool, err error) {
	var raw any
	for k, v := range obj {
		switch strings.ToLower(strings.TrimSpace(k)) {
		case dim + "_score":
			raw, ok = v, true
		case "score":
			if !ok {
				raw = v
			}
		}
	}
	if raw == nil {
		// {"factuality": {"score": 4, "justification": "…"}}
		for k, v := range obj {
			if sub, isObj := v.(map[string]any); isObj && strings.EqualFold(strings.TrimSpace(k), dim) {
				return judgeFields(sub, dim)
			}
		}
		return 0, "", false, nil
	}
	for k, v := range obj {
		switch strings.ToLower(strings.TrimSpace(k)) {
		case dim + "_justification", "justification":
			if s, isStr := v.(string); isStr && (just == "" || strings.HasPrefix(strings.ToLower(k), dim)) {
				just = s
			}
		}
	}
	switch v := raw.(type) {
	case float64:
		score, err = scoreOf(strconv.FormatFloat(v, 'f', -1, 64))
	case string:
		score, err = scoreOf(v)
	default:
		err = fmt.Errorf("%s score %v: want a number from 1 to 5", dim, v)
	}
	return score, just, true, err
}

// scoreOf reads "4", "4.0", " 4 / 5" as 4; a score outside 1–5 or with a
// fraction is an error, not a guess.
func scoreOf(s string) (int, error) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '/'); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) {
		return 0, fmt.Errorf("score %q: want a number from 1 to 5", s)
	}
	if f != math.Trunc(f) || f < 1 || f > 5 {
		return 0, fmt.Errorf("score %v: want a whole number from 1 to 5", f)
	}
	return int(f), nil
}
