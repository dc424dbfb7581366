package baselines

import (
	"fmt"
	"time"
)

// Loss picks SASRec's training loss.
type Loss uint8

const (
	// CrossEntropy is the full softmax over all items (RecBole's "CE",
	// "SASRec+" in the literature): more accurate, and cheap at ~1k items.
	CrossEntropy Loss = iota
	// SampledBCE is the original SASRec loss: one uniformly sampled
	// negative per position, drawn from items not in the user's window.
	SampledBCE
)

func (l Loss) String() string {
	if l == SampledBCE {
		return "bce"
	}
	return "ce"
}

// MarshalText writes "ce" or "bce".
func (l Loss) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText reads "ce" or "bce".
func (l *Loss) UnmarshalText(b []byte) error {
	switch string(b) {
	case "ce":
		*l = CrossEntropy
	case "bce":
		*l = SampledBCE
	default:
		return fmt.Errorf("loss %q: want ce or bce", b)
	}
	return nil
}

// MarshalText writes "relu" or "gelu".
func (a Activation) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText reads "relu" or "gelu".
func (a *Activation) UnmarshalText(b []byte) error {
	switch string(b) {
	case "relu":
		*a = ReLU
	case "gelu":
		*a = GELU
	default:
		return fmt.Errorf("activation %q: want relu or gelu", b)
	}
	return nil
}

// TrainConfig holds the optimisation settings shared by both networks.
type TrainConfig struct {
	Epochs      int     `json:"epochs"`       // at most this many passes
	Patience    int     `json:"patience"`     // stop after this many epochs without a better validation EM; 0 never stops early
	BatchSize   int     `json:"batch_size"`   // sequences per step
	LR          float64 `json:"lr"`           // Adam step size
	Beta1       float64 `json:"beta1"`        // Adam β₁
	Beta2       float64 `json:"beta2"`        // Adam β₂ (SASRec's original: 0.98)
	WeightDecay float64 `json:"weight_decay"` // decoupled (AdamW), on weight matrices and embeddings only
	Clip        float64 `json:"clip"`         // global gradient-norm clip; 0 is off
	// EMA, when above 0, validates and keeps an exponential moving average
	// of the weights, updated after every step with this decay: a
	// smoother model than the last step's.
	EMA float64 `json:"ema,omitempty"`
	// Select is what picks the epoch whose weights are kept: SelectEM,
	// the validation exact match, or SelectLoss, the validation
	// cross-entropy, a smoother signal than the EM of ~1,000 users.
	// Empty means SelectEM.
	Select Select `json:"select"`
}

// Select names the validation measure that picks the kept epoch.
type Select string

// The measures Select can name.
const (
	SelectEM   Select = "em"
	SelectLoss Select = "loss"
)

func (c TrainConfig) validate() error {
	switch {
	case c.Epochs < 1:
		return fmt.Errorf("epochs %d: want at least 1", c.Epochs)
	case c.BatchSize < 1:
		return fmt.Errorf("batch size %d: want at least 1", c.BatchSize)
	case !(c.LR > 0):
		return fmt.Errorf("learning rate %v: want > 0", c.LR)
	case c.Beta1 < 0 || c.Beta1 >= 1 || c.Beta2 < 0 || c.Beta2 >= 1:
		return fmt.Errorf("adam betas %v, %v: want [0, 1)", c.Beta1, c.Beta2)
	case c.Select != "" && c.Select != SelectEM && c.Select != SelectLoss:
		return fmt.Errorf("select %q: want em or loss", c.Select)
	case c.EMA < 0 || c.EMA >= 1:
		return fmt.Errorf("ema %v: want [0, 1)", c.EMA)
	case c.Patience < 0 || c.WeightDecay < 0 || c.Clip < 0:
		return fmt.Errorf("patience, weight decay and clip must not be negative")
	}
	return nil
}

// NetConfig holds the encoder settings shared by both networks.
type NetConfig struct {
	Hidden  int     `json:"hidden"`  // embedding and model width
	Heads   int     `json:"heads"`   // attention heads; must divide Hidden
	Blocks  int     `json:"blocks"`  // transformer blocks
	Inner   int     `json:"inner"`   // feed-forward width
	MaxLen  int     `json:"max_len"` // positions; longer histories keep their most recent items
	Dropout float32 `json:"dropout"`
}

func (c NetConfig) validate() error {
	switch {
	case c.Hidden < 1 || c.Heads < 1 || c.Hidden%c.Heads != 0:
		return fmt.Errorf("hidden %d, heads %d: want heads dividing hidden", c.Hidden, c.Heads)
	case c.Blocks < 1 || c.Inner < 1:
		return fmt.Errorf("blocks %d, inner %d: want at least 1", c.Blocks, c.Inner)
	case c.MaxLen < 2:
		return fmt.Errorf("max len %d: want at least 2", c.MaxLen)
	case c.Dropout < 0 || c.Dropout >= 1:
		return fmt.Errorf("dropout %v: want [0, 1)", c.Dropout)
	}
	return nil
}

// TrainOptions are the run-time settings that do not change the model.
type TrainOptions struct {
	// Seed drives initialisation, shuffling, masking, negatives and dropout.
	Seed uint64
	// Shards is how many parts each batch is cut into, one goroutine
	// each at most; their gradients are summed in shard order. The same
	// seed, config and Shards give a bit-identical model whatever the core
	// count, on machines with the same kernels (amd64 with AVX2 and FMA,
	// or the pure-Go path). 0 means GOMAXPROCS.
	Shards int
	// Progress, when set, is called after every epoch.
	Progress func(Epoch)
	// Logf, when set, receives one line per epoch.
	Logf func(format string, args ...any)
}

// Epoch reports one finished training epoch.
type Epoch struct {
	N int // 1-based
	// Of is the most epochs training may run (TrainConfig.Epochs); StopBy
	// the epoch it stops at unless validation improves first (early
	// stopping's patience), at most Of.
	Of, StopBy int
	Loss       float64 // mean training loss per target
	ValidEM    float64 // exact-match rate on the validation users; -1 without them
	// ValidLoss is the validation users' mean cross-entropy; -1 without them.
	ValidLoss float64
	Best      bool          // the best validation score so far (see TrainConfig.Select): this epoch's weights are kept
	Elapsed   time.Duration // since training started
}

// TrainStats summarises a finished training run.
type TrainStats struct {
	Epochs    int           `json:"epochs"`     // epochs run
	BestEpoch int           `json:"best_epoch"` // whose weights were kept
	ValidEM   float64       `json:"valid_em"`   // at BestEpoch; -1 without validation users
	ValidLoss float64       `json:"valid_loss"` // at BestEpoch; -1 without validation users
	ToBest    time.Duration `json:"to_best"`    // training time until BestEpoch ended
	Total     time.Duration `json:"total"`
	Shards    int           `json:"shards"`
}
