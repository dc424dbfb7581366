package synth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestWriteMatchesRecordedDigests holds Write to the bytes it wrote when it
// still held every user in memory (occbench before streaming, December
// 2026): the same seed must keep giving the same files. The sizes span one
// batch, a train/test boundary inside the second batch, and four batches.
// The first is the default data set of `make run`, whose test set's digest
// the README quotes (892543223311…). A change of the Arrow or zstd
// libraries may change the .arrow digests; ceiling.json depends on none.
func TestWriteMatchesRecordedDigests(t *testing.T) {
	for _, tc := range []struct {
		users, test int
		seed        uint64
		train, tst  string // SHA-256 prefixes of train.arrow, test.arrow
		ceiling     string
	}{
		{11000, 1000, 1, "bfc735631a445e5a", "892543223311df1a", "7aa003dbe28963a4"},
		{2000, 200, 7, "180338210b739a12", "da236bcb46719943", "8ba46a6ac3c5ae16"},
		{9000, 100, 3, "87f686d5be745bde", "46ce3e8eb1a5b86c", "37d8078b7ce25c8c"},
		{30000, 3000, 42, "2533f21bd57d903c", "5df86fc4cd3d8666", "175c5d6e981f49e2"},
	} {
		t.Run(fmt.Sprintf("%d users seed %d", tc.users, tc.seed), func(t *testing.T) {
			if testing.Short() && tc.users > 11000 {
				t.Skip("large; not in -short")
			}
			dir := t.TempDir()
			if _, err := Write(context.Background(), dir, small(tc.users, tc.test, tc.seed)); err != nil {
				t.Fatal(err)
			}
			for name, want := range map[string]string{TrainFile: tc.train, TestFile: tc.tst, CeilingFile: tc.ceiling} {
				b, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				sum := sha256.Sum256(b)
				if got := hex.EncodeToString(sum[:])[:len(want)]; got != want {
					t.Errorf("%s: SHA-256 %s…, want %s…", name, got, want)
				}
			}
		})
	}
}

// Each hands users over in order whatever the number of workers, and stops
// at the first error of its callback.
func TestEach(t *testing.T) {
	cfg := small(batchUsers+600, 100, 3)
	cfg.Workers = 3
	g, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	err = g.Each(context.Background(), 100, cfg.Users, func(i int, u *User) error {
		if u.UserID != UserID(i) {
			return fmt.Errorf("user %d is %s", i, u.UserID)
		}
		ids = append(ids, u.UserID)
		return nil
	})
	if err != nil || len(ids) != cfg.Users-100 || !slices.IsSorted(ids) {
		t.Fatalf("Each: %d users, sorted %v, err %v", len(ids), slices.IsSorted(ids), err)
	}
	stop := errors.New("stop")
	n := 0
	err = g.Each(context.Background(), 0, cfg.Users, func(i int, _ *User) error {
		n++
		if i == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 11 {
		t.Errorf("a callback error after %d users gave %v", n, err)
	}
	if err := g.Each(context.Background(), 5, 4, nil); err == nil {
		t.Error("Each(5, 4) succeeded")
	}
}

// A canceled synth writes nothing and leaves no temporary behind.
func TestWriteCanceled(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Write(ctx, dir, small(2000, 200, 1)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Write on a canceled context: %v", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != LockFile {
			t.Errorf("left %s behind", e.Name())
		}
	}
}
