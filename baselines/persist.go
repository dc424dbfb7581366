package baselines

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
)

// FormatVersion is the version of the model file format. Files are:
// the magic "OCCBMODL", the version (uint32), a JSON header (uint32
// length, then the bytes: kind, items, config, training stats, the item
// groups the model was built with and the tensor list), the parameters
// (uint64 count, then little-endian float32s) and a CRC-32 (IEEE) of
// everything before it. Version 2 added the groups.
const FormatVersion = 2

var magic = [8]byte{'O', 'C', 'C', 'B', 'M', 'O', 'D', 'L'}

// Model is a trained network that can be saved and reloaded.
type Model interface {
	BatchPredictor
	// Kind is "sasrec" or "bert4rec".
	Kind() string
	// Save writes the model in the versioned binary format.
	Save(w io.Writer) error
}

type fileHeader struct {
	Kind    string          `json:"kind"`
	Items   int             `json:"items"`
	Config  json.RawMessage `json:"config"`
	Stats   TrainStats      `json:"stats"`
	Groups  []int32         `json:"groups,omitempty"` // the configs' Groups
	Tensors []tensorInfo    `json:"tensors"`
}

type tensorInfo struct {
	Name string `json:"name"`
	Rows int    `json:"rows"`
	Cols int    `json:"cols"`
}

// Kind is "sasrec".
func (m *SASRec) Kind() string { return "sasrec" }

// Kind is "bert4rec".
func (m *BERT4Rec) Kind() string { return "bert4rec" }

// Save writes the model; see FormatVersion.
func (m *SASRec) Save(w io.Writer) error {
	return save(w, m.Kind(), m.n, m.cfg, m.cfg.Groups, m.stats, &m.ps)
}

// Save writes the model; see FormatVersion.
func (m *BERT4Rec) Save(w io.Writer) error {
	return save(w, m.Kind(), m.n, m.cfg, m.cfg.Groups, m.stats, &m.ps)
}

// save writes a model with the item groups it was built with (not part of
// the JSON config, which holds settings only).
func save(w io.Writer, kind string, n int, cfg any, groups []int32, stats TrainStats, ps *paramSet) error {
	cj, err := json.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("save %s: %w", kind, err)
	}
	h := fileHeader{Kind: kind, Items: n, Config: cj, Stats: stats, Groups: groups}
	if math.IsNaN(h.Stats.ValidEM) {
		h.Stats.ValidEM = -1
	}
	if math.IsNaN(h.Stats.ValidLoss) || math.IsInf(h.Stats.ValidLoss, 0) {
		h.Stats.ValidLoss = -1 // a diverged model still saves: JSON has no NaN
	}
	for _, s := range ps.specs {
		h.Tensors = append(h.Tensors, tensorInfo{s.Name, s.rows, s.cols})
	}
	hj, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("save %s: %w", kind, err)
	}
	crc := crc32.NewIEEE()
	bw := bufio.NewWriter(io.MultiWriter(w, crc))
	bw.Write(magic[:])
	binary.Write(bw, binary.LittleEndian, uint32(FormatVersion))
	binary.Write(bw, binary.LittleEndian, uint32(len(hj)))
	bw.Write(hj)
	binary.Write(bw, binary.LittleEndian, uint64(len(ps.w)))
	var b [4]byte
	for _, v := range ps.w {
		binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
		bw.Write(b[:])
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("save %s: %w", kind, err)
	}
	if err := binary.Write(w, binary.LittleEndian, crc.Sum32()); err != nil {
		return fmt.Errorf("save %s: %w", kind, err)
	}
	return nil
}

