// Package baselines holds occbench's supervised baselines — repeat-last,
// most-popular, order-1/2 Markov, SASRec and BERT4Rec — and the small
// float32 tensor core the two networks share.
//
// Everything works on integer item sequences: items are occupations
// indexed 0..n-1 in O*NET code order, so "ties break by the lower code"
// is "ties break by the lower index". Callers map codes to indexes.
//
// Every model ranks all n items; items already in the history are not
// removed, because people return to past occupations.
//
// The networks are trained on the CPU in pure Go. Each batch is cut into
// a fixed number of shards (TrainOptions.Shards) whose gradients are
// summed in shard order, so the same seed and settings give bit-identical
// models whatever the number of cores.
package baselines
