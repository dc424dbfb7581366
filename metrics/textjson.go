package metrics

import (
	"io"
	"runtime"
	"strconv"
	"sync"
	"unicode/utf8"
)

// WriteJSON writes the report as `occbench score` prints it, in the
// documented shape and key order, one item per line, floats as
// encoding/json writes them and non-finite values as null. Items are
// formatted in parallel chunks, which matters at 10,000 items.
func (r *TextReport) WriteJSON(w io.Writer) error {
	const chunk = 512
	parts := make([][]byte, (len(r.Items)+chunk-1)/chunk)
	workers := min(runtime.GOMAXPROCS(0), len(parts))
	var wg sync.WaitGroup
	for k := range workers {
		wg.Go(func() {
			for p := k; p < len(parts); p += workers {
				lo, hi := p*chunk, min((p+1)*chunk, len(r.Items))
				b := make([]byte, 0, (hi-lo)*800)
				for i := lo; i < hi; i++ {
					b = appendItemJSON(b, i == 0, r.Items[i])
				}
				parts[p] = b
			}
		})
	}
	wg.Wait()
	if _, err := w.Write(appendScoreHead(nil, r)); err != nil {
		return err
	}
	for _, b := range parts {
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	tail := "]}\n"
	if len(r.Items) > 0 {
		tail = "\n]}\n"
	}
	_, err := io.WriteString(w, tail)
	return err
}

// appendJSON is WriteJSON into a byte slice, one item after the other.
func (r *TextReport) appendJSON(b []byte) []byte {
	b = appendScoreHead(b, r)
	for i, it := range r.Items {
		b = appendItemJSON(b, i == 0, it)
	}
	if len(r.Items) > 0 {
		b = append(b, '\n')
	}
	return append(b, "]}\n"...)
}

func appendScoreHead(b []byte, r *TextReport) []byte {
	b = append(b, `{"signature":{"sacrebleu":`...)
	b = appendJSONString(b, r.Signatures.SacreBLEU)
	b = append(b, `,"nltk":`...)
	b = appendJSONString(b, r.Signatures.NLTK)
	b = append(b, `,"rouge":`...)
	b = appendJSONString(b, r.Signatures.ROUGE)
	b = append(b, `},"corpus":{"sacrebleu":`...)
	b = appendBLEUJSON(b, r.CorpusSacreBLEU)
	b = append(b, `,"nltk_bleu":`...)
	b = appendJSONFloat(b, r.CorpusNLTKBLEU)
	b = append(b, `,"rouge":`...)
	b = appendROUGEJSON(b, r.CorpusROUGE)
	return append(b, `},"items":[`...)
}

func appendItemJSON(b []byte, first bool, it TextItem) []byte {
	if !first {
		b = append(b, ',')
	}
	b = append(b, "\n"+`{"id":`...)
	b = appendJSONString(b, it.ID)
	b = append(b, `,"sacrebleu":`...)
	b = appendBLEUJSON(b, it.SacreBLEU)
	b = append(b, `,"nltk_bleu":`...)
	b = appendJSONFloat(b, it.NLTKBLEU)
	b = append(b, `,"rouge":`...)
	b = appendROUGEJSON(b, it.ROUGE)
	return append(b, '}')
}

func appendBLEUJSON(b []byte, s BLEUScore) []byte {
	b = append(b, `{"score":`...)
	b = appendJSONFloat(b, s.Score)
	b = append(b, `,"counts":`...)
	b = appendJSONFloats(b, s.Counts)
	b = append(b, `,"totals":`...)
	b = appendJSONFloats(b, s.Totals)
	b = append(b, `,"precisions":`...)
	b = appendJSONFloats(b, s.Precisions)
	b = append(b, `,"bp":`...)
	b = appendJSONFloat(b, s.BP)
	b = append(b, `,"sys_len":`...)
	b = strconv.AppendInt(b, int64(s.SysLen), 10)
	b = append(b, `,"ref_len":`...)
	b = strconv.AppendInt(b, int64(s.RefLen), 10)
	return append(b, '}')
}

func appendROUGEJSON(b []byte, s ROUGEScore) []byte {
	for i, kv := range []struct {
		k string
		v PRF
	}{{"rouge1", s.Rouge1}, {"rouge2", s.Rouge2}, {"rougeL", s.RougeL}, {"rougeLsum", s.RougeLsum}} {
		if i == 0 {
			b = append(b, '{')
		} else {
			b = append(b, ',')
		}
		b = appendJSONString(b, kv.k)
		b = append(b, `:{"precision":`...)
		b = appendJSONFloat(b, kv.v.Precision)
		b = append(b, `,"recall":`...)
		b = appendJSONFloat(b, kv.v.Recall)
		b = append(b, `,"fmeasure":`...)
		b = appendJSONFloat(b, kv.v.FMeasure)
		b = append(b, '}')
	}
	return append(b, '}')
}

func appendJSONFloats(b []byte, xs []float64) []byte {
	b = append(b, '[')
	for i, x := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONFloat(b, x)
	}
	return append(b, ']')
}

// appendJSONString quotes s as a JSON string, leaving non-ASCII text as
// UTF-8 and replacing invalid bytes with U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20 || c == 0x7f:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && w == 1:
			b = append(b, `\ufffd`...)
		case r == 0x2028 || r == 0x2029:
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			b = append(b, s[i:i+w]...)
		}
		i += w
	}
	return append(b, '"')
}
