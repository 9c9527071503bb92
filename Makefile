# Vigie — build, test, lint, generate.
GO ?= go

.PHONY: all build test test-short lint fmt proto docs fuzz fuzz-short faults load bench screenshots demo clean

all: lint test

build:
	$(GO) build -o bin/vigie ./services/vigie

# The README's test command: every test, with the race detector.
test:
	$(GO) test -race -count=1 -timeout 30m ./...

test-short:
	$(GO) test -short ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

# Regenerate the protobuf Go code (buf and protoc-gen-go are pinned tools in go.mod).
proto:
	cd proto && $(GO) tool buf lint && $(GO) tool buf generate

# Regenerate docs generated from code.
docs:
	$(GO) run ./services/vigie config docs > docs/configuration.md

demo:
	$(GO) run ./services/vigie serve --demo

# Screenshots of the UI for docs/screenshots (headless Chromium, as the browser tests).
screenshots:
	VIGIE_SCREENSHOTS=docs/screenshots $(GO) test ./services/vigie -run '^TestScreenshots$$' -count=1 -v

# The fault suite at the issue's size (the default `go test` runs a short version).
faults:
	VIGIE_FAULT_ITEMS=10000 VIGIE_FAULT_KILLS=20 VIGIE_FAULT_OUTAGE_SECONDS=30 \
	  $(GO) test -count=1 -timeout 60m -run 'Fault|Crash|Cluster|Poison|DeadLetter' -v ./services/... 2>&1 | grep -E '^(=== RUN|--- |ok|FAIL|PASS)|_test.go'

# Every fuzz target for 20 s from its committed corpus; fuzz-short for CI.
fuzz:
	bash scripts/fuzz.sh 20

fuzz-short:
	@if [ -f scripts/fuzz.sh ]; then bash scripts/fuzz.sh 5; else echo "no fuzz script"; fi

clean:
	rm -rf bin
