package rundir

import "github.com/occbench/occbench/internal/dirlock"

// LockFile holds the lock of a run directory and the id of the process
// that holds it.
const LockFile = ".occbench.lock"

// Lock takes the run directory dir for this process, creating it if
// needed, so that no second process writes into the same run; a process
// that dies, however it dies, leaves no lock behind, and readers such as
// reports need not take it. unlock releases it.
func Lock(dir string) (unlock func() error, err error) {
	return dirlock.Lock(dir, LockFile)
}
