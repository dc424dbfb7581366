//go:build race

package baselines

// raceEnabled says the tests run under the race detector, which slows the
// float loops of training about tenfold.
const raceEnabled = true
