//go:build !unix

package safefile

import (
	"os"
	"time"
)

// hold does nothing where flock is not available.
func hold(*os.File) {}

// removeStale does nothing where flock is not available: a temporary a
// killed writer left stays until removed by hand.
func removeStale(string, time.Duration) {}
