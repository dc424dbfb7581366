// Package llm is occbench's client for OpenAI-compatible endpoints (vLLM,
// OpenAI, llama.cpp's server, Ollama): one Config for the endpoint, the
// decoding and the handling of requests; a request cache keyed by content;
// a deadline and retries with jittered backoff per request; pools of
// servers of one model, spread by least outstanding requests, a failed
// server left out for a back-off; a provider's rate limits kept with token
// buckets (Limiter); API keys read from the environment and redacted from
// everything returned or stored; chat completions (Client.Complete) and
// the OpenAI Batch API (Batch); and an Observer for progress displays.
//
// It is the only package that talks to a model. It knows nothing of
// careers, prompts or runs: the runners and the paper's method steps build
// prompts, and scoring and reporting never import it.
package llm
