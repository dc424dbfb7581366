package runners

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/occbench/occbench/baselines"
	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/internal/dirlock"
	"github.com/occbench/occbench/internal/safefile"
	"github.com/occbench/occbench/metrics"
	"github.com/occbench/occbench/rundir"
)

func init() {
	// The paper's models, and occbench's variants of them.
	Register("sasrec", 0, newNeural("sasrec", baselines.DefaultSASRec, trainSASRec))
	Register("bert4rec", 0, newNeural("bert4rec", baselines.DefaultBERT4Rec, trainBERT4Rec))
	Register("sasrec+", 0, newNeural("sasrec+", baselines.SASRecPlus, trainSASRec))
	Register("bert4rec+", 0, newNeural("bert4rec+", baselines.BERT4RecPlus, trainBERT4Rec))
}

// trainShards fixes how each batch is split for gradient summation, so the
// same seed gives the same model on machines with any number of cores.
const trainShards = 2

// NeuralData are the data settings of the sasrec and bert4rec kinds; the
// model's own settings (hidden, blocks, train: {epochs, lr, …}) sit beside
// them in the suite entry.
type NeuralData struct {
	ValidFrac    float64 `json:"valid_frac"`   // training users held out for early stopping
	Transductive bool    `json:"transductive"` // also train on the test users' histories, as the paper does
}

// neuralSettings is what the manifest records for a network runner.
type neuralSettings[C any] struct {
	Model C          `json:"model"`
	Data  NeuralData `json:"data"`
}

// trainFunc trains a network over the occupations of tax.
type trainFunc[C any] func(ctx context.Context, tax *onet.Taxonomy, train, valid []baselines.Sequence, cfg C, opts baselines.TrainOptions) (baselines.Model, error)

// trainSASRec fills in the occupation data the config's options need: the
// SOC major groups for move flags.
func trainSASRec(ctx context.Context, tax *onet.Taxonomy, train, valid []baselines.Sequence, cfg baselines.SASRecConfig, opts baselines.TrainOptions) (baselines.Model, error) {
	if cfg.MoveFlags {
		cfg.Groups = tax.MajorGroups()
	}
	return asModel(baselines.TrainSASRec(ctx, train, valid, tax.Len(), cfg, opts))
}

func trainBERT4Rec(ctx context.Context, tax *onet.Taxonomy, train, valid []baselines.Sequence, cfg baselines.BERT4RecConfig, opts baselines.TrainOptions) (baselines.Model, error) {
	if cfg.MoveFlags {
		cfg.Groups = tax.MajorGroups()
	}
	return asModel(baselines.TrainBERT4Rec(ctx, train, valid, tax.Len(), cfg, opts))
}

// asModel is a trained network as a Model; no network is a nil Model, not
// an interface holding a nil pointer.
func asModel[M interface {
	*baselines.SASRec | *baselines.BERT4Rec
	baselines.Model
}](m M, err error) (baselines.Model, error) {
	if m == nil {
		return nil, err
	}
	return m, err
}

// newNeural makes the factory of a network kind. The suite entry's keys
// other than valid_frac and transductive are the model's config, decoded
// strictly over the defaults.
func newNeural[C any](kind string, defaults C, train trainFunc[C]) Factory {
	return func(spec *rundir.RunnerSpec) (Runner, any, error) {
		path, rest, err := splitPath(spec)
		if err != nil {
			return nil, nil, err
		}
		var raw map[string]any
		if err := rest.DecodeSettings(&raw); err != nil {
			return nil, nil, err
		}
		data := NeuralData{ValidFrac: baselines.DefaultData.ValidFrac, Transductive: baselines.DefaultData.Transductive}
		if err := takeJSON(raw, &data, "valid_frac", "transductive"); err != nil {
			return nil, nil, spec.Errorf("%w", err)
		}
		cfg := defaults
		b, err := json.Marshal(raw)
		if err != nil {
			return nil, nil, err
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&cfg); err != nil {
			if key, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
				return nil, nil, spec.UnknownSetting(strings.Trim(key, `"`))
			}
			return nil, nil, spec.Errorf("%s settings: %w", kind, err)
		}
		if data.ValidFrac <= 0 || data.ValidFrac >= 1 {
			return nil, nil, spec.Errorf("valid_frac %v: want a fraction in (0, 1) for early stopping", data.ValidFrac)
		}
		settings := &neuralSettings[C]{Model: cfg, Data: data}
		fit := func(ctx context.Context, env *Env, seqs []baselines.Sequence, _ any) (baselines.Predictor, map[string]any, error) {
			return fitNeural(ctx, env, spec.Name, kind, seqs, settings, train)
		}
		return &baselineRunner{name: spec.Name, kind: spec.Kind, fit: fit, settings: settings, path: path}, settings, nil
	}
}

