# Leash. `make demo` runs the whole system on embedded defaults;
# `make test` runs every test. Both install what they need. `make help`
# lists the targets.
SHELL := /bin/bash
GO    ?= go
GOFLAGS_BUILD := -trimpath
export GOTOOLCHAIN := local
export GOFLAGS := -mod=readonly

.PHONY: all help build test lint release screenshots bench bench-wasm bench-boot bench-relay bench-e2e bench-agents wasm demo extension relay-worker deps npm chromium preflight clean

all: build

## help: this list
help:
	@sed -nE 's/^## ([a-z0-9-]+): (.*)/  make \1\t\2/p' $(MAKEFILE_LIST) | expand -t 22

## build: the CLI at bin/leash (leash version names its commit and dist/leash.wasm)
build:
	$(GO) build $(GOFLAGS_BUILD) -o bin/leash ./cmd/leash

## deps: Go modules and npm packages (node_modules via npm ci)
deps: npm
	$(GO) mod download

# A node_modules that is a link (a worktree sharing another checkout's) is
# never reinstalled: npm ci through the link empties the shared copy under
# every other checkout (it did once). It is checked instead (npm ls --all);
# if it lacks a package, `rm node_modules && make deps` installs this
# checkout's own.
npm: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	@if [ -L node_modules ]; then \
	  if npm ls --all >/dev/null 2>&1; then \
	    echo "npm: node_modules links to $$(readlink -f node_modules) (shared): it has what package.json names; not reinstalled"; \
	  else \
	    echo "npm: node_modules links to $$(readlink -f node_modules), shared with other checkouts, and lacks what package.json or package-lock.json name (npm ls --all). Not running npm ci there: it would empty the shared copy. Run: rm node_modules && make deps (this checkout's own)." >&2; \
	    exit 1; \
	  fi; \
	else \
	  npm ci --no-audit --no-fund && touch $@; \
	fi

## chromium: Debian's chromium for the browser tests (root, apt)
chromium:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

## preflight: say what make test needs that is missing, and how to install it
preflight:
	@scripts/preflight.sh

## test: every test (lint, Go, WASM under Node, reproducible builds, browser)
test: preflight deps build wasm
	scripts/test.sh

## lint: gofmt, go vet (native and js/wasm), go mod tidy, staticcheck (new findings fail)
lint:
	scripts/lint.sh

## release: dist/release: the CLI for linux and darwin (amd64, arm64), leash.wasm, the extension zip, the Worker bundle, SHA256SUMS
release: deps
	scripts/release.sh

## screenshots: run the browser test and refresh the PNGs in docs/img/ from its screenshots
screenshots: deps build wasm
	scripts/screenshots.sh

## bench: native benchmarks, printed as a table of medians
bench:
	$(GO) run ./scripts/benchtable -count 5 ./circuits/... ./prover/... ./chain/...

## wasm: dist/leash.wasm and dist/wasm_exec.js (reproducible: scripts/build-wasm.sh)
wasm:
	scripts/build-wasm.sh dist

## demo: the whole system on embedded defaults
demo: deps build
	scripts/demo.sh

## clean: remove bin/ and dist/
clean:
	rm -rf bin dist

## bench-wasm: WASM verify/sign/cold-start/size table (Node 20)
bench-wasm: deps wasm
	scripts/bench-wasm.sh

## bench-boot: the extension worker's cold boot in Chromium, where each ms goes (medians; BOOT_BASELINE=other/extension alternates with it)
bench-boot: deps wasm extension
	node tests/browser/boot.mjs

## bench-relay: relay throughput/latency table against a bare forwarder
bench-relay: build
	scripts/bench-relay.sh

## bench-e2e: proposal-to-mined breakdown
bench-e2e: deps build wasm
	scripts/bench-e2e.sh

## bench-agents: MCP transfer_native → mined and get_wallet_details, against the HTTP API (medians)
bench-agents: deps build
	scripts/bench-agents.sh

## extension: dist/extension, loadable unpacked
extension: deps wasm
	scripts/build-extension.sh

## relay-worker: the Cloudflare Workers relay in relay/worker/build (app.wasm and syumai/workers' JS runtime)
relay-worker:
	@mkdir -p relay/worker/build
	@[ -f relay/worker/build/worker.mjs ] || { \
		$(GO) tool workers-assets-gen -mode=go -o relay/worker/build/.assets && \
		cp relay/worker/build/.assets/* relay/worker/build/ && rm -rf relay/worker/build/.assets; }
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -o relay/worker/build/app.wasm ./relay/worker/cmd/relayworker
