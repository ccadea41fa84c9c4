# Hindsight — common tasks. Only Go is needed.
GO    ?= go
BIN   := bin/hindsight
ADDR  ?= 127.0.0.1:1313
# The race detector needs cgo and a C compiler; without them tests run without it.
RACE  := $(shell [ "$$($(GO) env CGO_ENABLED)" = 1 ] && command -v "$$($(GO) env CC)" >/dev/null 2>&1 && echo -race)

.PHONY: all build run test vet bench fuzz clean

all: build

## build: compile bin/hindsight
build:
	$(GO) build -o $(BIN) ./cmd/hindsight

## run: build the example knowledge base in content/ and serve it on http://$(ADDR)
run: build
	./$(BIN) serve --content content --out public --addr $(ADDR)

## test: vet, check formatting and run every test (with -race when a C compiler is present)
test: vet
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed on:"; echo "$$unformatted"; exit 1; fi
	$(GO) test $(RACE) ./...

vet:
	$(GO) vet ./...

## bench: build a 10,000-postmortem synthetic corpus and time full builds
bench:
	$(GO) run ./cmd/hindsight-bench

## fuzz: run each fuzz target for FUZZTIME (default 30s)
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzRead -fuzztime=$(FUZZTIME) ./generator/postmortem
	$(GO) test -run='^$$' -fuzz=FuzzParse -fuzztime=$(FUZZTIME) ./generator/meta
	$(GO) test -run='^$$' -fuzz=FuzzInfer -fuzztime=$(FUZZTIME) ./generator/legacy
	$(GO) test -run='^$$' -fuzz=FuzzFastYAML -fuzztime=$(FUZZTIME) ./generator/meta
	$(GO) test -run='^$$' -fuzz=FuzzSplit -fuzztime=$(FUZZTIME) ./generator/meta
	$(GO) test -run='^$$' -fuzz=FuzzPublic -fuzztime=$(FUZZTIME) ./generator/markdown
	$(GO) test -run='^$$' -fuzz=FuzzPlain -fuzztime=$(FUZZTIME) ./generator/markdown
	$(GO) test -run='^$$' -fuzz=FuzzCompiledIncident -fuzztime=$(FUZZTIME) ./generator/render
	$(GO) test -run='^$$' -fuzz=FuzzEscapers -fuzztime=$(FUZZTIME) ./generator/render
	$(GO) test -run='^$$' -fuzz=FuzzScan -fuzztime=$(FUZZTIME) ./generator/blameless
	$(GO) test -run='^$$' -fuzz=FuzzDiff -fuzztime=$(FUZZTIME) ./generator/htmldiff
	$(GO) test -run='^$$' -fuzz=FuzzSquash -fuzztime=$(FUZZTIME) ./generator/search
	$(GO) test -run='^$$' -fuzz=FuzzText -fuzztime=$(FUZZTIME) ./generator/search
	$(GO) test -run='^$$' -fuzz=FuzzWordsAt -fuzztime=$(FUZZTIME) ./generator/search
	$(GO) test -run='^$$' -fuzz=FuzzJSONString -fuzztime=$(FUZZTIME) ./generator/sitesearch

clean:
	rm -rf bin public
