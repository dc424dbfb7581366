#!/bin/sh
# Every in-process runner of the default suite on every synthetic profile,
# 10,000 training and 10,000 held-out careers each: the README's robustness
# table (EM, its 95% interval and the gap to the profile's Bayes ceiling).
#
#   scripts/robustness.sh [PROFILE...]        (make robustness)
#
# The runners and their settings are testdata/suites/default.yaml's, the
# LLMs left out; only the data changes. Data and runs go to
# $ROBUSTNESS_DIR (/tmp/occbench-robustness); nothing is left in the
# repository.
set -eu
bin=${OCCBENCH:-bin/occbench}
dir=${ROBUSTNESS_DIR:-/tmp/occbench-robustness}
runners=bayes,last,mostpop,markov1,markov2,sasrec,bert4rec,sasrec-plus,bert4rec-plus
mkdir -p "$dir"
for p in ${@:-hidden-track three-track calibrated second-order}; do
	d=$dir/$p
	mkdir -p "$d"
	"$bin" synth --profile "$p" --users 20000 --test-users 10000 -o "$d/data" --reuse >"$d/synth.txt"
	sed -e "s|^train: .*|train: $d/data/train.arrow|" \
		-e "s|^test: .*|test: $d/data/test.arrow|" \
		-e "s|^out: .*|out: $d/run|" testdata/suites/default.yaml >"$d/suite.yaml"
	/usr/bin/time -f '%e' -o "$d/time.txt" "$bin" run --suite "$d/suite.yaml" --only "$runners" --fresh >"$d/run.txt" 2>&1 || {
		cat "$d/run.txt" >&2
		exit 1
	}
done
go run ./scripts/robustness "$dir" ${@:-hidden-track three-track calibrated second-order}
