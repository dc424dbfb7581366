package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/occbench/occbench/llm"
	"github.com/occbench/occbench/method"
)

// modelFlags are the flags of commands that call one model (oracle,
// judge): a small YAML file (--config) and flags that override it.
type modelFlags struct {
	config      string
	baseURLs    []string
	model       string
	apiKeyEnv   string
	temperature float64
	maxTokens   int
	attempts    int
	n           bool
	concurrency int
	timeout     string
	maxRetries  int
}

func (m *modelFlags) add(cmd *cobra.Command, def method.ModelConfig, attempts bool) {
	f := cmd.Flags()
	f.StringVar(&m.config, "config", "", "YAML with endpoint {base_url, model, api_key_env}, temperature, max_tokens, concurrency, timeout, max_retries, rate_limit"+map[bool]string{true: ", attempts, n", false: ""}[attempts])
	f.StringSliceVar(&m.baseURLs, "endpoint", nil, "OpenAI-compatible base URL, such as http://localhost:8000/v1; several (repeated or comma-separated) make a pool")
	f.StringVar(&m.model, "model", "", "model name")
	f.StringVar(&m.apiKeyEnv, "api-key-env", "", "environment variable holding the API key")
	t := 0.0
	if def.Temperature != nil {
		t = *def.Temperature
	}
	f.Float64Var(&m.temperature, "temperature", t, "sampling temperature")
	f.IntVar(&m.maxTokens, "max-tokens", 0, "max_tokens per request (default 4096)")
	f.IntVar(&m.concurrency, "concurrency", def.Concurrency, "requests in flight")
	f.StringVar(&m.timeout, "timeout", "", "per-request timeout (default 5m)")
	f.IntVar(&m.maxRetries, "max-retries", 0, "retries of a failed request (default 8)")
	if attempts {
		f.IntVar(&m.attempts, "attempts", def.Attempts, "independent attempts per user")
		f.BoolVar(&m.n, "n", def.N, "ask for all attempts in one request with n (falls back to one request per attempt)")
	}
}

// resolve is the model config: the defaults, then the YAML file, then the
// flags given on the command line. Errors name the command.
func (m *modelFlags) resolve(cmd *cobra.Command, def method.ModelConfig) (method.ModelConfig, error) {
	mc, err := m.merge(cmd, def)
	if err != nil {
		return mc, fmt.Errorf("%s: %w", cmd.Name(), err)
	}
	return mc, nil
}

func (m *modelFlags) merge(cmd *cobra.Command, def method.ModelConfig) (method.ModelConfig, error) {
	mc := def
	if m.config != "" {
		b, err := os.ReadFile(m.config)
		if err != nil {
			return mc, err
		}
		if b, err = flatEndpoint(b); err != nil {
			return mc, fmt.Errorf("%s: %w", m.config, err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&mc); err != nil {
			return mc, fmt.Errorf("%s: %w", m.config, err)
		}
	}
	f := cmd.Flags()
	set := func(name string, fn func()) {
		if f.Changed(name) {
			fn()
		}
	}
	set("endpoint", func() { mc.Endpoint.BaseURL = llm.URLs(m.baseURLs) })
	set("model", func() { mc.Endpoint.Model = m.model })
	set("api-key-env", func() { mc.Endpoint.APIKeyEnv = m.apiKeyEnv })
	set("temperature", func() { mc.Temperature = &m.temperature })
	set("max-tokens", func() { mc.MaxTokens = m.maxTokens })
	set("concurrency", func() { mc.Concurrency = m.concurrency })
	set("max-retries", func() { mc.MaxRetries = m.maxRetries })
	set("attempts", func() { mc.Attempts = m.attempts })
	set("n", func() { mc.N = m.n })
	if f.Changed("timeout") {
		var d llm.Duration
		if err := d.UnmarshalText([]byte(m.timeout)); err != nil {
			return mc, fmt.Errorf("--timeout: %w", err)
		}
		mc.Timeout = d
	}
	if len(mc.Endpoint.BaseURL) == 0 || mc.Endpoint.Model == "" {
		return mc, fmt.Errorf("give the model's --endpoint and --model (or endpoint.base_url and endpoint.model in --config)")
	}
	return mc, nil
}

// flatEndpoint accepts the endpoint written flat as well as nested:
// "endpoint: URL" (or a list of URLs), "model: M", "api_key_env: K" at the
// top level become endpoint: {base_url: URL, model: M, api_key_env: K}.
func flatEndpoint(b []byte) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return b, nil
	}
	top := doc.Content[0]
	var ep *yaml.Node
	var moved []*yaml.Node
	var keep []*yaml.Node
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		switch {
		case k.Value == "endpoint" && v.Kind != yaml.MappingNode:
			moved = append(moved, &yaml.Node{Kind: yaml.ScalarNode, Value: "base_url"}, v)
		case k.Value == "endpoint":
			ep = v
			keep = append(keep, k, v)
		case k.Value == "base_url" || k.Value == "model" || k.Value == "api_key_env":
			moved = append(moved, k, v)
		default:
			keep = append(keep, k, v)
		}
	}
	if len(moved) == 0 {
		return b, nil
	}
	if ep == nil {
		ep = &yaml.Node{Kind: yaml.MappingNode}
		keep = append(keep, &yaml.Node{Kind: yaml.ScalarNode, Value: "endpoint"}, ep)
	}
	ep.Content = append(ep.Content, moved...)
	top.Content = keep
	return yaml.Marshal(&doc)
}
