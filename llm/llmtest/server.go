// Package llmtest holds fake OpenAI-compatible servers for tests of the
// code that calls models: Server, a vLLM-like model server with a plan of
// faults and the Batch API, and Scripted, whose answers a test writes.
package llmtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Fault is how the fake server answers one request.
type Fault int

const (
	AnswerOK        Fault = iota
	Fault429              // 429, Retry-After: 1 (seconds)
	Fault429Date          // 429, Retry-After as an HTTP date
	Fault500              // 500 with a JSON error
	Fault503              // 503 with an HTML body
	FaultHang             // no answer until the client gives up
	FaultMalformed        // 200 with a body that is not JSON
	FaultNoChoices        // 200 with JSON but no choices
	FaultBadRequest       // 400, echoing the API key in its message
	// Successful answers of unusual shape.
	AnswerTruncated       // cut at max_tokens inside the reasoning
	AnswerTruncatedAnswer // cut at max_tokens inside <answer>
	AnswerNoTags          // prose and an "Answer:" line
	AnswerEmptyThink      // <think>\n\n</think> then the bare title
	AnswerReasoningField  // the reasoning in message.reasoning_content
	AnswerFenced          // the tags inside a code fence
	AnswerEchoKey         // the API key in the output (a hostile server)
)

// Plan picks a request's Fault from a hash of its body and how many
// times the server has seen that body (1 for the first). Keyed by body,
// not arrival order, so two servers behave alike under any concurrency.
type Plan func(h uint32, attempt int) Fault

func NoFaults(uint32, int) Fault { return AnswerOK }

// MixedFaults: transient faults on first tries only, odd answers always.
func MixedFaults(hang bool) Plan {
	return func(h uint32, attempt int) Fault {
		if attempt == 1 {
			switch h % 20 {
			case 1:
				return Fault500
			case 2:
				return Fault503
			case 3:
				return FaultMalformed
			case 4:
				return FaultNoChoices
			case 5:
				if hang {
					return FaultHang
				}
			}
		}
		switch h % 20 {
		case 10:
			return AnswerTruncated
		case 11:
			return AnswerTruncatedAnswer
		case 12:
			return AnswerNoTags
		case 13:
			return AnswerEmptyThink
		case 14:
			return AnswerReasoningField
		case 15:
			return AnswerFenced
		}
		return AnswerOK
	}
}

// Server is an in-process OpenAI-compatible server that answers like
// vLLM: chat completions with usage, and the files and batches endpoints.
// Its "model" predicts the occupation of the last job in the history, and
// it counts the successful answers it gave per request body.
//
// Its settings are changed with Set, under its lock: the handlers run on
// other goroutines.
type Server struct {
	srv  *httptest.Server
	plan Plan

	// Settings.
	Latency time.Duration // before every answer
	Key     string        // the bearer token expected; "" accepts any
	// DropBodies keeps no request bodies (benchmarks: memory stays flat).
	DropBodies bool
	GateAt     int           // hold requests once this many succeeded (0: never)
	Release    chan struct{} // batches complete once closed (nil: at once)
	// Limits, when set, are enforced as a provider does: a request over
	// them gets a 429.
	Limits Limits

	mu        sync.Mutex
	seen      map[string]int // body digest → requests
	successes map[string]int // body digest → successful answers
	bodies    []map[string]any
	held      int           // requests the gate has held
	waiting   int           // requests waiting at the gate now
	active    int           // chat requests being handled now
	gate      chan struct{} // closed to release held requests
	files     map[string][]byte
	batches   map[string]*fakeBatch
	batchOrd  []string
	created   int
	uploads   int
	buckets   *buckets // Limits' state, made at the first request
	limited   int      // 429s for going over Limits
}

type fakeBatch struct {
	ID          string `json:"id"`
	Object      string `json:"object"`
	InputFileID string `json:"input_file_id"`
	Status      string `json:"status"`
	Output      string `json:"output_file_id,omitempty"`
	ErrorFile   string `json:"error_file_id,omitempty"`
	Endpoint    string `json:"endpoint"`
	Window      string `json:"completion_window"`
}

