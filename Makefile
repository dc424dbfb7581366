# occbench — the two commands a newcomer needs are `make run` and `make test`.
GO      ?= go
BIN     := bin/occbench
DATA    := data/default
USERS   ?= 11000
TEST    ?= 1000
SEED    ?= 1

.PHONY: build test run bench lint fuzz clean

build:
	$(GO) build -o $(BIN) ./cmd/occbench

# The whole suite; it stays under 5 minutes on 2 cores.
test:
	$(GO) vet ./...
	$(GO) test ./...

# The main job: the default synthetic data set (generated once, then reused),
# its summary and its accuracy ceiling.
run: build
	./$(BIN) synth --users $(USERS) --test-users $(TEST) --seed $(SEED) -o $(DATA) --reuse
	./$(BIN) data inspect $(DATA)/test.arrow

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

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
