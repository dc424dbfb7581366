package llmtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
)

// Scripted is a fake OpenAI-compatible server whose answers a test
// writes: answer(prompt, k) is the k-th answer (0-based) the server gives
// to prompts with the same marker (the prompt is preceded by a line
// "model=NAME"), so repeated requests draw new answers
// the way a sampling model does.
type Scripted struct {
	srv     *httptest.Server
	mu      sync.Mutex
	count   map[string]int // answers given per marker
	reqs    int
	IgnoreN bool // answer one choice whatever n asks
	answer  func(prompt string, k int) (content string, status int)
	marker  *regexp.Regexp
}

// NewScripted starts a server answering with answer; marker is a regular
// expression whose first match in a prompt keys the count of answers.
func NewScripted(t testing.TB, marker string, answer func(prompt string, k int) (string, int)) *Scripted {
	s := &Scripted{count: map[string]int{}, answer: answer, marker: regexp.MustCompile(marker)}
	s.srv = httptest.NewServer(http.HandlerFunc(s.chat))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the server's base URL for an endpoint.
func (s *Scripted) URL() string { return s.srv.URL + "/v1" }

// Requests is how many chat requests the server received.
func (s *Scripted) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reqs
}

func (s *Scripted) chat(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req struct {
		Messages []struct {
			Content string `json:"content"`
		} `json:"messages"`
		N     int    `json:"n"`
		Model string `json:"model"`
	}
	if err := json.Unmarshal(body, &req); err != nil || len(req.Messages) == 0 {
		writeJSON(w, 400, map[string]any{"error": map[string]any{"message": "bad request"}})
		return
	}
	// The model's name leads the text the script sees.
	prompt := "model=" + req.Model + "\n" + req.Messages[len(req.Messages)-1].Content
	n := max(req.N, 1)
	if s.IgnoreN {
		n = 1
	}
	mark := ""
	if m := s.marker.FindString(prompt); m != "" {
		mark = m
	}
	s.mu.Lock()
	s.reqs++
	k := s.count[mark]
	s.mu.Unlock()
	var choices []any
	for i := range n {
		content, status := s.answer(prompt, k+i)
		if status != 0 && status != 200 {
			writeJSON(w, status, map[string]any{"error": map[string]any{"message": "Scripted failure"}})
			return
		}
		choices = append(choices, map[string]any{"index": i, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": content}})
	}
	s.mu.Lock()
	s.count[mark] += n
	s.mu.Unlock()
	writeJSON(w, 200, map[string]any{"id": "x", "object": "chat.completion", "choices": choices,
		"usage": map[string]any{"prompt_tokens": 10, "completion_tokens": 10}})
}