// New starts a server answering by plan; it closes when the test ends.
func New(t testing.TB, plan Plan) *Server {
	f := &Server{plan: plan, seen: map[string]int{}, successes: map[string]int{},
		files: map[string][]byte{}, batches: map[string]*fakeBatch{}, gate: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", f.chat)
	mux.HandleFunc("POST /v1/files", f.upload)
	mux.HandleFunc("GET /v1/files/{id}/content", f.fileContent)
	mux.HandleFunc("POST /v1/batches", f.createBatch)
	mux.HandleFunc("GET /v1/batches/{id}", f.getBatch)
	mux.HandleFunc("GET /v1/batches", f.listBatches)
	f.srv = httptest.NewServer(f.auth(mux))
	t.Cleanup(func() {
		f.OpenGate()
		f.srv.CloseClientConnections()
		f.srv.Close()
	})
	return f
}

func (f *Server) URL() string { return f.srv.URL + "/v1" }

func (f *Server) SetPlan(p Plan) { f.Set(func(f *Server) { f.plan = p }) }

// Set changes the server's settings under its lock (handlers run on other
// goroutines).
func (f *Server) Set(fn func(*Server)) {
	f.mu.Lock()
	fn(f)
	f.mu.Unlock()
}

// BatchCounts are the batches created and files uploaded.
func (f *Server) BatchCounts() (created, uploads int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.created, f.uploads
}

// GateState is how many chat requests are being handled and how many of
// them wait at the gate.
func (f *Server) GateState() (active, waiting int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.active, f.waiting
}

// Kill stops the server as a crash does: the requests in flight lose their
// connections and new ones are refused.
func (f *Server) Kill() {
	f.OpenGate()
	f.srv.CloseClientConnections()
	f.srv.Close()
}

// Limited is how many requests got a 429 for going over Limits.
func (f *Server) Limited() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.limited
}

// HeldRequests is how many requests the gate has held.
func (f *Server) HeldRequests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.held
}

// Sent returns how many times each body was received.
func (f *Server) Sent() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.seen)
}

// Requests returns the decoded bodies received so far.
func (f *Server) Requests() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]any(nil), f.bodies...)
}

// OpenGate releases the requests the gate holds, and lets all others by.
func (f *Server) OpenGate() {
	f.mu.Lock()
	defer f.mu.Unlock()
	select {
	case <-f.gate:
	default:
		close(f.gate)
	}
}

func (f *Server) auth(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		key := f.Key
		f.mu.Unlock()
		if key != "" && r.Header.Get("Authorization") != "Bearer "+key {
			writeJSON(w, 401, map[string]any{"error": map[string]any{"message": "invalid API key", "type": "invalid_request_error"}})
			return
		}
		h.ServeHTTP(w, r)
	})
}

func digest(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func hash32(b []byte) uint32 {
	h := fnv.New32a()
	h.Write(b)
	return h.Sum32()
}

// SuccessCounts returns a copy of the successful answers per body.
func (f *Server) SuccessCounts() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.successes)
}

// TotalSuccesses is the number of successful answers given.
func (f *Server) TotalSuccesses() int {
	n := 0
	for _, v := range f.SuccessCounts() {
		n += v
	}
	return n
}

func (f *Server) chat(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	var req map[string]any
	if err := json.Unmarshal(body, &req); err != nil {
		writeJSON(w, 400, map[string]any{"error": map[string]any{"message": "body is not JSON"}})
		return
	}
	d := digest(body)
	f.mu.Lock()
	f.active++
	defer func() {
		f.mu.Lock()
		f.active--
		f.mu.Unlock()
	}()
	f.seen[d]++
	attempt := f.seen[d]
	if !f.DropBodies {
		f.bodies = append(f.bodies, req)
	}
	charge, admitted := f.admitLocked(req)
	if !admitted {
		f.limited++
		f.mu.Unlock()
		w.Header().Set("Retry-After", "1")
		writeJSON(w, 429, map[string]any{"error": map[string]any{"message": "rate limit reached", "type": "requests"}})
		return
	}
	gated := f.GateAt > 0 && f.totalLocked() >= f.GateAt
	gate, plan, latency := f.gate, f.plan, f.Latency
	if gated {
		f.held++
		f.waiting++
	}
	f.mu.Unlock()
	if gated {
		select {
		case <-gate:
		case <-r.Context().Done():
		}
		f.mu.Lock()
		f.waiting--
		f.mu.Unlock()
		if r.Context().Err() != nil {
			return
		}
	}
	if latency > 0 {
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
			return
		}
	}
	switch fl := plan(hash32(body), attempt); fl {
	case Fault429:
		w.Header().Set("Retry-After", "1")
		writeJSON(w, 429, map[string]any{"error": map[string]any{"message": "rate limited", "type": "rate_limit"}})
	case Fault429Date:
		w.Header().Set("Retry-After", time.Now().Add(2*time.Second).UTC().Format(http.TimeFormat))
		writeJSON(w, 429, map[string]any{"error": map[string]any{"message": "rate limited"}})
	case Fault500:
		writeJSON(w, 500, map[string]any{"error": map[string]any{"message": "internal error", "type": "server_error"}})
	case Fault503:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(503)
		io.WriteString(w, "<html><body>503 Service Unavailable</body></html>")
	case FaultHang:
		<-r.Context().Done()
	case FaultMalformed:
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id": "chatcmpl-1", "choices": [{"message": {"content": "<answer>Sof`)
	case FaultNoChoices:
		writeJSON(w, 200, map[string]any{"id": "chatcmpl-1", "object": "chat.completion", "choices": []any{}})
	case FaultBadRequest:
		writeJSON(w, 400, map[string]any{"error": map[string]any{"message": "this request was made with key " + f.Key + " which lacks access"}})
	default:
		out := f.completion(req, fl)
		b, _ := json.Marshal(out)
		// Counted before it is written: a client may have the answer (and
		// cache it) before the write call returns here.
		used := out["usage"].(map[string]any)["total_tokens"].(int)
		f.mu.Lock()
		f.successes[d]++
		if used < charge {
			f.settleLocked(charge, used) // tokens back before the client can know
		}
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
		if used > charge {
			f.mu.Lock()
			f.settleLocked(charge, used) // a charge once the client may know
			f.mu.Unlock()
		}
	}
}

func (f *Server) totalLocked() int {
	n := 0
	for _, v := range f.successes {
		n += v
	}
	return n
}

var lastOccupation = regexp.MustCompile(`"occupation":"([^"]+)"`)

