// Command recbole writes a RecBole atomic .inter file from occbench data
// sets, such as the train.arrow and test.arrow of `occbench synth`, so that
// `occbench import --format recbole` can be measured on millions of rows
// (make scale). Each job becomes a row, the target included: its timestamp
// is the day after the last job of the history ends.
//
//	go run ./scripts/recbole -spread 3 -o /tmp/careers.inter DIR/train.arrow DIR/test.arrow
//
// With -spread K every career is written in K parts far apart in the file:
// the first K-th of every user's jobs, then the next K-th, and so on, as a
// file sorted by time scatters users, so the import's merge has work to do.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strconv"

	"github.com/occbench/occbench/bench"
	"github.com/occbench/occbench/internal/safefile"
)

func main() {
	out := flag.String("o", "", "output .inter file")
	spread := flag.Int("spread", 1, "write each career in this many parts, far apart in the file")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 || *spread < 1 {
		fmt.Fprintln(os.Stderr, "usage: recbole [-spread K] -o OUT.inter DATASET...")
		os.Exit(2)
	}
	rows, err := write(*out, flag.Args(), *spread)
	if err != nil {
		fmt.Fprintf(os.Stderr, "recbole: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %s (%d rows)\n", *out, rows)
}

// write reads the inputs once per part of the careers.
func write(path string, inputs []string, spread int) (int, error) {
	f, err := safefile.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Abort()
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprint(w, "user_id:token\titem_id:token\ttimestamp:float\n")
	rows := 0
	for part := range spread {
		for _, in := range inputs {
			n, err := writePart(w, in, part, spread)
			if err != nil {
				return 0, err
			}
			rows += n
		}
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	return rows, f.Commit()
}

// writePart writes the part-th of spread parts of every career in the file.
func writePart(w *bufio.Writer, path string, part, spread int) (int, error) {
	r, err := bench.Open(path)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	rows := 0
	var buf []byte
	for r.Scan() {
		ex := r.Example()
		jobs := ex.Jobs()
		if len(jobs) == 0 || ex.TargetCode == "" {
			continue
		}
		target := jobs[len(jobs)-1].End
		if !target.Valid() {
			target = jobs[len(jobs)-1].Start
		}
		n := len(jobs) + 1
		for i := part * n / spread; i < (part+1)*n/spread; i++ {
			code, day := ex.TargetCode, int64(target.Days())+1
			if i < len(jobs) {
				code, day = jobs[i].Code, int64(jobs[i].Start.Days())
			}
			buf = append(buf[:0], ex.UserID...)
			buf = append(buf, '\t')
			buf = append(buf, code...)
			buf = append(buf, '\t')
			buf = strconv.AppendInt(buf, day*86400, 10)
			buf = append(buf, '\n')
			if _, err := w.Write(buf); err != nil {
				return 0, err
			}
			rows++
		}
	}
	return rows, r.Err()
}
