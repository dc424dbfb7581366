package rundir

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/occbench/occbench/bench"
)

// MergeOptions control Merge.
type MergeOptions struct {
	// TestPath overrides the test set the shards' manifests name, when it
	// has moved; its digest must still match.
	TestPath string
}

// Merged is what Merge wrote.
type Merged struct {
	Scores *Scores
	// Warnings are facts to tell: shards made by different occbench
	// versions.
	Warnings []string
}

// shardRun is one shard's run directory.
type shardRun struct {
	dir    string
	man    *Manifest
	scores *Scores
}

// Merge joins the run directories of the N shards of one run (occbench
// run --shard K/N) into a new run directory out: one manifest, every
// runner's predictions in test-set order, and scores.json computed once
// over all the records, with the run's protocol and seed, exactly as an
// unsharded run scores them; shard scores are never averaged.
//
// It refuses shards of different runs (suite, test and training sets,
// seed, protocol, --limit, runners and their settings, N), an unfinished
// shard, a shard given twice or missing, and records that do not cover
// every test user exactly once. out must not exist or be empty; it
// appears complete or not at all.
func Merge(out string, dirs []string, o MergeOptions) (*Merged, error) {
	shards, err := readShards(dirs)
	if err != nil {
		return nil, err
	}
	if err := checkOut(out); err != nil {
		return nil, err
	}
	first := shards[0]
	testPath, err := TestSetPath(first.dir, first.man, o.TestPath)
	if err != nil {
		return nil, err
	}
	test, _, err := bench.ReadTargets(testPath) // the histories are not needed
	if err != nil {
		return nil, err
	}
	test = Limited(test, first.man.Limit)
	if err := checkShardsComplete(shards, test); err != nil {
		return nil, err
	}
	man, warnings := mergeManifests(shards, testPath, len(test))
	scores, err := writeMerged(out, shards, man, test)
	if err != nil {
		return nil, err
	}
	return &Merged{Scores: scores, Warnings: warnings}, nil
}

// readShards reads the manifests and scores of the shards, checks that
// they are finished shards of one run, and orders them by K.
func readShards(dirs []string) ([]shardRun, error) {
	var shards []shardRun
	for _, dir := range dirs {
		man, err := ReadManifest(filepath.Join(dir, ManifestFile))
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s is not a run directory: no %s", dir, ManifestFile)
		}
		if err != nil {
			return nil, err
		}
		switch {
		case man.Shard == nil:
			return nil, fmt.Errorf("%s: not a shard (its %s has no \"shard\"): merge joins the run directories of occbench run --shard K/N", dir, ManifestFile)
		case man.Finished == nil:
			return nil, fmt.Errorf("%s: shard %s has not finished: occbench run --resume %s completes it", dir, man.Shard, dir)
		}
		scores, err := ReadScores(filepath.Join(dir, ScoresFile))
		if err != nil {
			return nil, err
		}
		shards = append(shards, shardRun{dir, man, scores})
	}
	slices.SortStableFunc(shards, func(a, b shardRun) int { return a.man.Shard.K - b.man.Shard.K })
	first := shards[0]
	want := sameRun(first)
	for i, s := range shards[1:] {
		if err := compareRun(want, sameRun(s), first.dir, s.dir); err != nil {
			return nil, err
		}
		if s.man.Shard.K == shards[i].man.Shard.K {
			return nil, fmt.Errorf("%s and %s are both shard %s: give each shard once", shards[i].dir, s.dir, s.man.Shard)
		}
	}
	if err := checkSameModels(shards); err != nil {
		return nil, err
	}
	return shards, nil
}

// field is one thing the shards of a run share, as text to compare.
type field struct{ name, value string }

// sameRun lists what every shard of one run has in common: what decides
// its users, its predictions and its scores.
func sameRun(s shardRun) []field {
	m := s.man
	p := m.Protocol
	p.TestUsers = 0 // each shard scores its own users
	fs := []field{
		{"suite", m.Suite},
		{"test set digest", m.Datasets["test"].SHA256},
		{"training set digest", m.Datasets["train"].SHA256},
		{"seed", strconv.FormatUint(m.Seed, 10)},
		{"protocol", jsonText(p)},
		{"--limit", strconv.Itoa(m.Limit)},
		{"number of shards N", strconv.Itoa(m.Shard.N)},
		{"runners", strings.Join(s.scores.Order, ", ")},
		{"skipped runners", strings.Join(slices.Sorted(maps.Keys(m.Skipped)), ", ")},
	}
	for _, name := range s.scores.Order {
		rm := m.Runners[name]
		if rm == nil {
			rm = &RunnerManifest{}
		}
		fs = append(fs,
			field{"runner " + name + " kind", rm.Kind},
			field{"runner " + name + " settings", jsonText(predictive(rm.Settings))})
	}
	return fs
}

