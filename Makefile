# Vigie — build, test, lint, generate.
GO ?= go

.PHONY: all build test test-short lint fmt proto docs fuzz demo clean

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

clean:
	rm -rf bin