// completion is the model's answer to a request: the occupation of the
// last job in the prompt's history.
func (f *Server) completion(req map[string]any, fl Fault) map[string]any {
	prompt := promptOf(req)
	occ := lastOccupation.FindAllStringSubmatch(prompt, -1)
	last, first := "Chief Executives", "Chief Executives"
	if len(occ) > 0 {
		last, first = occ[len(occ)-1][1], occ[0][1]
	}
	n := 1
	if v, ok := req["n"].(float64); ok && v > 1 {
		n = int(v)
	}
	reasoner := strings.Contains(prompt, "Do NOT name")
	var choices []any
	completionTokens := 0
	reasoningTokens := 0
	for i := range n {
		title := last
		if i%2 == 1 {
			title = first // odd choices disagree, for majority votes
		}
		content, reasoning, finish := "<think>\nThe person last worked as "+title+", so the next step stays close.\n</think>\n<answer>\n"+title+"\n</answer>", "", "stop"
		switch {
		case reasoner && fl == AnswerTruncated:
			content, finish = "<think>\nThe career moves steadily; the last job", "length"
		case reasoner && fl == AnswerReasoningField:
			content, reasoning = "", "The career moves steadily (said apart)."
		case reasoner:
			content = "<think>\nThe career moves steadily; the last job was " + title + ".\n</think>"
		}
		if reasoner {
			fl = AnswerOK
		}
		switch fl {
		case AnswerTruncated:
			content, finish = "<think>\nThe person last worked as "+title+" and before that", "length"
		case AnswerTruncatedAnswer:
			content, finish = "<think>\nReasoning.\n</think>\n<answer>\n"+title[:len(title)/2], "length"
		case AnswerNoTags:
			content = "The person worked as " + title + " for years.\nAnswer: " + title
		case AnswerEmptyThink:
			content = "<think>\n\n</think>\n\n" + title
		case AnswerReasoningField:
			content, reasoning = "<answer>"+title+"</answer>", "Separate reasoning about "+title+"."
		case AnswerFenced:
			content = "```xml\n<answer>\n" + title + "\n</answer>\n```"
		case AnswerEchoKey:
			content = "<think>my key is " + f.Key + "</think><answer>" + title + "</answer>"
		}
		msg := map[string]any{"role": "assistant", "content": content}
		if reasoning != "" {
			msg["reasoning_content"] = reasoning
			reasoningTokens += len(reasoning) / 4
		}
		choices = append(choices, map[string]any{"index": i, "message": msg, "finish_reason": finish})
		completionTokens += len(content)/4 + len(reasoning)/4
	}
	usage := map[string]any{"prompt_tokens": len(prompt) / 4, "completion_tokens": completionTokens, "total_tokens": len(prompt)/4 + completionTokens}
	if reasoningTokens > 0 {
		usage["completion_tokens_details"] = map[string]any{"reasoning_tokens": reasoningTokens}
	}
	return map[string]any{"id": "chatcmpl-x", "object": "chat.completion", "created": 1700000000, "model": req["model"], "choices": choices, "usage": usage}
}

