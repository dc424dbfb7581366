package llm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Endpoint identity, the body, the sample and the attempt are in the key.
func TestCacheKey(t *testing.T) {
	base := CacheKey("http://h/v1", "m2", []byte("{}"), "u1", 1)
	for name, k := range map[string]string{
		"base URL": CacheKey("http://h2/v1", "m2", []byte("{}"), "u1", 1),
		"model":    CacheKey("http://h/v1", "m3", []byte("{}"), "u1", 1),
		"sample":   CacheKey("http://h/v1", "m2", []byte("{}"), "u2", 1),
		"attempt":  CacheKey("http://h/v1", "m2", []byte("{}"), "u1", 2),
		"body":     CacheKey("http://h/v1", "m2", []byte("{} "), "u1", 1),
		// Length-prefixed fields: moving a byte between fields changes it.
		"boundary": CacheKey("http://h/v1", "m", []byte("2{}"), "u1", 1),
	} {
		if k == base {
			t.Errorf("a changed %s kept the key", name)
		}
	}
	if CacheKey("http://h/v1/", "m2", []byte("{}"), "u1", 1) != base {
		t.Error("a trailing slash on the base URL changed the key")
	}
}

func TestCache(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	c, err := OpenCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	key := CacheKey("http://h/v1", "m", []byte("{}"), "u1", 1)
	if _, ok, err := c.Get(key); ok || err != nil {
		t.Fatalf("empty cache: ok %v, err %v", ok, err)
	}
	if err := c.Put(key, []byte(`{"choices":[]}`)); err != nil {
		t.Fatal(err)
	}
	if b, ok, err := c.Get(key); !ok || err != nil || string(b) != `{"choices":[]}` {
		t.Fatalf("Get = %q, %v, %v", b, ok, err)
	}
	if err := c.Delete(key); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := c.Get(key); ok {
		t.Error("an entry survived Delete")
	}
	if _, _, err := c.Get("../../etc/passwd"); err == nil || !strings.Contains(err.Error(), "not a SHA-256") {
		t.Errorf("a key that is a path: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, key[:2]))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			t.Errorf("a temporary file was left: %s", e.Name())
		}
	}
}
