package rundir

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/occbench/occbench/bench"
)

// Shard is part K of N of a run's test users (occbench run --shard K/N).
// A user belongs to shard ShardOf(id, N), so the parts are fixed by the
// user ids alone: independent of the order of the test set, of the other
// shards, and of the machine that runs them.
type Shard struct {
	K int `json:"k"`
	N int `json:"n"`
	// Users are the test users in the shard, recorded in the manifest.
	Users int `json:"users"`
}

// ShardOf is the shard of n that a user id belongs to: the first 8 bytes
// of the SHA-256 of the id (its UTF-8 bytes), read as a big-endian
// unsigned integer, modulo n. In Python:
// int.from_bytes(hashlib.sha256(id.encode()).digest()[:8], "big") % n.
// A cryptographic hash spreads ids that differ in one character as evenly
// as any others, which FNV's low bits do not.
func ShardOf(userID string, n int) int {
	sum := sha256.Sum256([]byte(userID))
	return int(binary.BigEndian.Uint64(sum[:8]) % uint64(n))
}

// String is "K/N".
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.K, s.N) }

// Same says whether two shards are the same part of the same split.
func (s *Shard) Same(o *Shard) bool {
	if s == nil || o == nil {
		return s == o
	}
	return s.K == o.K && s.N == o.N
}

// Select keeps the users of test that belong to the shard, in order.
func (s Shard) Select(test []*bench.Example) []*bench.Example {
	var out []*bench.Example
	for _, ex := range test {
		if ShardOf(ex.UserID, s.N) == s.K {
			out = append(out, ex)
		}
	}
	return out
}

// Check says what is wrong with K and N.
func (s Shard) Check() error {
	switch {
	case s.N < 1:
		return fmt.Errorf("--shard %s: N is the number of shards, 1 or more", s)
	case s.K < 0 || s.K >= s.N:
		return fmt.Errorf("--shard %s: K is the shard, from 0 to N-1 (0 to %d)", s, s.N-1)
	}
	return nil
}

// ParseShard reads a --shard value, "K/N". Either number may be an
// environment variable, $NAME or ${NAME}, read with lookup, so that one
// command line serves every task of a scheduler's array:
// '$SLURM_ARRAY_TASK_ID/8'.
func ParseShard(arg string, lookup func(string) (string, bool)) (*Shard, error) {
	ks, ns, ok := strings.Cut(arg, "/")
	if !ok {
		return nil, fmt.Errorf("--shard %q: want K/N, such as 0/8 (K from 0 to N-1), or $VAR/N to read K from an environment variable", arg)
	}
	k, err := shardNumber(arg, "K", ks, lookup)
	if err != nil {
		return nil, err
	}
	n, err := shardNumber(arg, "N", ns, lookup)
	if err != nil {
		return nil, err
	}
	s := &Shard{K: k, N: n}
	return s, s.Check()
}

// shardNumber reads one side of a --shard value: a whole number, or an
// environment variable that holds one.
func shardNumber(arg, which, s string, lookup func(string) (string, bool)) (int, error) {
	s = strings.TrimSpace(s)
	name, isVar := strings.CutPrefix(s, "$")
	if !isVar {
		v, err := strconv.Atoi(s)
		if err != nil {
			return 0, fmt.Errorf("--shard %q: %s %q is not a whole number (want K/N, such as 0/8, or $VAR/N)", arg, which, s)
		}
		return v, nil
	}
	if b, ok := strings.CutPrefix(name, "{"); ok {
		if name, ok = strings.CutSuffix(b, "}"); !ok {
			return 0, fmt.Errorf("--shard %q: %s: unclosed ${", arg, which)
		}
	}
	if !envName.MatchString(name) {
		return 0, fmt.Errorf("--shard %q: %s %q is not an environment variable name (want $NAME or ${NAME})", arg, which, s)
	}
	val, set := lookup(name)
	if !set || val == "" {
		return 0, fmt.Errorf("--shard %q: the environment variable %s, which gives %s, is not set", arg, name, which)
	}
	v, err := strconv.Atoi(strings.TrimSpace(val))
	if err != nil {
		return 0, fmt.Errorf("--shard %q: the environment variable %s, which gives %s, is %q, not a whole number", arg, name, which, val)
	}
	return v, nil
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Limited are the first limit users of test (all when limit is 0): the
// users a run with --limit covers, across all its shards.
func Limited(test []*bench.Example, limit int) []*bench.Example {
	if limit > 0 && limit < len(test) {
		return test[:limit]
	}
	return test
}

// Users are the test users the run of m scored: the first Limit users of
// its test set, and of those the shard's.
func (m *Manifest) Users(test []*bench.Example) []*bench.Example {
	test = Limited(test, m.Limit)
	if m.Shard != nil {
		test = m.Shard.Select(test)
	}
	return test
}