// promptOf is the text of a request's last message.
func promptOf(req map[string]any) string {
	msgs, _ := req["messages"].([]any)
	if len(msgs) == 0 {
		return ""
	}
	m, _ := msgs[len(msgs)-1].(map[string]any)
	prompt, _ := m["content"].(string)
	return prompt
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// The Batch API.

func (f *Server) upload(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(64 << 20); err != nil {
		writeJSON(w, 400, map[string]any{"error": map[string]any{"message": err.Error()}})
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil || r.FormValue("purpose") != "batch" {
		writeJSON(w, 400, map[string]any{"error": map[string]any{"message": "want a file with purpose batch"}})
		return
	}
	data, _ := io.ReadAll(file)
	f.mu.Lock()
	f.uploads++
	id := "file-" + strconv.Itoa(len(f.files)+1)
	f.files[id] = data
	f.mu.Unlock()
	writeJSON(w, 200, map[string]any{"id": id, "object": "file", "bytes": len(data), "filename": hdr.Filename, "purpose": "batch"})
}

func (f *Server) fileContent(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	data, ok := f.files[r.PathValue("id")]
	f.mu.Unlock()
	if !ok {
		writeJSON(w, 404, map[string]any{"error": map[string]any{"message": "no such file"}})
		return
	}
	w.Write(data)
}

func (f *Server) createBatch(w http.ResponseWriter, r *http.Request) {
	var req struct {
		InputFileID      string `json:"input_file_id"`
		Endpoint         string `json:"endpoint"`
		CompletionWindow string `json:"completion_window"`
	}
	json.NewDecoder(r.Body).Decode(&req)
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.files[req.InputFileID]; !ok || req.Endpoint != "/v1/chat/completions" {
		writeJSON(w, 400, map[string]any{"error": map[string]any{"message": "bad batch request"}})
		return
	}
	f.created++
	b := &fakeBatch{ID: "batch_" + strconv.Itoa(f.created), Object: "batch", InputFileID: req.InputFileID, Status: "in_progress", Endpoint: req.Endpoint, Window: req.CompletionWindow}
	f.batches[b.ID] = b
	f.batchOrd = append(f.batchOrd, b.ID)
	writeJSON(w, 200, b)
}

func (f *Server) getBatch(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	b, ok := f.batches[r.PathValue("id")]
	release := f.Release
	f.mu.Unlock()
	if !ok {
		writeJSON(w, 404, map[string]any{"error": map[string]any{"message": "no such batch"}})
		return
	}
	done := release == nil
	if !done {
		select {
		case <-release:
			done = true
		default:
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if done && b.Status == "in_progress" {
		f.runBatch(b)
	}
	writeJSON(w, 200, b)
}

// runBatch answers every line of the batch's input; Requests the Fault
// plan marks as server errors go to the error file.
func (f *Server) runBatch(b *fakeBatch) {
	var out, errs bytes.Buffer
	for i, line := range bytes.Split(bytes.TrimSpace(f.files[b.InputFileID]), []byte("\n")) {
		var l struct {
			CustomID string          `json:"custom_id"`
			Body     json.RawMessage `json:"body"`
		}
		json.Unmarshal(line, &l)
		var req map[string]any
		json.Unmarshal(l.Body, &req)
		f.bodies = append(f.bodies, req)
		d := digest(l.Body)
		f.seen[d]++
		fl := f.plan(hash32(l.Body), f.seen[d])
		if fl == Fault500 {
			json.NewEncoder(&errs).Encode(map[string]any{"id": fmt.Sprint("req_", i), "custom_id": l.CustomID, "response": nil,
				"error": map[string]any{"code": "server_error", "message": "the model failed"}})
			continue
		}
		if fl < AnswerTruncated {
			fl = AnswerOK
		}
		json.NewEncoder(&out).Encode(map[string]any{"id": fmt.Sprint("req_", i), "custom_id": l.CustomID,
			"response": map[string]any{"status_code": 200, "request_id": "r", "body": f.completion(req, fl)}, "error": nil})
		f.successes[d]++
	}
	b.Status = "completed"
	b.Output = "file-out-" + b.ID
	f.files[b.Output] = out.Bytes()
	if errs.Len() > 0 {
		b.ErrorFile = "file-err-" + b.ID
		f.files[b.ErrorFile] = errs.Bytes()
	}
}

func (f *Server) listBatches(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var data []*fakeBatch
	for i := len(f.batchOrd) - 1; i >= 0; i-- { // newest first, like OpenAI
		data = append(data, f.batches[f.batchOrd[i]])
	}
	writeJSON(w, 200, map[string]any{"object": "list", "data": data, "has_more": false})
}
