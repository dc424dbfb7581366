package llm

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"go.yaml.in/yaml/v3"
)

// URLs is endpoint.base_url: one URL, or a list of them, a pool of
// servers of the same model. Suites, model files and manifests write one
// URL as a string, as before pools existed, and a list as a list.
type URLs []string

// String is the URLs as a suite writes them.
func (u URLs) String() string {
	if len(u) == 1 {
		return u[0]
	}
	return "[" + strings.Join(u, ", ") + "]"
}

// Pool says the requests spread over several servers.
func (u URLs) Pool() bool { return len(u) > 1 }

// errURLs names the setting: a custom decoder's error reaches the user
// without the key it sits under.
func errURLs(got string) error {
	return fmt.Errorf("endpoint.base_url: want one URL or a list of URLs, not %s", got)
}

// UnmarshalYAML reads a string or a list of strings.
func (u *URLs) UnmarshalYAML(n *yaml.Node) error {
	n = resolveAlias(n)
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			*u = nil
			return nil
		}
		*u = URLs{n.Value}
		return nil
	case yaml.SequenceNode:
		list := make(URLs, 0, len(n.Content))
		for _, item := range n.Content {
			item = resolveAlias(item)
			if item.Kind != yaml.ScalarNode || item.Tag == "!!null" {
				return errURLs("a list holding " + yamlKind(item))
			}
			list = append(list, item.Value)
		}
		*u = list
		return nil
	}
	return errURLs(yamlKind(n))
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func yamlKind(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Tag == "!!null":
		return "null"
	}
	return "a document"
}

// MarshalYAML writes one URL as a string.
func (u URLs) MarshalYAML() (any, error) {
	if len(u) == 1 {
		return u[0], nil
	}
	return []string(u), nil
}

// UnmarshalJSON reads a string or an array of strings (manifests).
func (u *URLs) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*u = nil
		return nil
	}
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*u = URLs{one}
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return errURLs(string(b))
	}
	*u = list
	return nil
}

// MarshalJSON writes one URL as a string, so that a manifest of a run
// with one URL reads as it always has.
func (u URLs) MarshalJSON() ([]byte, error) {
	if len(u) == 1 {
		return json.Marshal(u[0])
	}
	return json.Marshal([]string(u))
}

// check reports the first URL that cannot be an endpoint; prefix goes
// before the key ("reasoner.").
func (u URLs) check(prefix string) error {
	key := prefix + "endpoint.base_url"
	if len(u) == 0 {
		return fmt.Errorf("%s: missing (such as http://localhost:8000/v1)", key)
	}
	seen := map[string]bool{}
	for i, raw := range u {
		k := key
		if u.Pool() {
			k = fmt.Sprintf("%s[%d]", key, i)
		}
		p, err := url.Parse(raw)
		switch {
		case err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "":
			return fmt.Errorf("%s %q: want an http(s) URL such as http://localhost:8000/v1", k, raw)
		case p.User != nil:
			return fmt.Errorf("%s: put credentials in the variable api_key_env names, not in the URL", k)
		case seen[trimURL(raw)]:
			return fmt.Errorf("%s %q: listed twice", k, raw)
		}
		seen[trimURL(raw)] = true
	}
	return nil
}

func trimURL(s string) string { return strings.TrimRight(s, "/") }

// endpointName is a base URL as a prediction record names the endpoint
// that answered: scheme, host and path, never a query or credentials.
func endpointName(raw string) string {
	p, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return trimURL((&url.URL{Scheme: p.Scheme, Host: p.Host, Path: p.Path}).String())
}
