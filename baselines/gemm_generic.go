package baselines

// gemmImpl is gonum's pure-Go Sgemm unless an assembly kernel replaces it
// at init (gemm_amd64.go).
var gemmImpl = gonumGemm
