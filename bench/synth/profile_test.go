package synth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// profileSized is a profile's settings with fewer users, for tests.
func profileSized(t *testing.T, name string, users, test int) Config {
	t.Helper()
	cfg, err := Profile(name)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Users, cfg.TestUsers = users, test
	return cfg
}

func TestProfiles(t *testing.T) {
	names := Profiles()
	if len(names) == 0 || names[0] != DefaultProfile {
		t.Fatalf("Profiles() = %v, want the default %s first", names, DefaultProfile)
	}
	def, err := Profile(DefaultProfile)
	if err != nil || !reflect.DeepEqual(def, Default()) {
		t.Errorf("Profile(%s) = %+v, %v; want Default()", DefaultProfile, def, err)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			cfg, err := Profile(name)
			if err != nil {
				t.Fatal(err)
			}
			if err := cfg.Validate(); err != nil {
				t.Fatal(err)
			}
			if cfg.ProfileName() != name || cfg.Users != 11000 || cfg.TestUsers != 1000 || cfg.Seed != 1 {
				t.Errorf("profile %s: name %q, %d users, %d test, seed %d; want its name, 11000, 1000, 1", name, cfg.ProfileName(), cfg.Users, cfg.TestUsers, cfg.Seed)
			}
			if ProfileAbout(name) == "" {
				t.Errorf("profile %s has no description", name)
			}
			// A profile's settings are its own: changing one copy does not
			// change the next.
			if cfg.Chain != nil {
				cfg.Chain.Size = 99
			}
			if len(cfg.Types) > 0 {
				cfg.Types[0].Stay = 99
			}
			again, _ := Profile(name)
			if err := again.Validate(); err != nil {
				t.Errorf("a changed copy changed the profile: %v", err)
			}
		})
	}
	_, err = Profile("no-such")
	if err == nil {
		t.Fatal("Profile accepted an unknown name")
	}
	for _, name := range names {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("the error %q does not list %s", err, name)
		}
	}
}

// Every profile writes the same bytes for the same seed, whatever the
// number of goroutines, records its name in ceiling.json, and its data
// set is not reused for another profile's.
func TestProfilesAreDeterministic(t *testing.T) {
	root := t.TempDir() // outlives the subtests, for the check of reuse
	dirs := map[string]string{}
	for _, name := range Profiles() {
		t.Run(name, func(t *testing.T) {
			var files [2]map[string][]byte
			for i, workers := range []int{1, 3} {
				cfg := profileSized(t, name, 700, 100)
				cfg.Seed = 5
				cfg.Workers = workers
				dir := filepath.Join(root, name, fmt.Sprint(workers))
				if _, err := Write(context.Background(), dir, cfg); err != nil {
					t.Fatal(err)
				}
				files[i] = map[string][]byte{}
				for _, f := range []string{TrainFile, TestFile, CeilingFile} {
					b, err := os.ReadFile(filepath.Join(dir, f))
					if err != nil {
						t.Fatal(err)
					}
					files[i][f] = b
				}
				dirs[name] = dir
			}
			for f, b := range files[0] {
				if !bytes.Equal(b, files[1][f]) {
					t.Errorf("%s differs between two runs with the same seed", f)
				}
			}
			hasName := bytes.Contains(files[0][CeilingFile], []byte(`"profile": "`+name+`"`))
			if name == DefaultProfile && bytes.Contains(files[0][CeilingFile], []byte(`"profile"`)) {
				t.Errorf("ceiling.json of the default profile names it, which changes its bytes:\n%s", files[0][CeilingFile])
			} else if name != DefaultProfile && !hasName {
				t.Errorf("ceiling.json does not name the profile:\n%s", files[0][CeilingFile])
			}
		})
	}
	names := Profiles()
	for i, a := range names {
		b := names[(i+1)%len(names)]
		cfg := profileSized(t, b, 700, 100)
		cfg.Seed = 5
		if _, err := Existing(dirs[a], cfg); !errors.Is(err, ErrStale) {
			t.Errorf("the data set of %s passed for %s's: %v", a, b, err)
		}
	}
}

// trackProfiles are the profiles with hidden tracks.
func trackProfiles(t *testing.T) []string {
	var names []string
	for _, name := range Profiles() {
		if cfg, err := Profile(name); err != nil {
			t.Fatal(err)
		} else if len(cfg.Types) > 0 {
			names = append(names, name)
		}
	}
	return names
}

// profileSample draws a profile's users.
func profileSample(t *testing.T, name string, users, test int) (*Generator, []*User, []*User) {
	t.Helper()
	g, train, tst, err := Generate(context.Background(), profileSized(t, name, users, test))
	if err != nil {
		t.Fatal(err)
	}
	return g, train, tst
}