// Load reads a model written by Save, of either kind.
func Load(r io.Reader) (Model, error) {
	h, w, err := readModel(r)
	if err != nil {
		return nil, err
	}
	var m interface {
		Model
		paramSet() *paramSet
	}
	switch h.Kind {
	case "sasrec":
		var cfg SASRecConfig
		if err := json.Unmarshal(h.Config, &cfg); err != nil {
			return nil, fmt.Errorf("load model: sasrec config: %w", err)
		}
		cfg.Groups = h.Groups
		s, err := newSASRec(h.Items, cfg, 0)
		if err != nil {
			return nil, fmt.Errorf("load model: %w", err)
		}
		s.stats, m = h.Stats, s
	case "bert4rec":
		var cfg BERT4RecConfig
		if err := json.Unmarshal(h.Config, &cfg); err != nil {
			return nil, fmt.Errorf("load model: bert4rec config: %w", err)
		}
		cfg.Groups = h.Groups
		b, err := newBERT4Rec(h.Items, cfg, 0)
		if err != nil {
			return nil, fmt.Errorf("load model: %w", err)
		}
		b.stats, m = h.Stats, b
	default:
		return nil, fmt.Errorf("load model: kind %q: want sasrec or bert4rec", h.Kind)
	}
	ps := m.paramSet()
	if len(h.Tensors) != len(ps.specs) {
		return nil, fmt.Errorf("load model: %d tensors, the %s config has %d", len(h.Tensors), h.Kind, len(ps.specs))
	}
	for i, t := range h.Tensors {
		s := ps.specs[i]
		if t.Name != s.Name || t.Rows != s.rows || t.Cols != s.cols {
			return nil, fmt.Errorf("load model: tensor %d is %s %d×%d, the config wants %s %d×%d", i, t.Name, t.Rows, t.Cols, s.Name, s.rows, s.cols)
		}
	}
	if len(w) != len(ps.w) {
		return nil, fmt.Errorf("load model: %d parameters, the config wants %d", len(w), len(ps.w))
	}
	copy(ps.w, w)
	return m, nil
}

// LoadSASRec reads a SASRec model written by Save.
func LoadSASRec(r io.Reader) (*SASRec, error) {
	m, err := Load(r)
	if err != nil {
		return nil, err
	}
	s, ok := m.(*SASRec)
	if !ok {
		return nil, fmt.Errorf("load model: a %s model, want sasrec", m.Kind())
	}
	return s, nil
}

// LoadBERT4Rec reads a BERT4Rec model written by Save.
func LoadBERT4Rec(r io.Reader) (*BERT4Rec, error) {
	m, err := Load(r)
	if err != nil {
		return nil, err
	}
	b, ok := m.(*BERT4Rec)
	if !ok {
		return nil, fmt.Errorf("load model: a %s model, want bert4rec", m.Kind())
	}
	return b, nil
}

// maxHeader bounds the JSON header so a corrupt length cannot allocate
// gigabytes.
const maxHeader = 1 << 20

func readModel(r io.Reader) (fileHeader, []float32, error) {
	var h fileHeader
	crc := crc32.NewIEEE()
	br := bufio.NewReader(r)
	tr := io.TeeReader(br, crc)
	fail := func(what string, err error) (fileHeader, []float32, error) {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return h, nil, fmt.Errorf("load model: %s: %w", what, err)
	}
	var mg [8]byte
	if _, err := io.ReadFull(tr, mg[:]); err != nil {
		return fail("magic", err)
	}
	if mg != magic {
		return h, nil, fmt.Errorf("load model: not an occbench model file (magic %q)", mg[:])
	}
	var ver, hl uint32
	if err := binary.Read(tr, binary.LittleEndian, &ver); err != nil {
		return fail("version", err)
	}
	if ver != FormatVersion {
		return h, nil, fmt.Errorf("load model: format version %d, this occbench reads version %d", ver, FormatVersion)
	}
	if err := binary.Read(tr, binary.LittleEndian, &hl); err != nil {
		return fail("header length", err)
	}
	if hl > maxHeader {
		return h, nil, fmt.Errorf("load model: header of %d bytes: want at most %d", hl, maxHeader)
	}
	hj := make([]byte, hl)
	if _, err := io.ReadFull(tr, hj); err != nil {
		return fail("header", err)
	}
	dec := json.NewDecoder(bytes.NewReader(hj))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return fail("header", err)
	}
	if h.Items < 2 || h.Items > 1<<24 {
		return h, nil, fmt.Errorf("load model: %d items: want 2 to %d", h.Items, 1<<24)
	}
	var count uint64
	if err := binary.Read(tr, binary.LittleEndian, &count); err != nil {
		return fail("parameter count", err)
	}
	if count > 1<<30 {
		return h, nil, fmt.Errorf("load model: %d parameters: too many", count)
	}
	w := make([]float32, count)
	var b [4]byte
	for i := range w {
		if _, err := io.ReadFull(tr, b[:]); err != nil {
			return fail("parameters", err)
		}
		w[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[:]))
	}
	want := crc.Sum32()
	var got uint32
	if err := binary.Read(br, binary.LittleEndian, &got); err != nil {
		return fail("checksum", err)
	}
	if got != want {
		return h, nil, fmt.Errorf("load model: checksum %08x, want %08x: the file is corrupt", got, want)
	}
	return h, w, nil
}
