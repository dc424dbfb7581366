#!/bin/sh
# Time and peak memory of synth, import (RecBole), run and report, one
# command at a time, at each size given (default: 100,000 and 1,000,000
# users; a tenth of them test users), as rows of the README's scale table.
#
#   scripts/scale.sh [USERS...]        (make scale)
#
# Peak memory is GNU time's "Maximum resident set size" (/usr/bin/time -v).
# The data, about 1 GB at 1,000,000 users, goes to $SCALE_DIR
# (/tmp/occbench-scale); nothing is left in the repository. The import
# reads synth's careers as a RecBole file written by scripts/recbole, each
# user's rows in three places far apart, as a file sorted by time has them;
# the run is a suite of Markov-2 and repeat-last over synth's data.
set -eu
bin=${OCCBENCH:-bin/occbench}
dir=${SCALE_DIR:-/tmp/occbench-scale}
mkdir -p "$dir"
go build -o "$dir/recbole" ./scripts/recbole

# measure USERS STEP COMMAND...: runs the command, prints a table row.
measure() {
	users=$1 step=$2
	shift 2
	if ! /usr/bin/time -f '%e %M' -o "$dir/time.txt" "$@" >"$dir/log.txt" 2>&1; then
		cat "$dir/log.txt" >&2
		exit 1
	fi
	read -r secs kb <"$dir/time.txt"
	printf '| %s | %s | %s s | %s MB |\n' "$users" "$step" "$secs" "$((kb / 1024))"
}

echo "| users | step | time | peak RSS |"
echo "| ---: | --- | ---: | ---: |"
for users in ${@:-100000 1000000}; do
	d=$dir/$users
	rm -rf "$d"
	mkdir -p "$d"
	test=$((users / 10))
	measure "$users" "synth" "$bin" synth --users "$users" --test-users "$test" --seed 1 -o "$d/synth"
	"$dir/recbole" -spread 3 -o "$d/careers.inter" "$d/synth/train.arrow" "$d/synth/test.arrow" >"$dir/log.txt"
	rows=$(($(wc -l <"$d/careers.inter") - 1))
	measure "$users" "import ($rows RecBole rows)" "$bin" import --format recbole "$d/careers.inter" --test-users "$test" --seed 1 -o "$d/import"
	cat >"$d/suite.yaml" <<YAML
name: scale
train: synth/train.arrow
test: synth/test.arrow
out: run
seed: 1
runners:
  - {name: last, kind: last}
  - {name: markov2, kind: markov, order: 2}
YAML
	measure "$users" "run (Markov-2, repeat-last; $test test users)" "$bin" run --suite "$d/suite.yaml" --fresh
	measure "$users" "report" "$bin" report "$d/run"
done
