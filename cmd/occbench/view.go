package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/occbench/occbench/reports/viewer"
)

func newViewCmd() *cobra.Command {
	var (
		rf   reportFlags
		addr string
	)
	cmd := &cobra.Command{
		Use:   "view RUN_DIR",
		Short: "Serve a run's viewer page on localhost",
		Long: `View builds the page occbench report writes as report/viewer/index.html — the
run's protocol, Table 2, the McNemar matrix, every user with each system's
answer, ranking, reason and judge verdicts — and serves it at --addr until
Ctrl-C. The page needs no server (open report/viewer/index.html from disk, or
put it on any static host); this is for a remote machine, through an SSH
tunnel. It shows the run as it is when view starts.`,
		Example: "  occbench view runs/default\n  ssh -L 8040:localhost:8040 gpu-box occbench view runs/qwen",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rep, err := rf.build(args[0])
			if err != nil {
				return err
			}
			var page bytes.Buffer
			if err := viewer.Render(cmd.Context(), &page, rep, viewer.Options{JudgeFiles: rf.judgeFiles}); err != nil {
				return fmt.Errorf("viewer: %w", err)
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("--addr %s: %w", addr, err)
			}
			built := time.Now()
			srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/" && r.URL.Path != "/"+viewer.File {
					http.NotFound(w, r)
					return
				}
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				http.ServeContent(w, r, viewer.File, built, bytes.NewReader(page.Bytes()))
			})}
			fmt.Fprintf(cmd.ErrOrStderr(), "occbench view: serving %s at http://%s/ (Ctrl-C stops)\n", args[0], ln.Addr())
			done := make(chan error, 1)
			go func() { done <- srv.Serve(ln) }()
			select {
			case err := <-done:
				return err
			case <-cmd.Context().Done():
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
					return err
				}
				return nil // stopping the server is how view ends
			}
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8040", "address to listen on (host:port; port 0 picks a free one)")
	rf.add(cmd)
	return cmd
}