// transport are the settings of a model runner that say how requests
// travel, not what is answered: shards may reach the same model through
// their own servers, at their own pace.
var transport = []string{"concurrency", "timeout", "max_retries", "backoff", "pool_backoff", "rate_limit"}

// predictive is a runner's settings without its transport settings and
// without the servers and key variable of its endpoint; the model stays.
func predictive(settings any) any {
	m, ok := settings.(map[string]any)
	if !ok {
		return settings
	}
	out := maps.Clone(m)
	for _, k := range transport {
		delete(out, k)
	}
	if ep, ok := out["endpoint"].(map[string]any); ok {
		ep = maps.Clone(ep)
		delete(ep, "base_url")
		delete(ep, "api_key_env")
		out["endpoint"] = ep
	}
	return out
}

// checkSameModels checks that the shards' runners predicted with the same
// trained models, named by their content key: a model trained on one
// shard's test users alone would differ. A shard with no user to predict
// loaded no model.
func checkSameModels(shards []shardRun) error {
	for _, name := range shards[0].scores.Order {
		var first, firstDir string
		for _, s := range shards {
			rm := s.man.Runners[name]
			if rm == nil {
				continue
			}
			model, _ := rm.Info["model_file"].(string)
			if model == "" {
				continue
			}
			if model = filepath.Base(model); first == "" {
				first, firstDir = model, s.dir
			} else if model != first {
				return fmt.Errorf("the shards are not of one run: runner %s predicted with model %s in %s, %s in %s: they were trained on other data or settings", name, model, s.dir, first, firstDir)
			}
		}
	}
	return nil
}

// compareRun says where two shards differ, naming both directories.
func compareRun(want, got []field, wantDir, gotDir string) error {
	for i := range min(len(want), len(got)) {
		w, g := want[i], got[i]
		if w.value == g.value {
			continue
		}
		what := fmt.Sprintf("%s %s in %s, %s in %s", w.name, quoteEmpty(g.value), gotDir, quoteEmpty(w.value), wantDir)
		if strings.HasSuffix(w.name, " settings") {
			what = fmt.Sprintf("%s: %s", w.name, settingsDiff(w.value, g.value, wantDir, gotDir))
		}
		return fmt.Errorf("the shards are not of one run: %s; merge the shards of one occbench run with the same suite, data, seed and settings", what)
	}
	return nil
}