// takeJSON moves the given keys of raw into v (through JSON) and deletes
// them from raw.
func takeJSON(raw map[string]any, v any, keys ...string) error {
	part := map[string]any{}
	for _, k := range keys {
		if x, ok := raw[k]; ok {
			part[k] = x
			delete(raw, k)
		}
	}
	b, err := json.Marshal(part)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// fitNeural trains a network, or loads the model a previous run trained on
// the same sequences with the same settings. The model file is locked
// while it is looked for and trained, so that of the shards of a run that
// share a models directory one trains it and the others wait and load it.
func fitNeural[C any](ctx context.Context, env *Env, name, kind string, users []baselines.Sequence, s *neuralSettings[C], train trainFunc[C]) (baselines.Predictor, map[string]any, error) {
	var testHist []baselines.Sequence
	if s.Data.Transductive {
		// Every test user of the run, not only this shard's: the model
		// must not depend on the shard.
		for _, ex := range env.AllTest {
			seq, err := sequence(ex.Codes(), env.Taxonomy)
			if err != nil {
				return nil, nil, fmt.Errorf("user %s: %w", ex.UserID, err)
			}
			if len(seq) > 0 {
				testHist = append(testHist, seq)
			}
		}
	}
	key, err := modelKey(kind, s, env.Seed, users, testHist)
	if err != nil {
		return nil, nil, err
	}
	base := kind + "-" + key[:16]
	path := filepath.Join(env.ModelDir, base+".model")
	unlock, err := dirlock.LockWait(ctx, env.ModelDir, "."+base+".lock", func(holder string) {
		fmt.Fprintf(env.Log, "%s: waiting for %s, which is training %s\n", name, holder, path)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("model %s: %w", path, err)
	}
	defer unlock()
	info := map[string]any{"model_file": path}
	if !env.Retrain {
		if m, err := loadModel(path); err == nil {
			fmt.Fprintf(env.Log, "%s: reusing the trained model %s\n", name, path)
			info["reused"] = true
			addStats(info, m)
			return m, info, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(env.Log, "%s: not reusing %s: %v\n", name, path, err)
		}
	}
	trainSeqs, valid := baselines.PrepareData(users, testHist, baselines.DataOptions{ValidFrac: s.Data.ValidFrac, Seed: env.Seed, Transductive: s.Data.Transductive})
	log, err := newEpochLog(filepath.Join(env.RunDir, "training", name+".jsonl"))
	if err != nil {
		return nil, nil, err
	}
	defer log.Close()
	start := time.Now()
	opts := baselines.TrainOptions{
		Seed:   env.Seed,
		Shards: trainShards,
		Progress: func(e baselines.Epoch) {
			log.add(e)
			mark := ""
			if e.Best {
				mark = " (best)"
			}
			fmt.Fprintf(env.Log, "%s: epoch %d/%d, loss %.4f, validation EM %.2f%% loss %.4f%s, %s%s\n", name, e.N, e.Of, e.Loss, 100*e.ValidEM, e.ValidLoss, mark, e.Elapsed.Round(100*time.Millisecond), eta(e))
		},
	}
	m, err := train(ctx, env.Taxonomy, trainSeqs, valid, s.Model, opts)
	if err != nil {
		return nil, nil, err
	}
	if err := log.Close(); err != nil {
		return nil, nil, err
	}
	if err := safefile.Write(path, m.Save); err != nil {
		return nil, nil, fmt.Errorf("save model: %w", err)
	}
	info["train_seconds"] = time.Since(start).Seconds()
	info["train_sequences"] = len(trainSeqs)
	info["valid_users"] = len(valid)
	addStats(info, m)
	return m, info, nil
}

// eta says how long training may still take at the pace so far: until
// early stopping ends it, unless validation improves first.
func eta(e baselines.Epoch) string {
	left := e.StopBy - e.N
	if left <= 0 {
		return ""
	}
	d := (e.Elapsed / time.Duration(e.N) * time.Duration(left)).Round(time.Second)
	if e.StopBy < e.Of {
		return fmt.Sprintf(", up to %s more (stops at epoch %d unless validation improves)", d, e.StopBy)
	}
	return fmt.Sprintf(", up to %s more", d)
}

func addStats(info map[string]any, m baselines.Model) {
	if st, ok := m.(interface{ Stats() baselines.TrainStats }); ok {
		s := st.Stats()
		info["epochs"] = s.Epochs
		info["best_epoch"] = s.BestEpoch
		info["valid_em"] = s.ValidEM
		info["valid_loss"] = s.ValidLoss
		info["seconds_to_best"] = s.ToBest.Seconds()
	}
}

func loadModel(path string) (baselines.Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return baselines.Load(f)
}

// modelKey identifies a trained model by everything that determines it:
// the kind, its settings, the seed, the model file format and the exact
// training sequences.
func modelKey(kind string, settings any, seed uint64, users, testHist []baselines.Sequence) (string, error) {
	h := sha256.New()
	cfg, err := json.Marshal(settings)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "%s\x00%d\x00%d\x00%d\x00%s\x00", kind, baselines.FormatVersion, seed, trainShards, cfg)
	var buf [4]byte
	for _, set := range [][]baselines.Sequence{users, testHist} {
		binary.LittleEndian.PutUint32(buf[:], uint32(len(set)))
		h.Write(buf[:])
		for _, s := range set {
			binary.LittleEndian.PutUint32(buf[:], uint32(len(s)))
			h.Write(buf[:])
			for _, it := range s {
				binary.LittleEndian.PutUint32(buf[:], uint32(it))
				h.Write(buf[:])
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// epochLog writes one JSON line per training epoch.
type epochLog struct {
	f   *os.File
	err error
}

func newEpochLog(path string) (*epochLog, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &epochLog{f: f}, nil
}

func (l *epochLog) add(e baselines.Epoch) {
	if l.err != nil {
		return
	}
	b, _ := json.Marshal(struct {
		Epoch     int            `json:"epoch"`
		Loss      metrics.Number `json:"loss"`
		ValidEM   metrics.Number `json:"valid_em"`
		ValidLoss metrics.Number `json:"valid_loss"`
		Best      bool           `json:"best"`
		Seconds   float64        `json:"seconds"`
	}{e.N, metrics.Num(e.Loss), metrics.Num(e.ValidEM), metrics.Num(e.ValidLoss), e.Best, e.Elapsed.Seconds()})
	_, l.err = l.f.Write(append(b, '\n'))
}

// Close closes the file once and reports the first write or close error.
func (l *epochLog) Close() error {
	if l.f != nil {
		if err := l.f.Close(); l.err == nil {
			l.err = err
		}
		l.f = nil
	}
	return l.err
}
