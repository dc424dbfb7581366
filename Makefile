# occbench — the two commands a newcomer needs are `make run` and `make test`.
GO      ?= go
BIN     := bin/occbench
DATA    := data/default
USERS   ?= 11000
TEST    ?= 1000
SEED    ?= 1

.PHONY: build test race run bench scale robustness lint fuzz clean distclean

build:
	$(GO) build -o $(BIN) ./cmd/occbench

# The whole suite; it stays under 5 minutes on 2 cores.
test:
	$(GO) vet ./...
	$(GO) test ./...

# The short tests under the race detector.
race:
	$(GO) test -race -short ./...

# The main job: the default synthetic data set (generated once, then reused),
# the default suite (baselines trained once, then reused; LLM runners whose
# endpoint is configured by environment variables), the report, and Table 2.
SUITE   := testdata/suites/default.yaml
RUNDIR  := runs/default
run: build
	./$(BIN) synth --users $(USERS) --test-users $(TEST) --seed $(SEED) -o $(DATA) --reuse
	./$(BIN) run --suite $(SUITE) --out $(RUNDIR) --fresh
	./$(BIN) report $(RUNDIR)

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Time and peak memory of synth, import, run and report at 100,000 and
# 1,000,000 users (SCALE_USERS), one command at a time: the README's scale
# table. The data goes to $$SCALE_DIR (/tmp/occbench-scale).
SCALE_USERS ?= 100000 1000000
scale: build
	OCCBENCH=$(BIN) scripts/scale.sh $(SCALE_USERS)

# Every in-process runner of the default suite on every synthetic profile,
# 10,000 held-out careers each: the README's robustness table (about half
# an hour on 2 cores). The data goes to $$ROBUSTNESS_DIR.
robustness: build
	OCCBENCH=$(BIN) scripts/robustness.sh

# gofmt, go vet and staticcheck at a pinned version (fetched through the
# module proxy on first use).
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

# Short runs of every fuzz target (FUZZTIME each).
FUZZTIME ?= 15s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

clean:
	rm -rf bin

# Also removes the generated data, runs and trained models.
distclean: clean
	rm -rf data runs