// quoteEmpty shows a value, and an empty one as "none".
func quoteEmpty(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// settingsDiff names the first setting two runner settings (JSON) differ
// in, with both values.
func settingsDiff(want, got, wantDir, gotDir string) string {
	var w, g map[string]any
	if json.Unmarshal([]byte(want), &w) == nil && json.Unmarshal([]byte(got), &g) == nil {
		keys := slices.Concat(slices.Collect(maps.Keys(w)), slices.Collect(maps.Keys(g)))
		slices.Sort(keys)
		for _, k := range slices.Compact(keys) {
			if wv, gv := jsonText(w[k]), jsonText(g[k]); wv != gv {
				return fmt.Sprintf("%q is %s in %s, %s in %s", k, gv, gotDir, wv, wantDir)
			}
		}
	}
	return fmt.Sprintf("%s in %s, %s in %s", got, gotDir, want, wantDir)
}

// jsonText is v as compact JSON, map keys sorted.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// checkShardsComplete says which shards are missing, and the test users
// they hold: a few by name and how many.
func checkShardsComplete(shards []shardRun, test []*bench.Example) error {
	n := shards[0].man.Shard.N
	have := map[int]bool{}
	for _, s := range shards {
		have[s.man.Shard.K] = true
	}
	var missing, users []string
	for k := range n {
		if !have[k] {
			missing = append(missing, Shard{K: k, N: n}.String())
		}
	}
	if len(missing) == 0 {
		return nil
	}
	for _, ex := range test {
		if !have[ShardOf(ex.UserID, n)] {
			users = append(users, ex.UserID)
		}
	}
	return fmt.Errorf("shard %s missing, so there are no predictions for %s (give the run directories of all %d shards)",
		strings.Join(missing, " and "), someUsers(users, "test user"), n)
}

// someUsers says how many users there are and names the first five:
// "7 test users: u1, u2, u3, u4, u5 and 2 more".
func someUsers(ids []string, noun string) string {
	const show = 5
	s := strings.Join(ids[:min(show, len(ids))], ", ")
	if len(ids) > show {
		s += fmt.Sprintf(" and %d more", len(ids)-show)
	}
	if len(ids) == 1 {
		return fmt.Sprintf("1 %s: %s", noun, s)
	}
	return fmt.Sprintf("%d %ss: %s", len(ids), noun, s)
}

// joinRecords collects one runner's records from every shard, in test-set
// order, and checks that every test user has a record in exactly one
// shard. Within a shard the last record of a user counts, as in scoring.
func joinRecords(shards []shardRun, name string, test []*bench.Example) ([]Prediction, error) {
	all := map[string]Prediction{}
	from := map[string][]string{} // user → shards that recorded it
	for _, s := range shards {
		recs, err := ReadPredictions(PredictionsPath(s.dir, name))
		if err != nil {
			return nil, err
		}
		for id, p := range recs {
			all[id] = p
			from[id] = append(from[id], s.man.Shard.String())
		}
	}
	var missing, doubled []string
	out := make([]Prediction, 0, len(test))
	inTest := make(map[string]bool, len(test))
	for _, ex := range test {
		inTest[ex.UserID] = true
		p, ok := all[ex.UserID]
		switch {
		case !ok:
			missing = append(missing, ex.UserID)
		case len(from[ex.UserID]) > 1:
			doubled = append(doubled, fmt.Sprintf("%s (shards %s)", ex.UserID, strings.Join(from[ex.UserID], " and ")))
		}
		if ok {
			out = append(out, p)
		}
	}
	var outside []string
	for _, id := range slices.Sorted(maps.Keys(all)) {
		if !inTest[id] {
			outside = append(outside, id)
		}
	}
	var errs []string
	if len(missing) > 0 {
		errs = append(errs, "no record in any shard for "+someUsers(missing, "test user"))
	}
	if len(doubled) > 0 {
		errs = append(errs, "records in more than one shard for "+someUsers(doubled, "test user"))
	}
	if len(outside) > 0 {
		errs = append(errs, "records of "+someUsers(outside, "user")+", who are not in the test set")
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("runner %s: %s: together the shards must record every test user exactly once", name, strings.Join(errs, "; "))
	}
	return out, nil
}

// mergeManifests makes the manifest of the merged run: the shards' common
// settings, the test set where it was found, all its users, the earliest
// start and the latest finish.
func mergeManifests(shards []shardRun, testPath string, users int) (*Manifest, []string) {
	m := *shards[0].man
	m.Shard, m.Models = nil, ""
	m.Protocol.TestUsers = users
	m.Datasets = maps.Clone(m.Datasets)
	ds := m.Datasets["test"]
	if abs, err := filepath.Abs(testPath); err == nil {
		ds.Path = abs
	}
	m.Datasets["test"] = ds
	m.Runners = map[string]*RunnerManifest{}
	m.MergedFrom = nil
	var platforms, versions []string
	for _, s := range shards {
		m.Started = *earlier(&m.Started, &s.man.Started)
		m.Finished = later(m.Finished, s.man.Finished)
		platforms = appendNew(platforms, s.man.Platform)
		versions = appendNew(versions, s.man.Occbench)
		dir, err := filepath.Abs(s.dir)
		if err != nil {
			dir = s.dir
		}
		m.MergedFrom = append(m.MergedFrom, dir)
	}
	m.Platform = strings.Join(platforms, "; ")
	m.Occbench = strings.Join(versions, "; ")
	for name := range shards[0].man.Runners {
		m.Runners[name] = mergeRunner(shards, name)
	}
	var warnings []string
	if len(versions) > 1 {
		warnings = append(warnings, fmt.Sprintf("the shards were made by different occbench versions (%s): their predictions may differ from one version's", m.Occbench))
	}
	return &m, warnings
}

// appendNew appends s to list unless it is there.
func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// mergeRunner is a runner's manifest entry over the shards: the entry of
// the shard that trained its model (the others loaded it), else the first
// shard's, from the earliest start to the latest finish.
func mergeRunner(shards []shardRun, name string) *RunnerManifest {
	pick := *shards[0].man.Runners[name]
	for _, s := range shards {
		if rm := s.man.Runners[name]; rm != nil && rm.Info["reused"] != true && rm.Info["model_file"] != nil {
			pick = *rm
			break
		}
	}
	for _, s := range shards {
		if rm := s.man.Runners[name]; rm != nil {
			pick.Started = earlier(pick.Started, rm.Started)
			pick.Finished = later(pick.Finished, rm.Finished)
		}
	}
	return &pick
}

// earlier is the earlier of two optional times.
func earlier(a, b *time.Time) *time.Time {
	if a == nil || (b != nil && b.Before(*a)) {
		return b
	}
	return a
}

// later is the later of two optional times.
func later(a, b *time.Time) *time.Time {
	if a == nil || (b != nil && b.After(*a)) {
		return b
	}
	return a
}

// checkOut refuses an output that holds anything: merge never mixes a
// run into another or overwrites one.
func checkOut(out string) error {
	entries, err := os.ReadDir(out)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("-o %s: %w", out, err)
	case len(entries) > 0:
		return fmt.Errorf("-o %s: the directory is not empty; merge writes a new run directory (name a new one, or remove it first)", out)
	}
	return nil
}

