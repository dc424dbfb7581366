package reports

import (
	"cmp"
	"slices"
	"strings"

	"github.com/occbench/occbench/rundir"
)

// The paper's system categories, in the order of its Table 2; Baselines
// (last, mostpop, markov) are occbench's own and come first.
const (
	CatBaselines   = "Baselines"
	CatTransformer = "Transformer recommenders"
	CatVariants    = "occbench variants"
	CatCoT         = "Zero-shot CoT"
	CatDirect      = "No reasoning"
	CatProposed    = "Proposed models"
	CatReplay      = "Replayed"
	CatOther       = "Other"
)

var categoryOrder = []string{CatBaselines, CatTransformer, CatVariants, CatCoT, CatDirect, CatProposed}

// Category derives a runner's category from its kind and llm mode.
func Category(kind, mode string) string {
	switch kind {
	case "last", "mostpop", "markov":
		return CatBaselines
	case "sasrec", "bert4rec":
		return CatTransformer
	case "sasrec+", "bert4rec+":
		return CatVariants
	case "replay":
		return CatReplay
	case "llm":
		switch mode {
		case "cot":
			return CatCoT
		case "direct":
			return CatDirect
		case "joint", "two-model":
			return CatProposed
		}
	}
	return CatOther
}

// newSystem reads what the manifest says about a runner. Its settings (or
// info) may carry display, category and paper keys that override what the
// kind implies.
func newSystem(name string, rm *rundir.RunnerManifest) *System {
	s := &System{Name: name, Display: name}
	if rm == nil {
		s.Category = CatOther
		return s
	}
	s.Kind = rm.Kind
	get := func(key string) string {
		if m, ok := rm.Settings.(map[string]any); ok {
			if v, ok := m[key].(string); ok && v != "" {
				return v
			}
		}
		if v, ok := rm.Info[key].(string); ok && v != "" {
			return v
		}
		return ""
	}
	s.Mode = get("mode")
	s.Category = Category(s.Kind, s.Mode)
	// The suite's common keys (display, category, paper) win; older runs
	// may carry them in settings or info.
	s.Category = cmp.Or(rm.Category, get("category"), s.Category)
	s.Display = cmp.Or(rm.Display, get("display"), get("label"), s.Display)
	s.Paper = cmp.Or(rm.Paper, get("paper"))
	return s
}

// categoryRank orders categories: the paper's first, then others by name.
func categoryRank(c string) int {
	if i := slices.Index(categoryOrder, c); i >= 0 {
		return i
	}
	return len(categoryOrder)
}

// sortSystems orders systems by category, keeping suite order inside one.
func sortSystems(ss []*System) {
	slices.SortStableFunc(ss, func(a, b *System) int {
		ra, rb := categoryRank(a.Category), categoryRank(b.Category)
		if ra != rb {
			return ra - rb
		}
		if ra == len(categoryOrder) {
			return strings.Compare(a.Category, b.Category)
		}
		return 0
	})
}
