package metrics

// PathMatch compares a predicted path of occupations with the true one.
type PathMatch struct {
	Exact   bool    // every step right
	Prefix  int     // steps right before the first wrong one
	Jaccard float64 // |predicted ∩ true| / |predicted ∪ true|, as sets
	Edit    float64 // Levenshtein distance over the steps, divided by the longer path's length
}

// MatchPath scores pred against truth, step by step. An empty string is
// no answer: it matches nothing, not even another empty string.
func MatchPath(truth, pred []string) PathMatch {
	var m PathMatch
	for m.Prefix < min(len(truth), len(pred)) && pred[m.Prefix] != "" && pred[m.Prefix] == truth[m.Prefix] {
		m.Prefix++
	}
	m.Exact = len(truth) > 0 && m.Prefix == len(truth) && len(pred) == len(truth)
	set := func(s []string) map[string]bool {
		out := map[string]bool{}
		for _, c := range s {
			if c != "" {
				out[c] = true
			}
		}
		return out
	}
	ts, ps := set(truth), set(pred)
	inter := 0
	for c := range ps {
		if ts[c] {
			inter++
		}
	}
	if union := len(ts) + len(ps) - inter; union > 0 {
		m.Jaccard = float64(inter) / float64(union)
	}
	if l := max(len(truth), len(pred)); l > 0 {
		m.Edit = float64(levenshtein(truth, pred)) / float64(l)
	}
	return m
}

// levenshtein is the edit distance between two sequences of codes, where
// "" equals nothing.
func levenshtein(a, b []string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			sub := 1
			if a[i-1] != "" && a[i-1] == b[j-1] {
				sub = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+sub)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// PathSummary is the mean of each path measure over users.
type PathSummary struct {
	Exact      Number `json:"exact"`       // share of users with every step right
	PrefixMean Number `json:"prefix_mean"` // mean length of the right prefix, in steps
	Jaccard    Number `json:"jaccard"`     // mean set overlap of predicted and true occupations
	Edit       Number `json:"edit"`        // mean normalised edit distance (0 is the true path)
}

// SummarisePaths averages the matches of users' paths.
func SummarisePaths(ms []PathMatch) PathSummary {
	if len(ms) == 0 {
		return PathSummary{}
	}
	var exact, prefix, jac, edit float64
	for _, m := range ms {
		if m.Exact {
			exact++
		}
		prefix += float64(m.Prefix)
		jac += m.Jaccard
		edit += m.Edit
	}
	n := float64(len(ms))
	return PathSummary{Exact: Num(exact / n), PrefixMean: Num(prefix / n), Jaccard: Num(jac / n), Edit: Num(edit / n)}
}
