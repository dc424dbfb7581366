package llm

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestURLsDecode(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       URLs
		err        string
	}{
		{"one", "base_url: http://h/v1", URLs{"http://h/v1"}, ""},
		{"list", "base_url: [http://a/v1, http://b/v1]", URLs{"http://a/v1", "http://b/v1"}, ""},
		{"block list", "base_url:\n  - http://a/v1\n  - http://b/v1", URLs{"http://a/v1", "http://b/v1"}, ""},
		{"alias", "a: &u http://a/v1\nbase_url: [*u, http://b/v1]", URLs{"http://a/v1", "http://b/v1"}, ""},
		{"null", "base_url: null", nil, ""},
		{"mapping", "base_url: {url: http://h/v1}", nil, "endpoint.base_url: want one URL or a list of URLs, not a mapping"},
		{"nested list", "base_url: [[http://h/v1]]", nil, "not a list holding a list"},
		{"null in list", "base_url: [http://h/v1, null]", nil, "not a list holding null"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v struct {
				A       string `yaml:"a"`
				BaseURL URLs   `yaml:"base_url"`
			}
			err := yaml.Unmarshal([]byte(tc.yaml), &v)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(v.BaseURL, tc.want) {
				t.Fatalf("%v, %v; want %v", v.BaseURL, err, tc.want)
			}
		})
	}
}

// One URL reads and writes as a string, in YAML and JSON alike, so that
// suites, model files and manifests from before pools read the same.
func TestURLsEncode(t *testing.T) {
	for _, tc := range []struct {
		urls     URLs
		yaml     string
		json     string
		asString string
	}{
		{URLs{"http://h/v1"}, "http://h/v1\n", `"http://h/v1"`, "http://h/v1"},
		{URLs{"http://a/v1", "http://b/v1"}, "- http://a/v1\n- http://b/v1\n", `["http://a/v1","http://b/v1"]`, "[http://a/v1, http://b/v1]"},
	} {
		y, err := yaml.Marshal(tc.urls)
		if err != nil || string(y) != tc.yaml {
			t.Errorf("YAML %q, %v; want %q", y, err, tc.yaml)
		}
		j, err := json.Marshal(tc.urls)
		if err != nil || string(j) != tc.json {
			t.Errorf("JSON %s, %v; want %s", j, err, tc.json)
		}
		var back URLs
		if err := json.Unmarshal(j, &back); err != nil || !reflect.DeepEqual(back, tc.urls) {
			t.Errorf("JSON back %v, %v", back, err)
		}
		if tc.urls.String() != tc.asString {
			t.Errorf("String() = %q, want %q", tc.urls.String(), tc.asString)
		}
	}
	var u URLs
	if err := json.Unmarshal([]byte(`{"a": 1}`), &u); err == nil || !strings.Contains(err.Error(), "endpoint.base_url") {
		t.Errorf("JSON object: %v", err)
	}
}

func TestURLsCheck(t *testing.T) {
	for _, tc := range []struct {
		urls URLs
		want string
	}{
		{URLs{"http://a/v1"}, ""},
		{URLs{"http://a/v1", "https://b:8000/v1"}, ""},
		{nil, "endpoint.base_url: missing"},
		{URLs{"localhost:8000"}, `endpoint.base_url "localhost:8000": want an http(s) URL`},
		{URLs{"http://a/v1", ""}, `endpoint.base_url[1] "": want an http(s) URL`},
		{URLs{"http://a/v1", "http://u:p@b/v1"}, "endpoint.base_url[1]: put credentials in the variable api_key_env names"},
		{URLs{"http://a/v1", "http://a/v1/"}, `endpoint.base_url[1] "http://a/v1/": listed twice`},
	} {
		err := tc.urls.check("")
		if (tc.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.urls, err, tc.want)
		}
	}
	if got := endpointName("https://h:8443/v1/?key=secret#x"); got != "https://h:8443/v1" {
		t.Errorf("endpointName = %q", got)
	}
}

// Whatever a suite or a manifest holds under base_url decodes to URLs or
// to an error naming the setting, and what decodes writes back to the
// same URLs.
func FuzzURLs(f *testing.F) {
	for _, s := range []string{"http://h/v1", "[http://a/v1, http://b/v1]", "{a: b}", "[[x]]", "null", "[]", "&a [*a]", "- a\n- b", "!!binary aGk="} {
		f.Add(s)
	}
	f.Add(`["http://a/v1", "http://b/v1"]`)
	f.Add(`"http://h/v1"`)
	f.Fuzz(func(t *testing.T, s string) {
		// As JSON (a manifest): a string or an array of strings, or an error.
		var fromManifest URLs
		if err := json.Unmarshal([]byte(s), &fromManifest); err == nil {
			j, _ := json.Marshal(fromManifest)
			var again URLs
			if err := json.Unmarshal(j, &again); err != nil || !sameURLs(again, fromManifest) {
				t.Fatalf("JSON %q → %v → %s → %v, %v", s, fromManifest, j, again, err)
			}
		}
		var v struct {
			BaseURL URLs `yaml:"base_url"`
		}
		if err := yaml.Unmarshal([]byte("base_url: "+s), &v); err != nil {
			return
		}
		y, err := yaml.Marshal(v)
		if err != nil {
			t.Fatalf("%v: marshal: %v", v.BaseURL, err)
		}
		var back struct {
			BaseURL URLs `yaml:"base_url"`
		}
		if err := yaml.Unmarshal(y, &back); err != nil || !sameURLs(back.BaseURL, v.BaseURL) {
			t.Fatalf("%q → %v → %q → %v, %v", s, v.BaseURL, y, back.BaseURL, err)
		}
		j, err := json.Marshal(v.BaseURL)
		if err != nil {
			t.Fatal(err)
		}
		var fromJSON URLs
		if err := json.Unmarshal(j, &fromJSON); err != nil || !sameURLs(fromJSON, v.BaseURL) {
			t.Fatalf("%v → %s → %v, %v", v.BaseURL, j, fromJSON, err)
		}
	})
}

// sameURLs treats nil and empty alike: both are "missing".
func sameURLs(a, b URLs) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}
