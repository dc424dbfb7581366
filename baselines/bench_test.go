package baselines

import (
	"context"
	"syscall"
	"testing"
	"time"
)

// cpuTime is this process's user+system time: the machine is shared, so
// benchmarks also report CPU seconds per op, which load does not inflate.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric((cpuTime()-start).Seconds()/float64(b.N), "cpu-s/op")
}

// benchData is 9,000 training users and 1,000 test users over 1,016 items,
// the shape of occbench's default synthetic set.
var benchData = sync1(func() toyData { return newToyData(1016, 9000, 1000) })

func sync1[T any](f func() T) func() T {
	var v T
	done := false
	return func() T {
		if !done {
			v, done = f(), true
		}
		return v
	}
}

func BenchmarkSASRecEpoch(b *testing.B) {
	d := benchData()
	cfg := DefaultSASRec
	cfg.Train.Epochs = 1
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		if _, err := TrainSASRec(context.Background(), d.train, nil, 1016, cfg, TrainOptions{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, c0)
}

func BenchmarkSASRecPredict1000(b *testing.B) {
	d := benchData()
	cfg := DefaultSASRec
	cfg.Train.Epochs = 1
	m, err := TrainSASRec(context.Background(), d.train[:500], nil, 1016, cfg, TrainOptions{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	hs, _ := histories(d.test)
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		m.PredictBatch(hs, 10)
	}
	reportCPU(b, c0)
}
