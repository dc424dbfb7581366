package baselines

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func naiveGemm(tA, tB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				av, bv := a[i*lda+p], b[p*ldb+j]
				if tA {
					av = a[p*lda+i]
				}
				if tB {
					bv = b[j*ldb+p]
				}
				s += float64(av) * float64(bv)
			}
			c[i*ldc+j] = float32(s) + beta*c[i*ldc+j]
		}
	}
}

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

func TestGemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	impls := map[string]func(bool, bool, int, int, int, []float32, int, []float32, int, float32, []float32, int){
		"gemm": gemm, "gonum": gonumGemm, "packed": packedGemm,
	}
	for _, sh := range [][3]int{{1, 1, 1}, {6, 16, 8}, {7, 17, 3}, {13, 64, 64}, {128, 1016, 64}, {64, 50, 301}, {5, 3, 1016}} {
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				for _, beta := range []float32{0, 1, 0.5} {
					m, n, k := sh[0], sh[1], sh[2]
					lda, ldb := k+1, n+2 // strides wider than the matrices
					if tA {
						lda = m + 1
					}
					if tB {
						ldb = k + 2
					}
					a := randSlice(rng, max(m, k)*lda)
					b := randSlice(rng, max(n, k)*ldb)
					c0 := randSlice(rng, m*(n+3))
					want := append([]float32(nil), c0...)
					naiveGemm(tA, tB, m, n, k, a, lda, b, ldb, beta, want, n+3)
					for name, f := range impls {
						t.Run(fmt.Sprintf("%s/%dx%dx%d/%v%v/%v", name, m, n, k, tA, tB, beta), func(t *testing.T) {
							got := append([]float32(nil), c0...)
							f(tA, tB, m, n, k, a, lda, b, ldb, beta, got, n+3)
							for i := range got {
								if d := math.Abs(float64(got[i] - want[i])); d > 1e-3*math.Sqrt(float64(k))+1e-4 {
									t.Fatalf("element %d: got %v want %v", i, got[i], want[i])
								}
							}
						})
					}
				}
			}
		}
	}
}

func BenchmarkGemmLogits(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	h, e, z := randSlice(rng, 128*64), randSlice(rng, 1016*64), make([]float32, 128*1016)
	for _, impl := range []struct {
		name string
		f    func(bool, bool, int, int, int, []float32, int, []float32, int, float32, []float32, int)
	}{{"gonum", gonumGemm}, {"packed", packedGemm}} {
		b.Run(impl.name+"/NT", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				impl.f(false, true, 128, 1016, 64, h, 64, e, 64, 0, z, 1016)
			}
			b.ReportMetric(2*128*1016*64*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
		})
		b.Run(impl.name+"/NN", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				impl.f(false, false, 128, 64, 1016, z, 1016, e, 64, 0, h, 64)
			}
			b.ReportMetric(2*128*1016*64*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
		})
		b.Run(impl.name+"/TN", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				impl.f(true, false, 1016, 64, 128, z, 1016, h, 64, 1, e, 64)
			}
			b.ReportMetric(2*128*1016*64*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
		})
	}
}
