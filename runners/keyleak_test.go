package runners

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/occbench/occbench/llm/llmtest"
	"github.com/occbench/occbench/rundir"
)

// The API key is sent to the server and written nowhere: not in the
// manifest, the predictions, the cache, the batch files, or an error
// message that a server echoed it in.
func TestAPIKeyNeverWritten(t *testing.T) {
	raw := make([]byte, 24)
	rand.Read(raw)
	key := "sk-occbench-" + hex.EncodeToString(raw)
	t.Setenv("OCCBENCH_TEST_API_KEY", key)

	dir := t.TempDir()
	test, _ := llmTestSet(t, dir, 40)
	srv := llmtest.New(t, func(h uint32, attempt int) llmtest.Fault {
		switch h % 8 {
		case 1:
			return llmtest.FaultBadRequest // 400 echoing the key: recorded as the sample's error
		case 2:
			return llmtest.AnswerEchoKey // the key inside a successful answer
		case 3:
			if attempt == 1 {
				return llmtest.Fault500
			}
		}
		return llmtest.AnswerOK
	})
	srv.Set(func(f *llmtest.Server) { f.Key = key })
	out := filepath.Join(dir, "run")
	cache := filepath.Join(dir, "cache")
	ep := fmt.Sprintf("endpoint: {base_url: %q, model: m, api_key_env: OCCBENCH_TEST_API_KEY}", srv.URL())
	s := llmSuite(t, test, out, cache, fmt.Sprintf(`  - {name: chat, kind: llm-fast, mode: joint, %s, backoff: {base: 1ms, max: 2ms}}
  - {name: two, kind: llm-fast, mode: two-model, %s, backoff: {base: 1ms, max: 2ms}}
  - {name: batch, kind: llm-fast, mode: joint, %s, batch: true, batch_poll: 1ms, attempt: 2}
`, ep, ep, ep))
	if _, err := Run(context.Background(), s, Options{}); err != nil {
		t.Fatal(err)
	}
	// The key did reach the server: it answers nothing without it.
	var redacted, answered int
	for _, name := range []string{"chat", "two", "batch"} {
		for _, p := range readPreds(t, rundir.PredictionsPath(out, name)) {
			if strings.Contains(p.Error+p.Reason+p.Raw, "[redacted]") {
				redacted++
			}
			if p.Code != "" {
				answered++
			}
		}
	}
	if answered < 60 || redacted == 0 {
		t.Errorf("%d answers, %d redactions: the run did not exercise the key", answered, redacted)
	}
	files := 0
	for _, root := range []string{out, cache} {
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			files++
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte(key)) || bytes.Contains(b, []byte(key[len(key)-16:])) {
				t.Errorf("%s holds the API key", path)
			}
			return nil
		})
	}
	man, _ := os.ReadFile(filepath.Join(out, rundir.ManifestFile))
	if !bytes.Contains(man, []byte(`"api_key_env": "OCCBENCH_TEST_API_KEY"`)) {
		t.Errorf("the manifest does not name the key's variable:\n%s", man)
	}
	if files < 100 {
		t.Errorf("only %d files written", files)
	}
}
