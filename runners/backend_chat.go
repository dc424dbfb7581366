package runners

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// chatCall is one chat completion request, ready to send: the go-openai
// request (for its URL, headers and checks) and the exact body that goes on
// the wire and into the cache key.
type chatCall struct {
	role   string // model, reasoner, predictor
	client *endpointClient
	req    openai.ChatCompletionRequest
	body   []byte
	key    string
}

// chatResult is a completion as occbench reads it.
type chatResult struct {
	Choices []chatChoice
	Usage   chatUsage
	Latency time.Duration
	Tries   int
	Source  string // http, cache, batch
}

type chatChoice struct {
	Content      string
	Reasoning    string // the server's separate reasoning (vLLM reasoning parsers), if any
	FinishReason string
}

type chatUsage struct {
	Prompt, Completion, Reasoning int
}

// chatRequest is the go-openai request of a call, without the sampling
// floats go-openai cannot send as zero (requestBody adds them).
func chatRequest(c *CallSettings, prompt string) openai.ChatCompletionRequest {
	return openai.ChatCompletionRequest{
		Model:               c.Endpoint.Model,
		Messages:            []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: prompt}},
		MaxTokens:           c.MaxTokens,
		MaxCompletionTokens: c.MaxCompletionTokens,
		N:                   c.N,
		Stop:                c.Stop,
		Seed:                c.Seed,
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
func decodeChat(body []byte) (*chatResult, error) {
	var w wireChat
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, err
	}
	if len(w.Choices) == 0 {
		return nil, errors.New("no choices")
	}
	res := &chatResult{Choices: make([]chatChoice, len(w.Choices))}
	for i, c := range w.Choices {
		if c.Message == nil {
			return nil, fmt.Errorf("choice %d has no message", i)
		}
		ch := chatChoice{FinishReason: c.FinishReason, Reasoning: c.Message.ReasoningContent}
		if ch.Reasoning == "" {
			ch.Reasoning = c.Message.Reasoning
		}
		if c.Message.Content != nil {
			ch.Content = *c.Message.Content
		}
		res.Choices[i] = ch
	}
	if u := w.Usage; u != nil {
		res.Usage = chatUsage{Prompt: u.PromptTokens, Completion: u.CompletionTokens, Reasoning: u.ReasoningTokens}
		if d := u.CompletionTokensDetails; d != nil && d.ReasoningTokens > 0 {
			res.Usage.Reasoning = d.ReasoningTokens
		}
	}
	return res, nil
}

// caller completes a call. An error is a *callError (the sample is
// recorded with it), errDeferred (the batch runner will send it), or fatal.
type caller func(ctx context.Context, c *chatCall) (*chatResult, error)

// cached returns the cached response of c, if any. An entry that does not
// decode (cut short by a crash) is dropped.
func (r *llmRunner) cached(c *chatCall) (*chatResult, error) {
	data, ok, err := r.cache.Get(c.key)
	if err != nil || !ok {
		return nil, err
	}
	res, err := decodeChat(data)
	if err != nil {
		return nil, r.cache.Delete(c.key)
	}
	res.Source = "cache"
	return res, nil
}

// complete is the chat backend: the cache, else the endpoint with retries.
// A response is cached the moment it is read, before it is parsed or
// recorded, so no answer the server gave is ever asked for again.
func (r *llmRunner) complete(ctx context.Context, c *chatCall) (*chatResult, error) {
	if res, err := r.cached(c); res != nil || err != nil {
		return res, err
	}
	var res *chatResult
	tries, err := r.retry.run(ctx, c.role+" request", func(rctx context.Context, ex *exchange) error {
		var decodeErr, cacheErr error
		ex.body = c.body
		ex.ok = func(body []byte) {
			body = r.redactBytes(body)
			if res, decodeErr = decodeChat(body); decodeErr == nil {
				cacheErr = r.cache.Put(c.key, body)
			}
		}
		start := r.opts.Now()
		_, err := c.client.client.CreateChatCompletion(rctx, c.req)
		switch {
		case cacheErr != nil:
			return &fatalError{cacheErr}
		case res != nil:
			// go-openai decodes what we already have; its verdict on a body
			// we could read does not matter.
			res.Latency = r.opts.Now().Sub(start)
			return nil
		case decodeErr != nil:
			return &malformedError{decodeErr}
		case err == nil:
			return &malformedError{errors.New("empty response")}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	res.Tries, res.Source = tries, "http"
	r.progress().noteTokens(res.Usage.Completion)
	return res, nil
}
