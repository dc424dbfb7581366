package baselines

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"strings"
	"testing"
)

func TestSaveLoad(t *testing.T) {
	d := smallData()
	hs, _ := histories(d.test[:50])
	for _, kind := range []string{"sasrec", "bert4rec"} {
		t.Run(kind, func(t *testing.T) {
			m := trainSmall(t, kind, 2, TrainOptions{Seed: 2})
			var b bytes.Buffer
			if err := m.Save(&b); err != nil {
				t.Fatal(err)
			}
			got, err := Load(bytes.NewReader(b.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if got.Kind() != kind || !reflect.DeepEqual(got.PredictBatch(hs, 10), m.PredictBatch(hs, 10)) {
				t.Fatal("the loaded model predicts differently")
			}
			var b2 bytes.Buffer
			got.Save(&b2)
			if !bytes.Equal(b.Bytes(), b2.Bytes()) {
				t.Error("saving the loaded model gives other bytes")
			}
			file := b.Bytes()
			for _, c := range []struct {
				name, want string
				edit       func([]byte) []byte
			}{
				{"empty", "magic", func([]byte) []byte { return nil }},
				{"not a model", "not an occbench model", func(f []byte) []byte { return []byte("PAR1 and more bytes") }},
				{"future version", "format version 9", func(f []byte) []byte { binary.LittleEndian.PutUint32(f[8:], 9); return f }},
				{"flipped weight", "checksum", func(f []byte) []byte { f[len(f)-9] ^= 1; return f }},
				{"truncated", "unexpected EOF", func(f []byte) []byte { return f[:len(f)-100] }},
				{"huge header", "header of", func(f []byte) []byte { binary.LittleEndian.PutUint32(f[12:], 1<<30); return f }},
			} {
				t.Run(c.name, func(t *testing.T) {
					_, err := Load(bytes.NewReader(c.edit(append([]byte(nil), file...))))
					if err == nil || !strings.Contains(err.Error(), c.want) {
						t.Errorf("got %v, want an error containing %q", err, c.want)
					}
				})
			}
		})
	}
	var b bytes.Buffer
	trainSmall(t, "sasrec", 2, TrainOptions{Seed: 2}).Save(&b)
	if _, err := LoadBERT4Rec(&b); err == nil || !strings.Contains(err.Error(), "want bert4rec") {
		t.Errorf("LoadBERT4Rec of a SASRec file: %v", err)
	}
}

func FuzzLoad(f *testing.F) {
	cfg := smallSASRec()
	cfg.Hidden, cfg.Inner, cfg.MaxLen = 4, 4, 3
	cfg.Groups = cfg.Groups[:5]
	m, err := newSASRec(5, cfg, 1)
	if err != nil {
		f.Fatal(err)
	}
	var b bytes.Buffer
	m.Save(&b)
	f.Add(b.Bytes())
	f.Add([]byte("OCCBMODL"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Load(bytes.NewReader(data))
		if err == nil {
			m.Predict(Sequence{0, 1, 7}, 3) // a file that loads must predict
		}
	})
}
