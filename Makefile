# spacekeep: `make demo` builds, installs the host and downloads a Space from
# the built-in fake x.com; `make test` runs every test.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/spacekeep/spacekeep/host/cli.Version=$(VERSION)

.PHONY: all build fakex test test-go test-ext lint bench demo install extension clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/spacekeep ./host

fakex:
	$(GO) build -trimpath -o bin/fakex ./host/cmd/fakex

test: build fakex
	$(GO) test ./...

clean:
	rm -rf bin dist