// The stored Bayes answer is the argmax of the exact predictive computed
// again from what the data set holds, and no simple predictor beats its
// expectation.
func TestProfilesBayes(t *testing.T) {
	for _, name := range Profiles() {
		t.Run(name, func(t *testing.T) {
			g, train, test := profileSample(t, name, 4000, 1000)
			for _, u := range slices.Concat(train[:200], test) {
				d, err := g.Predictive(&u.Example)
				if err != nil {
					t.Fatal(err)
				}
				if s := sum(d); math.Abs(s-1) > 1e-9 {
					t.Fatalf("%s: predictive sums to %v", u.UserID, s)
				}
				b := argmax(d)
				if g.w.occ[b].Code != u.BayesCode || d[b] != u.Bayes {
					t.Fatalf("%s: argmax of the predictive %s (%v), stored %s (%v)", u.UserID, g.w.occ[b].Code, d[b], u.BayesCode, u.Bayes)
				}
			}
			c := Compute(g.w.tax, train, test, 1)
			t.Logf("EM bayes %.3f (expected %.3f), markov2 %.3f, markov1 %.3f, last %.3f, oracle type %.3f",
				c.Bayes.EM, c.ExpectedBayesEM, c.Markov2.EM, c.Markov1.EM, c.Last.EM, c.OracleType.EM)
			for what, em := range map[string]float64{"markov2": c.Markov2.EM, "markov1": c.Markov1.EM, "last": c.Last.EM} {
				if em > c.ExpectedBayesEM {
					t.Errorf("%s EM %.3f is above the expected Bayes EM %.3f", what, em, c.ExpectedBayesEM)
				}
			}
		})
	}
}

// TestSecondOrderNeedsTwoBack checks what the second-order profile is for:
// the job two back matters as much as the last one, so a predictor that
// sees only the last job, however well fitted, is far below Bayes, and a
// Markov-2 count model fitted on 10,000 careers is clearly below it.
func TestSecondOrderNeedsTwoBack(t *testing.T) {
	g, train, test := profileSample(t, "second-order", 13000, 3000)
	c := Compute(g.w.tax, train, test, 1)
	// The first-order part of the chain alone: the best answer given the
	// last job for someone who ignores the job before.
	firstOrder := 0
	for _, u := range test {
		jobs, _, err := g.observe(&u.Example)
		if err != nil {
			t.Fatal(err)
		}
		d := make([]float64, len(g.w.occ))
		g.w.chain.predictive(jobs[len(jobs)-1:], d)
		if g.w.occ[argmax(d)].Code == u.TargetCode {
			firstOrder++
		}
	}
	s := float64(firstOrder) / float64(len(test))
	t.Logf("EM bayes %.3f (expected %.3f), markov2 %.3f, markov1 %.3f, first-order part %.3f, last %.3f",
		c.Bayes.EM, c.ExpectedBayesEM, c.Markov2.EM, c.Markov1.EM, s, c.Last.EM)
	if c.ExpectedBayesEM < 0.40 || c.ExpectedBayesEM > 0.46 {
		t.Errorf("expected Bayes EM %.3f, want 0.40–0.46", c.ExpectedBayesEM)
	}
	if c.Markov1.EM > c.ExpectedBayesEM-0.15 || s > c.ExpectedBayesEM-0.15 {
		t.Errorf("seeing the last job only gives EM %.3f (markov1), %.3f (first-order part); want 0.15 below Bayes %.3f", c.Markov1.EM, s, c.ExpectedBayesEM)
	}
	if c.Markov2.EM > c.ExpectedBayesEM-0.03 {
		t.Errorf("markov2 EM %.3f is not clearly below the expected Bayes EM %.3f", c.Markov2.EM, c.ExpectedBayesEM)
	}
	if c.OracleType != c.Bayes {
		t.Errorf("with no hidden type the oracle %+v differs from Bayes %+v", c.OracleType, c.Bayes)
	}
}

