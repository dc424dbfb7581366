package baselines

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"testing"
)

// smallData is a quick stand-in for the default data: 60 items, 2,000
// users.
var smallData = sync1(func() toyData { return newToyData(60, 2000, 300) })

func smallSASRec() SASRecConfig {
	c := DefaultSASRec
	c.NetConfig = NetConfig{Hidden: 16, Heads: 2, Blocks: 1, Inner: 32, MaxLen: 16, Dropout: 0.1}
	c.Train.Epochs, c.Train.Patience, c.Train.LR = 6, 0, 3e-3
	c.MoveFlags, c.Groups = true, make([]int32, 60)
	c.Lags = 2 // the transition mixture, through saving, loading and batching
	for i := range c.Groups {
		c.Groups[i] = int32(i % 5)
	}
	return c
}

func smallBERT4Rec() BERT4RecConfig {
	c := DefaultBERT4Rec
	c.NetConfig = NetConfig{Hidden: 16, Heads: 2, Blocks: 1, Inner: 32, MaxLen: 16, Dropout: 0.1}
	// The cloze task gives fewer targets per pass: it needs more epochs.
	c.Train.Epochs, c.Train.Patience, c.Train.LR = 40, 0, 3e-3
	c.RepeatHead, c.Lags = true, 2
	return c
}

func emOf(p Predictor, test []Sequence) float64 {
	hs, ts := histories(test)
	hit := 0
	for i, top := range PredictAll(p, hs, 1) {
		if len(top) > 0 && top[0].Item == ts[i] {
			hit++
		}
	}
	return float64(hit) / float64(len(ts))
}

// trainSmall trains on smallData; epochs > 0 overrides the config's.
func trainSmall(t *testing.T, kind string, epochs int, opts TrainOptions) Model {
	t.Helper()
	d := smallData()
	train, valid := PrepareData(d.train, nil, DataOptions{ValidFrac: 0.1, Seed: 1})
	var m Model
	var err error
	if kind == "sasrec" {
		c := smallSASRec()
		c.Train.Epochs = cmp.Or(epochs, c.Train.Epochs)
		m, err = TrainSASRec(context.Background(), train, valid, 60, c, opts)
	} else {
		c := smallBERT4Rec()
		c.Train.Epochs = cmp.Or(epochs, c.Train.Epochs)
		m, err = TrainBERT4Rec(context.Background(), train, valid, 60, c, opts)
	}
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestNetworksLearn checks that both networks beat popularity by a wide
// margin on a small hidden-type Markov world.
func TestNetworksLearn(t *testing.T) {
	if raceEnabled {
		t.Skip("learning, not concurrency (TestDeterminism trains sharded under -race); make test runs it")
	}
	d := smallData()
	pop, _ := FitMostPop(d.train, 60)
	base := emOf(pop, d.test)
	bayes := d.world.bayesEM(d.test)
	for _, kind := range []string{"sasrec", "bert4rec"} {
		t.Run(kind, func(t *testing.T) {
			var epochs []Epoch
			m := trainSmall(t, kind, 0, TrainOptions{Seed: 1, Progress: func(e Epoch) { epochs = append(epochs, e) }})
			em := emOf(m, d.test)
			t.Logf("%s EM %.3f, mostpop %.3f, bayes %.3f", kind, em, base, bayes)
			if em < base+0.1 {
				t.Errorf("EM %.3f: want at least mostpop %.3f + 0.1", em, base)
			}
			if len(epochs) < 6 || epochs[0].Loss <= epochs[len(epochs)-1].Loss {
				t.Errorf("epochs %+v: want a falling loss", epochs)
			}
			st := m.(interface{ Stats() TrainStats }).Stats()
			if st.BestEpoch < 1 || st.ValidEM != epochs[st.BestEpoch-1].ValidEM {
				t.Errorf("stats %+v do not match the epochs", st)
			}
		})
	}
}

// TestDeterminism: the same seed and shards give bit-identical weights
// and predictions, whatever GOMAXPROCS.
func TestDeterminism(t *testing.T) {
	d := smallData()
	hs, _ := histories(d.test)
	for _, kind := range []string{"sasrec", "bert4rec"} {
		t.Run(kind, func(t *testing.T) {
			var saved [][]byte
			var preds [][][]Scored
			for _, procs := range []int{2, 1} {
				old := runtime.GOMAXPROCS(procs)
				m := trainSmall(t, kind, 3, TrainOptions{Seed: 7, Shards: 2})
				runtime.GOMAXPROCS(old)
				w := m.(interface{ paramSet() *paramSet }).paramSet().w
				b := make([]byte, 4*len(w))
				for i, v := range w {
					binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
				}
				saved = append(saved, b)
				preds = append(preds, m.PredictBatch(hs, 10))
			}
			if !bytes.Equal(saved[0], saved[1]) {
				t.Error("weights differ between GOMAXPROCS 2 and 1")
			}
			if !reflect.DeepEqual(preds[0], preds[1]) {
				t.Error("predictions differ")
			}
		})
	}
}

func TestPredictConsistency(t *testing.T) {
	m := trainSmall(t, "sasrec", 0, TrainOptions{Seed: 1})
	hs := []Sequence{{1, 2, 3}, {}, {59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 1}, {70, 3}}
	batch := m.PredictBatch(hs, 10)
	for i, h := range hs {
		one := m.Predict(h, 10)
		if !reflect.DeepEqual(one, batch[i]) {
			t.Errorf("history %d: Predict %v, PredictBatch %v", i, one, batch[i])
		}
		var sum float64
		for j, s := range one {
			sum += s.Score
			if j > 0 && s.Score > one[j-1].Score {
				t.Errorf("history %d: scores not sorted", i)
			}
		}
		if len(one) != 10 || sum > 1+1e-6 || math.IsNaN(sum) {
			t.Errorf("history %d: %d items, probability sum %v", i, len(one), sum)
		}
	}
	// Out-of-range items are dropped, not indexed: {70, 3} scores as {3}.
	if !reflect.DeepEqual(batch[3], m.Predict(Sequence{3}, 10)) {
		t.Error("an unknown item changed the prediction")
	}
}

func TestTrainErrors(t *testing.T) {
	ctx := context.Background()
	good := []Sequence{{0, 1, 2}, {2, 1}}
	cfg := smallSASRec()
	bad := cfg
	bad.Heads = 3
	bce := cfg
	bce.Loss, bce.RepeatHead = SampledBCE, true
	lagsBCE := cfg
	lagsBCE.Loss, lagsBCE.Lags = SampledBCE, 2
	tooManyLags := cfg
	tooManyLags.Lags = cfg.MaxLen + 1
	groups := cfg
	groups.Groups = groups.Groups[:10]
	badSelect := cfg
	badSelect.Train.Select = "f1"
	for _, c := range []struct {
		name  string
		train []Sequence
		cfg   SASRecConfig
	}{
		{"item out of range", []Sequence{{0, 60}}, cfg},
		{"nothing to learn", []Sequence{{1}, {}}, cfg},
		{"heads do not divide hidden", good, bad},
		{"repeat head with bce", good, bce},
		{"lags with bce", good, lagsBCE},
		{"more lags than positions", good, tooManyLags},
		{"groups for too few items", good, groups},
		{"unknown select", good, badSelect},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := TrainSASRec(ctx, c.train, nil, 60, c.cfg, TrainOptions{}); err == nil {
				t.Error("no error")
			}
		})
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := TrainSASRec(cctx, good, nil, 60, cfg, TrainOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v", err)
	}
}

