package synth

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/bench/onet"
)

// tinyWorld is a world of n occupations with hand-written moves: one type
// per entry of moves, each with its return chance.
func tinyWorld(n int, returns []float64, recency float64, moves ...map[int]map[int]float64) *world {
	w := &world{cfg: &Config{ReturnRecency: recency}, occ: make([]onet.Occupation, n)}
	for k, mv := range moves {
		w.cfg.Types = append(w.cfg.Types, Type{Return: returns[k]})
		m := make([][]entry, n)
		for c, to := range mv {
			for y, p := range to {
				m[c] = append(m[c], entry{int32(y), p})
			}
			slices.SortFunc(m[c], func(a, b entry) int { return int(a.y - b.y) })
		}
		w.moves = append(w.moves, m)
	}
	return w
}

// The marginals of two tiny worlds, worked out by hand: one where a
// return move makes each step depend on the whole path, one where the
// likeliest occupation two jobs ahead is not where the likeliest path of
// two jobs ends.
func TestMarginalsByHand(t *testing.T) {
	for _, tc := range []struct {
		name  string
		w     *world
		hist  []int
		post  []float64
		want  [][]float64
		bayes []int // argmax per horizon
	}{
		{
			// After 0→1: return to 0 half the time, else move on from 1.
			name: "return move",
			w: tinyWorld(3, []float64{0.5}, 0.2, map[int]map[int]float64{
				0: {0: 0.5, 1: 0.5}, 1: {1: 0.5, 2: 0.5}, 2: {0: 1},
			}),
			hist: []int{0, 1},
			post: []float64{1},
			want: [][]float64{
				{0.5, 0.25, 0.25},
				// 0 (½): returns to 1, else 0 or 1; 1 (¼): returns to 0,
				// else 1 or 2; 2 (¼): returns to 1 (weight 0.2) or 0
				// (0.04), else 0.
				{0.5*0.25 + 0.25*0.5 + 0.25*(0.5/6+0.5), 0.5*0.75 + 0.25*0.25 + 0.25*0.5*5/6, 0.25 * 0.25},
			},
			bayes: []int{0, 1},
		},
		{
			// From 1: to 0 (0.4), 2 or 3 (0.3 each); 0 leads to 4, 2 and
			// 3 to 5. The likeliest path is 1→0→4 (0.4), but two jobs on
			// 5 (0.6) is likelier than 4.
			name: "marginal, not path",
			w: tinyWorld(6, []float64{0}, 0.2, map[int]map[int]float64{
				1: {0: 0.4, 2: 0.3, 3: 0.3}, 0: {4: 1}, 2: {5: 1}, 3: {5: 1},
			}),
			hist:  []int{1},
			post:  []float64{1},
			want:  [][]float64{{0.4, 0, 0.3, 0.3, 0, 0}, {0, 0, 0, 0, 0.4, 0.6}},
			bayes: []int{0, 5},
		},
		{
			// Two types mixed half and half, without returns.
			name: "two types",
			w: tinyWorld(3, []float64{0, 0}, 0.2,
				map[int]map[int]float64{0: {0: 1}},
				map[int]map[int]float64{0: {1: 1}, 1: {2: 1}}),
			hist:  []int{0},
			post:  []float64{0.5, 0.5},
			want:  [][]float64{{0.5, 0.5, 0}, {0.5, 0, 0.5}},
			bayes: []int{0, 0},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.w.marginals(tc.hist, tc.post, len(tc.want))
			for h := range tc.want {
				for y, p := range tc.want[h] {
					if math.Abs(got[h][y]-p) > 1e-12 {
						t.Errorf("h = %d: P(%d) = %v, want %v", h+1, y, got[h][y], p)
					}
				}
				if b := argmax(got[h]); b != tc.bayes[h] {
					t.Errorf("h = %d: Bayes answer %d, want %d", h+1, b, tc.bayes[h])
				}
			}
		})
	}
}

