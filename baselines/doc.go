// Package baselines holds occbench's supervised baselines — repeat-last,
// most-popular, order-1/2 Markov, SASRec and BERT4Rec — and the small
// float32 tensor core the two networks share.
//
// Everything works on integer item sequences: items are occupations
// indexed 0..n-1 in O*NET code order, so "ties break by the lower code"
// is "ties break by the lower index". Callers map codes to indexes.
//
// Every model ranks all n items (Predictor); items already in the history
// are not removed, because people return to past occupations. The
// networks report softmax probabilities as scores.
//
// Training: PrepareData splits the training users into training and
// validation sequences (and, in the paper's transductive setting, adds the
// test users' histories); TrainSASRec and TrainBERT4Rec train with Adam
// and keep the epoch with the best validation exact match. Models are
// saved and reloaded with Save and Load in a versioned binary format.
//
// The networks are trained on the CPU in pure Go with hand-written
// backward passes, each checked against finite differences in the tests.
// The package imports nothing of occbench: package runners adapts it to
// careers and the taxonomy.
// On amd64 with AVX2 and FMA, matrix products, the softmax and GELU use
// small assembly kernels; elsewhere gonum's pure-Go BLAS and plain Go
// loops. Each batch is cut into TrainOptions.Shards parts whose gradients
// are summed in shard order, so the same seed, settings and Shards give
// bit-identical models whatever the number of cores.
package baselines