// writeMerged writes the merged run into a temporary directory beside out,
// one runner's records at a time, scores it from the records written, and
// renames it to out. Nothing is left when a runner's records do not cover
// the test users.
func writeMerged(out string, shards []shardRun, man *Manifest, test []*bench.Example) (*Scores, error) {
	tmp, unlock, err := mergeTemp(out)
	if err != nil {
		return nil, err
	}
	defer unlock()
	defer os.RemoveAll(tmp) // a no-op once renamed
	if err := os.MkdirAll(filepath.Join(tmp, PredDir), 0o755); err != nil {
		return nil, err
	}
	names := shards[0].scores.Order
	var errs []error
	for _, name := range names {
		preds, err := joinRecords(shards, name, test)
		if err == nil {
			err = RewritePredictions(PredictionsPath(tmp, name), preds)
		}
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	scores, err := ScoreRun(tmp, test, names, ScoreOptions{Related: man.Protocol.Related, Bootstrap: man.Protocol.Bootstrap, Seed: man.Seed, Horizon: man.Protocol.Horizon})
	if err != nil {
		return nil, err
	}
	scores.Skipped = man.Skipped
	if err := scores.Write(filepath.Join(tmp, ScoresFile)); err != nil {
		return nil, err
	}
	if err := WriteManifest(filepath.Join(tmp, ManifestFile), man); err != nil {
		return nil, err
	}
	// os.Rename does not replace a directory, even an empty one; Remove
	// removes only an empty one.
	if err := os.Remove(out); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("-o %s: %w", out, err)
	}
	if err := os.Rename(tmp, out); err != nil {
		return nil, fmt.Errorf("-o %s: %w", out, err)
	}
	return scores, nil
}

// mergeTemp makes the temporary directory a merge into out is written in,
// beside out and locked, after removing those of merges that were killed.
func mergeTemp(out string) (string, func() error, error) {
	parent, pattern := filepath.Dir(out), "."+filepath.Base(out)+".merge-*"
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", nil, err
	}
	stale, _ := filepath.Glob(filepath.Join(parent, pattern))
	for _, dir := range stale {
		// Unlocked, with its lock file: a merge that was killed.
		if _, err := os.Stat(filepath.Join(dir, LockFile)); err != nil {
			continue
		}
		if unlock, err := Lock(dir); err == nil {
			os.RemoveAll(dir)
			unlock()
		}
	}
	tmp, err := os.MkdirTemp(parent, strings.TrimSuffix(pattern, "*"))
	if err != nil {
		return "", nil, err
	}
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp's 0700 is for temporaries, not a run
		os.RemoveAll(tmp)
		return "", nil, err
	}
	unlock, err := Lock(tmp)
	if err != nil {
		os.RemoveAll(tmp)
		return "", nil, err
	}
	return tmp, unlock, nil
}