func TestWindows(t *testing.T) {
	got := windows([]Sequence{{1}, {1, 2, 3}, {1, 2, 3, 4, 5, 6, 7}}, 3)
	want := []Sequence{{1, 2, 3}, {5, 6, 7}, {3, 4, 5}, {1, 2, 3}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestPrepareData(t *testing.T) {
	users := []Sequence{{1, 2}, {3}, {4, 5, 6}, {7, 8}, {9, 10}}
	tests := []Sequence{{11, 12}}
	train, valid := PrepareData(users, tests, DataOptions{ValidFrac: 0.4, Seed: 3, Transductive: true})
	if len(valid) != 2 || len(train) != 3+2+1 {
		t.Fatalf("train %v, valid %v", train, valid)
	}
	for _, v := range valid {
		if len(v) < 2 {
			t.Errorf("validation user %v has no target", v)
		}
	}
	train2, valid2 := PrepareData(users, tests, DataOptions{ValidFrac: 0.4, Seed: 3})
	if len(train2) != 3 || !reflect.DeepEqual(valid, valid2) {
		t.Errorf("inductive: train %v valid %v", train2, valid2)
	}
}

func TestMoveFlags(t *testing.T) {
	s := Sequence{4, 4, 5, 4, 4, 6, 5, 7}
	groups := []int32{0, 0, 0, 0, 0, 0, 1, 1, 0} // items 6 and 7 are in group 1; 8 is the mask
	F, S, B, R, N, O, M := moveFirst, moveStay, moveBack, moveReturn, moveNew, moveNewOther, moveMasked
	for _, c := range []struct {
		s      Sequence
		groups []int32
		want   []int32
	}{
		{s, nil, []int32{9, F, S, N, B, S, N, R, N}},
		{s, groups, []int32{9, F, S, N, B, S, O, R, O}},
		{Sequence{8, 4, 4, 8, 5, 6, 8}, groups, []int32{9, M, M, S, M, M, O, M}},
	} {
		if got := appendMoveFlags([]int32{9}, c.s, c.groups, 8); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%v groups %v: got %v, want %v", c.s, c.groups, got, c.want)
		}
	}
}

func TestRepeatRows(t *testing.T) {
	var ws repeatWS
	ws.reset()
	head := repeatHead{slots: 3}
	for _, h := range []Sequence{{4, 4, 5, 4, 6}, {}, {9, 3, 9}, {1, 2, 3, 4, 5}} {
		ws.addRow(h, 8, &head) // 9 is a mask token; three slots
	}
	want := [][]int32{{6, 4, 5}, {}, {3}, {5, 4, 3}}
	for r, w := range want {
		if got := ws.items[ws.off[r]:ws.off[r+1]]; !slices.Equal(got, w) {
			t.Errorf("row %d: got %v, want %v", r, got, w)
		}
	}
}

// TestRepeatHeadLearnsReturns: when every career alternates between two
// occupations, the next one is always the second most recent, which the
// repeat head learns whatever the items; a model this small cannot learn
// it through the item table alone.
func TestRepeatHeadLearnsReturns(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	var train, test []Sequence
	for u := range 1200 {
		a, b := int32(rng.IntN(60)), int32(rng.IntN(60))
		for b == a {
			b = int32(rng.IntN(60))
		}
		s := Sequence{}
		for i := range 4 + rng.IntN(6) {
			s = append(s, [2]int32{a, b}[i%2])
		}
		if u < 1000 {
			train = append(train, s)
		} else {
			test = append(test, s)
		}
	}
	net := NetConfig{Hidden: 4, Heads: 1, Blocks: 1, Inner: 8, MaxLen: 16}
	tc := TrainConfig{Epochs: 15, BatchSize: 64, LR: 1e-2, Beta1: 0.9, Beta2: 0.98, Clip: 5}
	for _, repeat := range []bool{false, true} {
		s := SASRecConfig{NetConfig: net, Act: ReLU, RepeatHead: repeat, Train: tc}
		sm, err := TrainSASRec(context.Background(), train, nil, 60, s, TrainOptions{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		b := BERT4RecConfig{NetConfig: net, MaskProb: 0.2, LastMaskProb: 0.5, Act: GELU, RepeatHead: repeat, Train: tc}
		bm, err := TrainBERT4Rec(context.Background(), train, nil, 60, b, TrainOptions{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		for name, m := range map[string]Predictor{"sasrec": sm, "bert4rec": bm} {
			em := emOf(m, test)
			t.Logf("%s repeat head %v: EM %.3f", name, repeat, em)
			if repeat && em < 0.95 {
				t.Errorf("%s with the repeat head: EM %.3f, want ≥ 0.95", name, em)
			}
			if !repeat && em > 0.9 {
				t.Errorf("%s without the repeat head: EM %.3f; the test no longer shows what the head adds", name, em)
			}
		}
	}
}

// TestSelectLoss: with select loss the kept epoch is the one with the
// lowest validation cross-entropy.
func TestSelectLoss(t *testing.T) {
	d := smallData()
	train, valid := PrepareData(d.train, nil, DataOptions{ValidFrac: 0.1, Seed: 1})
	c := smallSASRec()
	c.Train.Epochs, c.Train.Select = 5, SelectLoss
	var epochs []Epoch
	m, err := TrainSASRec(context.Background(), train, valid, 60, c, TrainOptions{Seed: 1, Progress: func(e Epoch) { epochs = append(epochs, e) }})
	if err != nil {
		t.Fatal(err)
	}
	best := 0
	for i, e := range epochs {
		if e.ValidLoss <= 0 || e.ValidEM < 0 {
			t.Fatalf("epoch %d: validation loss %v, EM %v", e.N, e.ValidLoss, e.ValidEM)
		}
		if e.ValidLoss < epochs[best].ValidLoss {
			best = i
		}
		if want := i == 0 || e.ValidLoss < minLoss(epochs[:i]); e.Best != want {
			t.Errorf("epoch %d: best %v, want %v", e.N, e.Best, want)
		}
	}
	if st := m.Stats(); st.BestEpoch != best+1 || st.ValidLoss != epochs[best].ValidLoss {
		t.Errorf("stats %+v, want epoch %d", st, best+1)
	}
}

func minLoss(es []Epoch) float64 {
	m := es[0].ValidLoss
	for _, e := range es[1:] {
		m = min(m, e.ValidLoss)
	}
	return m
}

// Each epoch says how many there may be and when patience ends training;
// training stops exactly there.
func TestEpochBudget(t *testing.T) {
	d := smallData()
	train, valid := PrepareData(d.train, nil, DataOptions{ValidFrac: 0.1, Seed: 1})
	c := smallSASRec()
	c.Train.Epochs, c.Train.Patience, c.Train.LR = 40, 2, 1e-6 // too slow to keep improving
	var epochs []Epoch
	if _, err := TrainSASRec(context.Background(), train, valid, 60, c, TrainOptions{Seed: 1, Progress: func(e Epoch) { epochs = append(epochs, e) }}); err != nil {
		t.Fatal(err)
	}
	last := epochs[len(epochs)-1]
	if last.N == 40 {
		t.Fatal("training ran every epoch: the test wants it stopped early")
	}
	for _, e := range epochs {
		if e.Of != 40 || e.StopBy < e.N || e.StopBy > e.Of || (e.Best && e.StopBy != min(40, e.N+2)) {
			t.Errorf("epoch %d: of %d, stops by %d", e.N, e.Of, e.StopBy)
		}
	}
	if last.StopBy != last.N {
		t.Errorf("training stopped at epoch %d, but that epoch said it would stop at %d", last.N, last.StopBy)
	}
}