// On a first-order chain (one type that never returns, or a second-order
// chain that only looks at the last job), the marginal h jobs ahead is
// the last job's row of the h-th power of the transition matrix.
func TestMarginalsFirstOrderMatrixPower(t *testing.T) {
	noReturn := small(10, 1, 3)
	noReturn.Types = []Type{{Name: "no-return", Weight: 1, Stay: 0.3, Within: 0.5, Switch: 0.2, Graduate: 1}}
	lastOnly := SecondOrder()
	lastOnly.Users, lastOnly.TestUsers, lastOnly.Chain.Lambda = 10, 1, 1
	for _, tc := range []struct {
		name string
		cfg  Config
	}{{"track without returns", noReturn}, {"chain with lambda 1", lastOnly}} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := New(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			w := g.w
			row := func(c int) []entry {
				if w.chain != nil {
					return w.chain.after[c]
				}
				return w.moves[0][c]
			}
			us, err := g.Users(context.Background(), 0, 5)
			if err != nil {
				t.Fatal(err)
			}
			const k = 4
			for _, u := range us {
				hist, _, err := g.observe(&u.Example)
				if err != nil {
					t.Fatal(err)
				}
				got := w.marginals(hist, []float64{1}, k)
				v := make([]float64, len(w.occ))
				v[hist[len(hist)-1]] = 1
				for h := range k {
					next := make([]float64, len(v))
					for c, p := range v {
						for _, e := range row(c) {
							next[e.y] += p * e.p
						}
					}
					v = next
					for y := range v {
						if math.Abs(got[h][y]-v[y]) > 1e-12 {
							t.Fatalf("%s, h = %d: P(%s) = %v, matrix power %v", u.UserID, h+1, w.occ[y].Code, got[h][y], v[y])
						}
					}
				}
			}
		})
	}
}

// The marginal at h = 1 is the predictive; at h = 2 it is, written out
// again with the step probability of the posterior's own code (prob, or a
// chain's predictive), Σ_k P(k) Σ_y1 P(y1 | k) P(y2 | y1, k) over every
// occupation.
func TestMarginalsByEnumeration(t *testing.T) {
	for _, name := range Profiles() {
		t.Run(name, func(t *testing.T) {
			g, err := New(profileSized(t, name, 20, 5))
			if err != nil {
				t.Fatal(err)
			}
			w := g.w
			us, err := g.Users(context.Background(), 0, 3)
			if err != nil {
				t.Fatal(err)
			}
			n := len(w.occ)
			for _, u := range us {
				hist, level, err := g.observe(&u.Example)
				if err != nil {
					t.Fatal(err)
				}
				post := w.posterior(hist, level)
				got := w.marginals(hist, post, 2)
				pred := make([]float64, n)
				w.predictive(hist, post, pred)
				want2 := make([]float64, n)
				for k, pk := range post {
					one := oneHot(len(post), k)
					if w.chain != nil {
						one = []float64{1}
					}
					p1 := make([]float64, n)
					w.predictive(hist, one, p1)
					for y1, q1 := range p1 {
						if q1 == 0 {
							continue
						}
						path := append(slices.Clone(hist), y1)
						if w.chain != nil {
							p2 := make([]float64, n)
							w.chain.predictive(path, p2)
							for y2, q2 := range p2 {
								want2[y2] += pk * q1 * q2
							}
							continue
						}
						ret := w.returns(path, nil)
						for y2 := range n {
							if w.active[y2] {
								want2[y2] += pk * q1 * w.prob(k, y1, ret, y2)
							}
						}
					}
				}
				for y := range n {
					if math.Abs(got[0][y]-pred[y]) > 1e-12 || math.Abs(got[1][y]-want2[y]) > 1e-12 {
						t.Fatalf("%s, %s: h = 1 %v (predictive %v), h = 2 %v (enumeration %v)", u.UserID, w.occ[y].Code, got[0][y], pred[y], got[1][y], want2[y])
					}
				}
				if s := sum(got[1]); math.Abs(s-1) > 1e-9 {
					t.Errorf("%s: the marginal at h = 2 sums to %v", u.UserID, s)
				}
			}
		})
	}
}

