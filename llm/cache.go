package llm

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// CacheKey is the content address of one model request: SHA-256 over the
// endpoint's base URL, the model, the whole request body as sent (messages
// and every sampling setting), the sample id and the attempt number. The
// API key is not part of it: a new key must not invalidate answers, and a
// key must never be derivable from anything written to disk.
//
// The base URL keeps two servers that serve different weights under one
// model name apart. A pool's servers are replicas of one model, so a pool
// passes "": its keys do not depend on which server answered, and a run
// resumed with more, fewer or other servers finds its answers. A base URL
// is never empty, so no single endpoint's key can equal a pool's.
func CacheKey(baseURL, model string, body []byte, sampleID string, attempt int) string {
	h := sha256.New()
	// Length-prefixed fields, so that no two field lists hash alike.
	field := func(b []byte) {
		h.Write(strconv.AppendInt(nil, int64(len(b)), 10))
		h.Write([]byte{':'})
		h.Write(b)
	}
	field([]byte("occbench-request-cache/v1"))
	field([]byte(strings.TrimRight(baseURL, "/")))
	field([]byte(model))
	field(body)
	field([]byte(sampleID))
	field(strconv.AppendInt(nil, int64(attempt), 10))
	return hex.EncodeToString(h.Sum(nil))
}

// Cache stores successful model responses on disk, one file per key
// (<dir>/<first two hex digits>/<key>.json, the response body as the server
// sent it), so that a rerun never pays twice for the same request.
type Cache struct {
	dir string
}

// OpenCache opens (creating) the cache in dir.
func OpenCache(dir string) (*Cache, error) {
	if dir == "" {
		return nil, errors.New("cache: no directory")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	return &Cache{dir: dir}, nil
}

// Dir is the cache's directory.
func (c *Cache) Dir() string { return c.dir }

func (c *Cache) path(key string) string {
	return filepath.Join(c.dir, key[:2], key+".json")
}

func validKey(key string) bool {
	if len(key) != 64 {
		return false
	}
	_, err := hex.DecodeString(key)
	return err == nil
}

// Get returns the response stored under key; ok is false when there is none.
func (c *Cache) Get(key string) (data []byte, ok bool, err error) {
	if !validKey(key) {
		return nil, false, fmt.Errorf("cache: key %q is not a SHA-256", key)
	}
	data, err = os.ReadFile(c.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("cache: %w", err)
	}
	return data, true, nil
}

// Put stores data under key atomically: a temporary file renamed into
// place, so a reader (or a run killed mid-write) never sees half an entry.
// There is no fsync: a killed process loses nothing that reached the page
// cache, and an entry lost to a power cut only costs a repeated request;
// an entry that does not decode is treated as missing.
func (c *Cache) Put(key string, data []byte) error {
	if !validKey(key) {
		return fmt.Errorf("cache: key %q is not a SHA-256", key)
	}
	path := c.path(key)
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".tmp-*")
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(dir, 0o755); err == nil {
			f, err = os.CreateTemp(dir, ".tmp-*")
		}
	}
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("cache: %w", err)
	}
	return nil
}

// Delete removes the entry under key, if any.
func (c *Cache) Delete(key string) error {
	if !validKey(key) {
		return nil
	}
	if err := os.Remove(c.path(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cache: %w", err)
	}
	return nil
}
