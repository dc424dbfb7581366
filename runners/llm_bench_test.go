package runners

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/occbench/occbench/bench/onet"
	"github.com/occbench/occbench/llm/llmtest"
	"github.com/occbench/occbench/rundir"
)

// BenchmarkLLMRun runs the llm runner through the engine (occbench run)
// against the fake server answering each request after a fixed 100 ms, at
// concurrency 64. The ideal wall time is users/64 × 0.1 s (3.125 s for
// 2,000 users); x-ideal is the measured time over that. B/sample and the
// peak live heap show memory flat in the number of users; cpu-s/run is the
// CPU time the process (runner, engine and fake server) used.
//
//	go test ./runners -run '^$' -bench LLMRun -benchtime 1x
//
// OCCBENCH_BENCH_CACHE=DIR puts the request cache under DIR (a tmpfs such
// as /dev/shm separates the file system's cost of one file per response).
//
// pool=2 spreads the same run over two such servers (endpoint.base_url a
// list): the pool's picking must cost no more than a single URL's.
func BenchmarkLLMRun(b *testing.B) {
	for _, users := range []int{500, 2000} {
		b.Run(fmt.Sprintf("users=%d", users), func(b *testing.B) {
			benchLLMRun(b, users, 64, 1, 100*time.Millisecond)
		})
	}
	b.Run("users=2000/pool=2", func(b *testing.B) {
		benchLLMRun(b, 2000, 64, 2, 100*time.Millisecond)
	})
}

func benchLLMRun(b *testing.B, users, concurrency, servers int, latency time.Duration) {
	dir := b.TempDir()
	cacheRoot := dir
	if d := os.Getenv("OCCBENCH_BENCH_CACHE"); d != "" {
		var err error
		if cacheRoot, err = os.MkdirTemp(d, "occbench-bench-"); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { os.RemoveAll(cacheRoot) })
	}
	test, _ := llmTestSet(b, dir, users)
	var urls []string
	for range servers {
		srv := llmtest.New(b, llmtest.NoFaults)
		srv.Set(func(f *llmtest.Server) { f.Latency, f.DropBodies = latency, true })
		urls = append(urls, fmt.Sprintf("%q", srv.URL()))
	}
	baseURL := strings.Join(urls, ", ")
	if servers > 1 {
		baseURL = "[" + baseURL + "]"
	}
	onet.Default().Normalize("warm up the normaliser's index")
	b.ReportAllocs()
	b.ResetTimer()
	var peak uint64
	var wall time.Duration
	var alloc uint64
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		out := filepath.Join(dir, fmt.Sprint("run", i))
		s := llmSuite(b, test, out, filepath.Join(cacheRoot, fmt.Sprint("cache", i)), fmt.Sprintf(
			"  - {name: m, kind: llm, mode: joint, endpoint: {base_url: %s, model: m}, concurrency: %d}\n", baseURL, concurrency))
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		allocBefore := ms.TotalAlloc
		stop := watchHeap(&peak)
		b.StartTimer()
		cpu0 := cpuTime()
		start := time.Now()
		if _, err := Run(context.Background(), s, Options{}); err != nil {
			b.Fatal(err)
		}
		wall += time.Since(start)
		cpu += cpuTime() - cpu0
		b.StopTimer()
		stop()
		runtime.ReadMemStats(&ms)
		alloc += ms.TotalAlloc - allocBefore
		if n := len(readPreds(b, rundir.PredictionsPath(out, "m"))); n != users {
			b.Fatalf("%d records, want %d", n, users)
		}
	}
	ideal := time.Duration(float64(users) / float64(concurrency) * float64(latency))
	per := wall / time.Duration(b.N)
	b.ReportMetric(per.Seconds(), "s/run")
	b.ReportMetric(per.Seconds()/ideal.Seconds(), "x-ideal")
	b.ReportMetric(float64(alloc)/float64(b.N)/float64(users), "B/sample")
	// CPU used by the run and the server together: with CPU-seconds well
	// under cores × wall time the run waits on the server, not on itself;
	// x-ideal above 1.1 with little CPU means the machine was busy elsewhere.
	b.ReportMetric((cpu / time.Duration(b.N)).Seconds(), "cpu-s/run")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// watchHeap samples the live heap every 10 ms into peak until stopped.
func watchHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			*peak = max(*peak, sample[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}
