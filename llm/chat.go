package llm

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Call is one chat completion request, ready to send: the go-openai
// request (for its URL, headers and checks) and the exact body that goes on
// the wire and into the cache key.
type Call struct {
	Role   string // what the request is for, in errors and records: model, reasoner, oracle, judge-utility…
	Key    string // the cache key, also the Batch API's custom_id
	req    openai.ChatCompletionRequest
	body   []byte
	tokens int // the estimate the rate limit counts until the answer comes
}

// Model is the model the call asks.
func (c *Call) Model() string { return c.req.Model }

// Result is a completion as occbench reads it.
type Result struct {
	Choices []Choice
	Usage   Usage
	Latency time.Duration
	Tries   int
	Source  string // http, cache, batch
	// Endpoint is the base URL of the server that answered (Source http),
	// without credentials or query.
	Endpoint string
}

// Choice is one of a completion's answers.
type Choice struct {
	Content      string
	Reasoning    string // the server's separate reasoning (vLLM reasoning parsers), if any
	FinishReason string
}

// Truncated says the answer was cut at the token limit.
func (c Choice) Truncated() bool { return c.FinishReason == "length" }

// Usage are a completion's token counts.
type Usage struct {
	Prompt, Completion, Reasoning int
}

// total is what the answer counts against a tokens-per-minute limit; -1
// when the server reported no usage.
func (u Usage) total() int {
	if u == (Usage{}) {
		return -1
	}
	return u.Prompt + u.Completion
}

// chatRequest is the go-openai request of a prompt, without the sampling
// floats go-openai cannot send as zero (requestBody adds them).
func chatRequest(model string, d Decoding, prompt string, n int) openai.ChatCompletionRequest {
	return openai.ChatCompletionRequest{
		Model:    model,
		Messages: []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: prompt}},
		//lint:ignore SA1019 max_tokens is what vLLM, llama.cpp and Ollama read; max_completion_tokens is sent beside it when set.
		MaxTokens:           d.MaxTokens,
		MaxCompletionTokens: d.MaxCompletionTokens,
		N:                   n,
		Stop:                d.Stop,
		Seed:                d.Seed,
	}
}

// requestBody is the JSON body of a call. go-openai drops zero floats
// (omitempty), so temperature 0 would silently become the server's default
// of 1: temperature and top_p are set here whenever the suite gives them,
// then extra_body is merged. Keys are sorted, so equal requests are equal
// bytes and hash to the same cache key.
func requestBody(req openai.ChatCompletionRequest, d Decoding) ([]byte, error) {
	b, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("request body: %w", err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("request body: %w", err)
	}
	if d.Temperature != nil {
		m["temperature"] = strconv.AppendFloat(nil, *d.Temperature, 'g', -1, 64)
	}
	if d.TopP != nil {
		m["top_p"] = strconv.AppendFloat(nil, *d.TopP, 'g', -1, 64)
	}
	for k, v := range d.ExtraBody {
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("extra_body.%s: %w", k, err)
		}
		m[k] = raw
	}
	return json.Marshal(m)
}

// wireChat is the part of a chat completion response occbench reads. Both
// names of the separate reasoning are read: vLLM has used reasoning_content
// and reasoning.
type wireChat struct {
	Choices []struct {
		Message *struct {
			Content          *string `json:"content"`
			ReasoningContent string  `json:"reasoning_content"`
			Reasoning        string  `json:"reasoning"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens            int `json:"prompt_tokens"`
		CompletionTokens        int `json:"completion_tokens"`
		CompletionTokensDetails *struct {
			ReasoningTokens int `json:"reasoning_tokens"`
		} `json:"completion_tokens_details"`
		ReasoningTokens int `json:"reasoning_tokens"`
	} `json:"usage"`
}

// decodeChat reads a chat completion body; one without a message is
// malformed.
func decodeChat(body []byte) (*Result, error) {
	var w wireChat
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, err
	}
	if len(w.Choices) == 0 {
		return nil, errors.New("no choices")
	}
	res := &Result{Choices: make([]Choice, len(w.Choices))}
	for i, c := range w.Choices {
		if c.Message == nil {
			return nil, fmt.Errorf("choice %d has no message", i)
		}
		ch := Choice{FinishReason: c.FinishReason, Reasoning: c.Message.ReasoningContent}
		if ch.Reasoning == "" {
			ch.Reasoning = c.Message.Reasoning
		}
		if c.Message.Content != nil {
			ch.Content = *c.Message.Content
		}
		res.Choices[i] = ch
	}
	if u := w.Usage; u != nil {
		res.Usage = Usage{Prompt: u.PromptTokens, Completion: u.CompletionTokens, Reasoning: u.ReasoningTokens}
		if d := u.CompletionTokensDetails; d != nil && d.ReasoningTokens > 0 {
			res.Usage.Reasoning = d.ReasoningTokens
		}
	}
	return res, nil
}
