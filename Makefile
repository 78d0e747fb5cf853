# spotlight: `make run` builds everything and starts the sidecar;
# `make test` installs what the tests need and runs every test.

GO      ?= go
BIN     := bin/spotlight
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
ARGS    ?=

.PHONY: all build ui go-build run install dist dist-binaries test test-deps test-go test-conformance test-ui test-e2e screenshots bench fuzz lint clean

all: build

# The web UI is built into internal/webui/dist, which the binary embeds.
ui/node_modules: ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund
	@touch $@

ui: ui/node_modules
	cd ui && npm run build

go-build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/spotlight

build: ui go-build

run: build
	./$(BIN) $(ARGS)

# Puts the binary on PATH: into $GOBIN when set, else ~/.local/bin.
INSTALL_DIR ?= $(or $(shell $(GO) env GOBIN),$(HOME)/.local/bin)
install: build
	mkdir -p "$(INSTALL_DIR)"
	install -m 0755 $(BIN) "$(INSTALL_DIR)/spotlight"
	@echo "installed $(INSTALL_DIR)/spotlight"
	@case ":$$PATH:" in *":$(INSTALL_DIR):"*) ;; *) echo "$(INSTALL_DIR) is not on your PATH: add it (e.g. export PATH=\"$(INSTALL_DIR):\$$PATH\")";; esac

# Release builds: static (no cgo), trimmed paths, stripped, version-stamped,
# with the web UI, into dist/spotlight-<version>-<os>-<arch>[.exe].
PLATFORMS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
DIST      ?= dist
dist: ui
	@$(MAKE) -s dist-binaries

# The binaries alone, with the UI already built (the dist test uses this so
# it never rebuilds the UI under other tests' builds).
dist-binaries:
	@mkdir -p $(DIST)
	@set -e; for p in $(PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=; [ "$$os" = windows ] && ext=.exe; \
		out=$(DIST)/spotlight-$(VERSION)-$$os-$$arch$$ext; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags "-s -w $(LDFLAGS)" -o $$out ./cmd/spotlight; \
		echo "$$out"; \
	done

# Tools and packages the tests need (Node SDK, Debian's Python SDK, Chromium
# for the e2e tests, docker-compose to check the compose override, useradd
# for the tests of what another local user can do).
test-deps: ui/node_modules
	cd test/node && npm ci --no-audit --no-fund
	./scripts/ensure-chromium.sh
	./scripts/ensure-python-sdk.sh
	./scripts/ensure-docker-compose.sh
	./scripts/ensure-deb.sh passwd sh -c 'command -v useradd && command -v userdel'

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...

test-go:
	$(GO) test -count=1 -timeout 20m ./...

# Envelopes that real SDKs sent live beside the project (../shared/fixtures),
# not in it: a clone without them says so and runs the rest.
FIXTURES ?= $(CURDIR)/../shared/fixtures
test-conformance:
	@if [ -d "$(FIXTURES)/envelopes" ]; then \
		SPOTLIGHT_FIXTURES="$(FIXTURES)" $(GO) test -count=1 -tags conformance ./test/conformance; \
	else \
		echo "conformance: no fixtures at $(FIXTURES)/envelopes (set FIXTURES=...); not run"; \
	fi

test-ui:
	cd ui && npm test

test-e2e: build
	cd ui && SPOTLIGHT_BIN=$(CURDIR)/$(BIN) npm run e2e

# The e2e run, also rewriting the screenshots in docs/screenshots (commit them).
screenshots: build
	cd ui && SCREENSHOTS=1 SPOTLIGHT_BIN=$(CURDIR)/$(BIN) npm run e2e

test: test-deps build lint test-go test-conformance test-ui test-e2e

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./internal/...

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 60s ./internal/envelope
	$(GO) test -run '^$$' -fuzz FuzzIngest -fuzztime 60s ./internal/sidecar

clean:
	rm -rf bin dist internal/webui/dist/assets internal/webui/dist/index.html ui/node_modules