// The exact marginals agree with the generator itself: careers continued
// from a user's history, their type drawn from the posterior, reach each
// occupation h jobs ahead as often as the marginal says.
func TestMarginalsMatchSampling(t *testing.T) {
	for _, name := range []string{"hidden-track", "second-order"} {
		t.Run(name, func(t *testing.T) {
			g, err := New(profileSized(t, name, 20, 5))
			if err != nil {
				t.Fatal(err)
			}
			w := g.w
			us, err := g.Users(context.Background(), 0, 2)
			if err != nil {
				t.Fatal(err)
			}
			const k, draws = 3, 200_000
			r := rand.New(rand.NewPCG(7, 7))
			for _, u := range us {
				hist, level, err := g.observe(&u.Example)
				if err != nil {
					t.Fatal(err)
				}
				post := w.posterior(hist, level)
				exact := w.marginals(hist, post, k)
				counts := make([][]float64, k)
				for h := range counts {
					counts[h] = make([]float64, len(w.occ))
				}
				jobs := make([]int, 0, len(hist)+k)
				for range draws {
					typ := pick(r, post)
					jobs = append(jobs[:0], hist...)
					for h := range k {
						y := w.step(r, typ, jobs)
						jobs = append(jobs, y)
						counts[h][y]++
					}
				}
				for h := range k {
					for y, p := range exact[h] {
						got := counts[h][y] / draws
						if se := math.Sqrt(p * (1 - p) / draws); math.Abs(got-p) > 5*se+2e-4 {
							t.Errorf("%s, h = %d: P(%s) sampled %.5f, exact %.5f", u.UserID, h+1, w.occ[y].Code, got, p)
						}
					}
				}
			}
		})
	}
}

