# spacekeep. `make demo` builds, installs the host for the browsers found and
# downloads a Space from the built-in fake x.com; `make test` runs every test.
GO          ?= go
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT      ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null)
LDFLAGS     := -s -w -X github.com/spacekeep/spacekeep/host/cli.Version=$(VERSION) -X github.com/spacekeep/spacekeep/host/cli.Commit=$(COMMIT)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
EXT         := extension
# Explicit, so that Go packages inside extension/node_modules are never built.
PKGS        := ./host/... ./protocol/... ./installer/...
DEMO_DIR    ?= $(CURDIR)/demo-output

.PHONY: all setup build fakex fuzz test test-go test-ext test-e2e lint lint-go lint-ext bench demo install uninstall extension npm dist test-dist-install clean

all: build

# Installs what is missing (apt-get for ffmpeg and the browsers, npm ci).
setup:
	bash .ci/setup

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/spacekeep ./host

fakex:
	$(GO) build -trimpath -o bin/fakex ./host/cmd/fakex

# Everything CI runs: linters, Go tests (the real binary, real ffmpeg, fake
# x.com over loopback), the extension's unit tests and the browser tests.
test: lint test-go test-ext test-e2e

# The black-box tests (host/internal/testbin) use the bin/spacekeep just built.
test-go: build fakex
	SPACEKEEP_TEST_BIN=$(CURDIR)/bin/spacekeep $(GO) test -count=1 $(PKGS)

lint: lint-go lint-ext

lint-go:
	@out=$$(gofmt -l host protocol installer); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	GOOS=windows $(GO) vet $(PKGS)
	GOOS=darwin $(GO) vet $(PKGS)
	$(GO) run $(STATICCHECK) $(PKGS)
	@$(GO) mod tidy -diff || { echo "go.mod/go.sum not tidy: run go mod tidy"; exit 1; }

npm: $(EXT)/node_modules/.package-lock.json
$(EXT)/node_modules/.package-lock.json: $(EXT)/package-lock.json
	cd $(EXT) && npm ci --no-audit --no-fund

lint-ext: npm
	cd $(EXT) && npm run --silent lint

test-ext: npm
	cd $(EXT) && npm test

test-e2e: npm build fakex
	cd $(EXT) && npm run --silent test:e2e

# The fuzz targets, 30 s each: frames from the browser, playlists, chunks, Hydra tags and the chat history from X,
# the page's answers the extension relays, MPEG-TS chunks, what people type into the library's search, and
# external text made safe for a terminal.
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzReadFrame$$' -fuzztime $(FUZZTIME) ./protocol
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./host/playlist
	$(GO) test -run '^$$' -fuzz '^FuzzClean$$' -fuzztime $(FUZZTIME) ./host/adts
	$(GO) test -run '^$$' -fuzz '^FuzzParseHydraTag$$' -fuzztime $(FUZZTIME) ./host/xapi
	$(GO) test -run '^$$' -fuzz '^FuzzChatHistory$$' -fuzztime $(FUZZTIME) ./host/xapi
	$(GO) test -run '^$$' -fuzz '^FuzzSearchQuery$$' -fuzztime $(FUZZTIME) ./host/library
	$(GO) test -run '^$$' -fuzz '^FuzzPageAnswers$$' -fuzztime $(FUZZTIME) ./host/xapi
	$(GO) test -run '^$$' -fuzz '^FuzzADTS$$' -fuzztime $(FUZZTIME) ./host/tsaudio
	$(GO) test -run '^$$' -fuzz '^FuzzClean$$' -fuzztime $(FUZZTIME) ./host/termtext

# Speed and memory: chunk cleaning, merging two hours, the host's start, and a
# 2-hour Space from the fake CDN over a shaped link (see README).
bench: build fakex
	$(GO) test -run '^$$' -bench . -benchmem ./host/adts ./host/merge ./host/speakers ./host/library ./protocol
	$(GO) run ./host/cmd/spacebench -bin bin/spacekeep

# A whole download without an X account or a network: the fake x.com serves
# a demo Space, the real host downloads it into $(DEMO_DIR).
# It needs no ffmpeg: the m4a is written in Go (ffmpeg is only for mp3).
demo:
	$(MAKE) --no-print-directory build fakex
	@bin/spacekeep install || echo "(The demo goes on without a browser; run 'make install' once a browser has started.)"
	$(GO) run ./host/cmd/demo -bin bin/spacekeep -o "$(DEMO_DIR)"

install: build
	bin/spacekeep install

uninstall: build
	bin/spacekeep uninstall

extension: npm
	cd $(EXT) && npm run --silent pack

# The release, from one commit, reproducibly: every file's time is the
# commit's, -trimpath and an empty build id keep the build machine out of the
# binaries. The version is the extension's (a release is tagged v<version>),
# so the host and the extension of one release say the same. The .deb and
# .rpm carry the shell completions (`spacekeep completion bash|zsh|fish`;
# COMPLETIONS=0 leaves them out). The checks: host/cmd/mkdist's tests and test-dist-install.
DIST            ?= dist
DIST_VERSION    ?= $(shell sed -n 's/^  "version": "\(.*\)",$$/\1/p' $(EXT)/manifest.json)
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct)
DIST_PLATFORMS  := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
DIST_BIN        := $(DIST)/.bin
COMPLETIONS     ?= 1
dist:
	rm -rf $(DIST) && mkdir -p $(DIST_BIN)
	@set -e; for p in $(DIST_PLATFORMS); do os=$${p%/*}; arch=$${p#*/}; ext=; [ $$os = windows ] && ext=.exe; \
	  echo "go build $$os/$$arch"; \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -buildvcs=false \
	    -ldflags '-s -w -buildid= -X github.com/spacekeep/spacekeep/host/cli.Version=$(DIST_VERSION)' \
	    -o $(DIST_BIN)/spacekeep_$${os}_$${arch}$$ext ./host; done
	cd $(EXT) && node scripts/pack.mjs $(abspath $(DIST))
	$(GO) run ./host/cmd/mkdist -bin $(DIST_BIN) -out $(DIST) -version $(DIST_VERSION) \
	  -epoch $(SOURCE_DATE_EPOCH) $(if $(filter 1,$(COMPLETIONS)),-completions)
	rm -rf $(DIST_BIN)
	cd $(DIST) && sha256sum -c --quiet SHA256SUMS

# As root (CI): the .deb installs, registers the host system-wide and goes
# without a trace.
test-dist-install:
	bash .ci/dist-install-check $(DIST)

clean:
	rm -rf bin dist demo-output
