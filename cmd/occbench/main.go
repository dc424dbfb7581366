// Command occbench reproduces, checks and extends the next-occupation
// prediction study: it builds test sets, runs baselines and LLMs over them,
// scores them and reports. See the README for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Stdout, os.Stderr, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "occbench: %v\n", err)
		os.Exit(exitCode(err))
	}
}

// exitError carries a specific exit status (for example 2 for unusable
// input to compare) along with its message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}
