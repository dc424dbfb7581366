package rundir

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/occbench/occbench/bench"
)

func TestParseShard(t *testing.T) {
	env := map[string]string{"SLURM_ARRAY_TASK_ID": "3", "JOB_COMPLETION_INDEX": " 1 ", "COUNT": "4", "WORD": "three", "EMPTY": ""}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	for _, tc := range []struct {
		arg  string
		k, n int
		err  string
	}{
		{arg: "0/1", k: 0, n: 1},
		{arg: "2/3", k: 2, n: 3},
		{arg: "$SLURM_ARRAY_TASK_ID/8", k: 3, n: 8},
		{arg: "${JOB_COMPLETION_INDEX}/4", k: 1, n: 4},
		{arg: "$JOB_COMPLETION_INDEX/$COUNT", k: 1, n: 4},
		{arg: "3/3", err: `--shard 3/3: K is the shard, from 0 to N-1 (0 to 2)`},
		{arg: "-1/2", err: `--shard -1/2: K is the shard, from 0 to N-1 (0 to 1)`},
		{arg: "0/0", err: `--shard 0/0: N is the number of shards, 1 or more`},
		{arg: "a/b", err: `--shard "a/b": K "a" is not a whole number (want K/N, such as 0/8, or $VAR/N)`},
		{arg: "1/b", err: `--shard "1/b": N "b" is not a whole number`},
		{arg: "3", err: `--shard "3": want K/N, such as 0/8`},
		{arg: "", err: `--shard "": want K/N`},
		{arg: "$UNSET/8", err: `--shard "$UNSET/8": the environment variable UNSET, which gives K, is not set`},
		{arg: "$EMPTY/8", err: `the environment variable EMPTY, which gives K, is not set`},
		{arg: "$WORD/8", err: `--shard "$WORD/8": the environment variable WORD, which gives K, is "three", not a whole number`},
		{arg: "${SLURM_ARRAY_TASK_ID/8", err: `K: unclosed ${`},
		{arg: "$/8", err: `K "$" is not an environment variable name`},
		{arg: "$SLURM_ARRAY_TASK_ID/3", err: `--shard 3/3: K is the shard`}, // K read, then checked
	} {
		t.Run(tc.arg, func(t *testing.T) {
			s, err := ParseShard(tc.arg, lookup)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one with %q", err, tc.err)
				}
				return
			}
			if err != nil || s.K != tc.k || s.N != tc.n {
				t.Fatalf("got %+v, %v; want %d/%d", s, err, tc.k, tc.n)
			}
		})
	}
}

// The rule is fixed: shards made by any build of occbench, or by a
// script following the README, must agree. These are the values of
// int.from_bytes(hashlib.sha256(id.encode()).digest()[:8], "big") % n.
func TestShardOfIsTheDocumentedRule(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want [4]int // N = 1, 2, 3, 8
	}{
		{"u000001", [4]int{0, 0, 1, 2}},
		{"u000002", [4]int{0, 1, 1, 5}},
		{"alice", [4]int{0, 1, 2, 7}},
		{"", [4]int{0, 0, 1, 4}},
		{"Ünïcode-7", [4]int{0, 1, 2, 7}}, // its UTF-8 bytes
	} {
		got := [4]int{ShardOf(tc.id, 1), ShardOf(tc.id, 2), ShardOf(tc.id, 3), ShardOf(tc.id, 8)}
		if got != tc.want {
			t.Errorf("ShardOf(%q, N) for N = 1, 2, 3, 8: %v, want %v", tc.id, got, tc.want)
		}
	}
}

// Over many ids of the shapes data sets use, every shard gets its share
// (within six standard deviations of a binomial count), and the shards of
// a split partition the users in their order.
func TestShardsBalancedAndPartition(t *testing.T) {
	const users = 60000
	shapes := map[string]func(i int) string{
		"u%06d":   func(i int) string { return fmt.Sprintf("u%06d", i) },
		"numbers": func(i int) string { return fmt.Sprint(i) },
		"emails":  func(i int) string { return fmt.Sprintf("person.%d@example.org", i*7919) },
	}
	for name, id := range shapes {
		test := make([]*bench.Example, users)
		for i := range test {
			test[i] = &bench.Example{UserID: id(i)}
		}
		for _, n := range []int{1, 2, 3, 7, 8, 16, 100} {
			expect := float64(users) / float64(n)
			tol := 6 * math.Sqrt(expect*(1-1/float64(n)))
			var union []*bench.Example
			for k := range n {
				part := Shard{K: k, N: n}.Select(test)
				if c := float64(len(part)); math.Abs(c-expect) > tol {
					t.Errorf("%s, N=%d: shard %d has %.0f users, want %.0f ± %.0f", name, n, k, c, expect, tol)
				}
				union = append(union, part...)
			}
			// Together the shards hold each user once.
			seen := map[string]bool{}
			for _, ex := range union {
				seen[ex.UserID] = true
			}
			if len(union) != users || len(seen) != users {
				t.Errorf("%s, N=%d: the shards hold %d users, %d distinct; the test set %d", name, n, len(union), len(seen), users)
			}
		}
	}
}

func TestManifestUsers(t *testing.T) {
	var test []*bench.Example
	for i := range 50 {
		test = append(test, &bench.Example{UserID: fmt.Sprintf("u%03d", i)})
	}
	for _, tc := range []struct {
		name string
		m    Manifest
		want int
	}{
		{"all", Manifest{}, 50},
		{"limit", Manifest{Limit: 20}, 20},
		{"limit above the test set", Manifest{Limit: 80}, 50},
	} {
		if got := len(tc.m.Users(test)); got != tc.want {
			t.Errorf("%s: %d users, want %d", tc.name, got, tc.want)
		}
	}
	// A shard of a limited run is a shard of the first Limit users.
	total := 0
	for k := range 3 {
		m := Manifest{Limit: 20, Shard: &Shard{K: k, N: 3}}
		for _, ex := range m.Users(test) {
			if ex.UserID >= "u020" || ShardOf(ex.UserID, 3) != k {
				t.Errorf("shard %d of the first 20 holds %s", k, ex.UserID)
			}
			total++
		}
	}
	if total != 20 {
		t.Errorf("the shards of the first 20 users hold %d", total)
	}
}