// TestChainMatchesSampling checks the chain's predictive against its own
// sampler: careers that start with the commonest two jobs go on with the
// computed probabilities.
func TestChainMatchesSampling(t *testing.T) {
	g, err := New(profileSized(t, "second-order", 10, 1))
	if err != nil {
		t.Fatal(err)
	}
	w := g.w
	const draws = 400_000
	r := rand.New(rand.NewPCG(42, 42))
	jobs := make([][3]int, draws)
	pairs := map[[2]int]int{}
	for i := range jobs {
		c := w.walk(r, 0, 3)
		jobs[i] = [3]int(c.jobs)
		pairs[[2]int(c.jobs[:2])]++
	}
	var pre [2]int
	for p, n := range pairs {
		if m := pairs[pre]; n > m || n == m && slices.Compare(p[:], pre[:]) < 0 {
			pre = p
		}
	}
	next := map[int]float64{}
	n := 0.0
	for _, j := range jobs {
		if [2]int(j[:2]) == pre {
			next[j[2]]++
			n++
		}
	}
	pred := make([]float64, len(w.occ))
	w.predictive(pre[:], nil, pred)
	for y, p := range pred {
		if se := math.Sqrt(p * (1 - p) / n); math.Abs(next[y]/n-p) > 4.5*se+1e-3 {
			t.Errorf("after %s→%s: P(next %s) sampled %.4f, computed %.4f (n %v)", w.occ[pre[0]].Code, w.occ[pre[1]].Code, w.occ[y].Code, next[y]/n, p, n)
		}
	}
	t.Logf("%v samples after the commonest pair, %d next occupations", n, len(next))
	if n < 2000 {
		t.Errorf("only %v samples", n)
	}
	// With two jobs of history, the predictive mixes both lists.
	hist := []int{pre[0], pre[1], pre[0]}
	want := make([]float64, len(w.occ))
	for _, e := range w.chain.after[pre[0]] {
		want[e.y] += 0.5 * e.p
	}
	for _, e := range w.chain.after2[pre[1]] {
		want[e.y] += 0.5 * e.p
	}
	w.predictive(hist, nil, pred)
	for y := range pred {
		if math.Abs(pred[y]-want[y]) > 1e-12 {
			t.Fatalf("P(%s | …) = %v, want %v", w.occ[y].Code, pred[y], want[y])
		}
	}
}

func TestChainLists(t *testing.T) {
	g, err := New(profileSized(t, "second-order", 10, 1))
	if err != nil {
		t.Fatal(err)
	}
	w, cfg := g.w, g.cfg.Chain
	same := 0
	for c := range w.occ {
		if !w.active[c] {
			if w.chain.after[c] != nil || w.chain.after2[c] != nil {
				t.Fatalf("inactive %s has lists", w.occ[c].Code)
			}
			continue
		}
		s, tt := w.chain.after[c], w.chain.after2[c]
		for _, l := range [][]entry{s, tt} {
			if len(l) < 2 || len(l) > cfg.Size+1 || math.Abs(sumEntries(l)-1) > 1e-9 || !slices.IsSortedFunc(l, func(a, b entry) int { return int(a.y - b.y) }) {
				t.Fatalf("%s: list %v: want 2 to size+1 entries, sorted, summing to 1", w.occ[c].Code, l)
			}
			for _, e := range l {
				if !w.active[e.y] || e.p <= 0 {
					t.Fatalf("%s: entry %s p %v", w.occ[c].Code, w.occ[e.y].Code, e.p)
				}
			}
		}
		if slices.Equal(s, tt) {
			same++
		}
	}
	if same > 0 {
		t.Errorf("%d occupations have S equal to T", same)
	}
	// Another seed draws other lists.
	cfg2 := profileSized(t, "second-order", 10, 1)
	cfg2.Seed = 2
	g2, err := New(cfg2)
	if err != nil {
		t.Fatal(err)
	}
	differ := 0
	for c := range w.occ {
		if !slices.Equal(w.chain.after[c], g2.w.chain.after[c]) {
			differ++
		}
	}
	if differ < 500 {
		t.Errorf("seeds 1 and 2 share the lists of all but %d occupations", differ)
	}
}

func TestValidateProfiles(t *testing.T) {
	for name, mod := range map[string]func(*Config){
		"chain with types":         func(c *Config) { c.Types = Default().Types },
		"chain lambda above 1":     func(c *Config) { c.Chain.Lambda = 1.5 },
		"chain of no occupation":   func(c *Config) { c.Chain.Size = 0 },
		"chain always stays":       func(c *Config) { c.Chain.Stay = 1 },
		"chain negative noise":     func(c *Config) { c.Chain.Noise = -0.5 },
		"chain NaN start zone":     func(c *Config) { c.Chain.StartZone = math.NaN() },
		"chain and mobility":       func(c *Config) { c.Mobility = Calibrated().Mobility },
		"mobility group twice":     func(c *Config) { *c = Calibrated(); c.Mobility.Groups[1].Group = c.Mobility.Groups[0].Group },
		"mobility to itself":       func(c *Config) { *c = Calibrated(); c.Mobility.Groups[0].To["11"] = 0.1 },
		"mobility odds 0":          func(c *Config) { *c = Calibrated(); c.Mobility.Groups[0].LeaveOdds = 0 },
		"mobility unknown group":   func(c *Config) { *c = Calibrated(); c.Mobility.Groups[0].To["98"] = 0.1 },
		"mobility without targets": func(c *Config) { *c = Calibrated(); c.Mobility.Fallback = 0 },
		"mobility negative pull":   func(c *Config) { *c = Calibrated(); c.Mobility.Pull["11"] = -1 },
	} {
		c := SecondOrder()
		mod(&c)
		if _, err := New(c); err == nil {
			t.Errorf("%s: New accepted the config", name)
		}
	}
}