// A horizon leaves the history, the target and the single-step ceiling as
// they were: h = 1 of bayes_by_horizon is the Bayes row to the last digit.
// Every user gets a target path starting with the target, every test user
// the Bayes path PredictPath computes, and horizon 1 writes the bytes of
// no horizon at all.
func TestHorizonWrite(t *testing.T) {
	for _, name := range Profiles() {
		t.Run(name, func(t *testing.T) {
			one, three := t.TempDir(), t.TempDir()
			cfg := profileSized(t, name, 300, 60)
			res1, err := Write(context.Background(), one, cfg)
			if err != nil {
				t.Fatal(err)
			}
			cfg.Horizon = 3
			res3, err := Write(context.Background(), three, cfg)
			if err != nil {
				t.Fatal(err)
			}
			c1, c3 := res1.Ceiling, res3.Ceiling
			if len(c1.BayesByHorizon) != 0 || len(c3.BayesByHorizon) != 3 {
				t.Fatalf("bayes_by_horizon has %d and %d entries, want 0 and 3", len(c1.BayesByHorizon), len(c3.BayesByHorizon))
			}
			h1 := c3.BayesByHorizon[0]
			if h1.H != 1 || h1.Score != c1.Bayes || h1.ExpectedEM != c1.ExpectedBayesEM {
				t.Errorf("h = 1: %+v, want the single-step Bayes %+v, expected %v", h1, c1.Bayes, c1.ExpectedBayesEM)
			}
			c3.BayesByHorizon = nil
			if !reflect.DeepEqual(c1, c3) {
				t.Errorf("the rest of the ceiling changed with the horizon:\n%+v\n%+v", c1, c3)
			}
			if res3.JobRecords != res1.JobRecords+2*cfg.Users {
				t.Errorf("%d job records, want %d + 2 per user", res3.JobRecords, res1.JobRecords)
			}
			b, err := os.ReadFile(filepath.Join(one, CeilingFile))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte("bayes_by_horizon")) {
				t.Error("a single-step ceiling.json names bayes_by_horizon")
			}

			g, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{TrainFile, TestFile} {
				ex1, meta1, err := bench.ReadAll(filepath.Join(one, f))
				if err != nil {
					t.Fatal(err)
				}
				ex3, meta3, err := bench.ReadAll(filepath.Join(three, f))
				if err != nil {
					t.Fatal(err)
				}
				if meta1[bench.MetaSchemaVersion] != "2" || meta3[bench.MetaSchemaVersion] != "3" || meta3[bench.MetaHorizon] != "3" {
					t.Errorf("%s: schema versions %s and %s, horizon %q", f, meta1[bench.MetaSchemaVersion], meta3[bench.MetaSchemaVersion], meta3[bench.MetaHorizon])
				}
				for i, a := range ex1 {
					b := *ex3[i]
					if len(b.TargetPath) != 3 || b.TargetPath[0].Code != a.TargetCode {
						t.Fatalf("%s %s: target path %v", f, a.UserID, b.Path())
					}
					for j, r := range b.TargetPath[1:] {
						if !r.Start.Valid() || !b.TargetPath[j].Start.Before(r.Start) || r.Title == "" || r.Salary == 0 {
							t.Fatalf("%s %s: path job %d: %+v after %+v", f, a.UserID, j+1, r, b.TargetPath[j])
						}
					}
					if (f == TestFile) != (len(b.BayesPath) == 3) {
						t.Fatalf("%s %s: Bayes path %v", f, a.UserID, b.BayesCodes())
					}
					if f == TestFile {
						codes, _, err := g.PredictPath(&b, 3)
						if err != nil || !slices.Equal(codes, b.BayesCodes()) || codes[0] != b.BayesCode {
							t.Fatalf("%s: PredictPath %v (%v), stored %v", a.UserID, codes, err, b.BayesCodes())
						}
					}
					b.TargetPath, b.BayesPath = nil, nil
					if !reflect.DeepEqual(*a, b) {
						t.Fatalf("%s %s: the horizon changed the example:\n%+v\n%+v", f, a.UserID, *a, b)
					}
				}
			}
		})
	}
	dirs := []string{t.TempDir(), t.TempDir()}
	for i, h := range []int{0, 1} {
		cfg := small(200, 20, 4)
		cfg.Horizon = h
		if _, err := Write(context.Background(), dirs[i], cfg); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{TrainFile, TestFile, CeilingFile} {
		a, _ := os.ReadFile(filepath.Join(dirs[0], f))
		b, _ := os.ReadFile(filepath.Join(dirs[1], f))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: horizon 1 wrote other bytes than no horizon", f)
		}
	}
}

func TestHorizonValidate(t *testing.T) {
	for _, h := range []int{-1, MaxHorizon + 1} {
		cfg := small(100, 10, 1)
		cfg.Horizon = h
		if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("horizon %d: want 1 to %d", h, MaxHorizon)) {
			t.Errorf("horizon %d: %v", h, err)
		}
	}
	g, err := New(small(100, 10, 1))
	if err != nil {
		t.Fatal(err)
	}
	u := g.User(0)
	if _, err := g.Marginals(&u.Example, MaxHorizon+1); err == nil {
		t.Error("Marginals beyond MaxHorizon succeeded")
	}
	// ceiling.json of a path set names each horizon with h from 1.
	var c Ceiling
	c.BayesByHorizon = []HorizonScore{{H: 1, Score: Score{EM: 0.5}, ExpectedEM: 0.4}}
	b, _ := json.Marshal(c)
	if !bytes.Contains(b, []byte(`"bayes_by_horizon":[{"h":1,"em":0.5,"rm":0,"em_ci":[0,0],"rm_ci":[0,0],"expected_em":0.4}]`)) {
		t.Errorf("ceiling JSON: %s", b)
	}
}
