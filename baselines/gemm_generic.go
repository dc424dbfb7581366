package baselines

var gemmImpl = gonumGemm
