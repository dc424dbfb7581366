package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// settingPairs flattens a runner's resolved settings into "key = value"
// lines, nested keys joined by dots, in key order: readable where the raw
// JSON would wrap mid-number. Values print as the manifest holds them.
func settingPairs(v any) []string {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // 0.0005 stays 0.0005
	var tree any
	if dec.Decode(&tree) != nil {
		return nil
	}
	var out []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if prefix != "" {
					walk(prefix+"."+k, x[k])
				} else {
					walk(k, x[k])
				}
			}
		case nil:
		default:
			out = append(out, prefix+" = "+settingValue(x))
		}
	}
	walk("", tree)
	return out
}

func settingValue(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case json.Number:
		return x.String()
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = settingValue(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// trainingFacts tells in one sentence what preparing a runner did (the
// Info of its manifest entry): epochs, the best epoch and its validation
// scores, training time, a reused model. Keys it does not know follow as
// key = value pairs.
func trainingFacts(info map[string]any) string {
	if len(info) == 0 {
		return ""
	}
	num := func(k string) (float64, bool) {
		f, ok := info[k].(float64)
		if !ok {
			if n, isInt := info[k].(int); isInt {
				f, ok = float64(n), true
			}
		}
		return f, ok
	}
	used := map[string]bool{}
	take := func(k string) (float64, bool) {
		used[k] = true
		return num(k)
	}
	var parts []string
	if ep, ok := take("epochs"); ok {
		s := fmt.Sprintf("trained %s", plural(int(ep), "epoch", "epochs"))
		if best, ok := take("best_epoch"); ok {
			s += fmt.Sprintf(", best epoch %d", int(best))
			var v []string
			if em, ok := take("valid_em"); ok && em >= 0 {
				v = append(v, fmt.Sprintf("validation EM %.2f%%", 100*em))
			}
			if loss, ok := take("valid_loss"); ok && loss >= 0 {
				v = append(v, fmt.Sprintf("loss %.4f", loss))
			}
			if len(v) > 0 {
				s += " (" + strings.Join(v, ", ") + ")"
			}
		}
		if t, ok := take("seconds_to_best"); ok {
			s += fmt.Sprintf(", %s to the best epoch", seconds(t))
		}
		parts = append(parts, s)
	}
	if t, ok := take("train_seconds"); ok {
		parts = append(parts, "training took "+seconds(t))
	}
	used["reused"], used["model_file"] = true, true
	if file, _ := info["model_file"].(string); file != "" {
		if reused, _ := info["reused"].(bool); reused {
			parts = append(parts, "model reused from "+file+" (trained earlier with the same data, settings and seed)")
		} else {
			parts = append(parts, "model saved to "+file)
		}
	}
	var data []string
	for _, k := range [][2]string{{"train_users", "training users"}, {"train_sequences", "training sequences"}, {"valid_users", "validation users"}} {
		if n, ok := take(k[0]); ok {
			data = append(data, count(int(n))+" "+k[1])
		}
	}
	if len(data) > 0 {
		parts = append(parts, strings.Join(data, ", "))
	}
	if t, ok := take("prepare_seconds"); ok {
		parts = append(parts, "prepared in "+seconds(t))
	}
	rest := map[string]any{}
	for k, v := range info {
		if !used[k] {
			rest[k] = v
		}
	}
	var out []string
	if len(parts) > 0 {
		out = append(out, upperFirst(strings.Join(parts, "; "))+".")
	}
	if kv := settingPairs(rest); len(kv) > 0 {
		out = append(out, strings.Join(kv, "; "))
	}
	return strings.Join(out, " ")
}

// seconds prints a duration in seconds at a precision fit for it.
func seconds(s float64) string {
	switch {
	case s >= 100:
		return fmt.Sprintf("%.0f s", s)
	case s >= 1:
		return fmt.Sprintf("%.1f s", s)
	case s >= 0.001:
		return fmt.Sprintf("%.0f ms", 1000*s)
	}
	return "under 1 ms"
}
