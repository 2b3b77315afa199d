# Leash. `make demo` runs the whole system on embedded defaults;
# `make test` runs every test. Both install what they need.
SHELL := /bin/bash
GO    ?= go
GOFLAGS_BUILD := -trimpath
export GOTOOLCHAIN := local
export GOFLAGS := -mod=readonly

.PHONY: all build test bench bench-wasm bench-relay bench-e2e bench-agents wasm demo extension relay-worker deps npm chromium clean

all: build

## build: the CLI at bin/leash
build:
	$(GO) build $(GOFLAGS_BUILD) -o bin/leash ./cmd/leash

## deps: Go modules and npm packages (node_modules via npm ci)
deps: npm
	$(GO) mod download

npm: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

## chromium: Debian's chromium for the browser tests (root, apt)
chromium:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

## test: every test (Go, WASM under Node, browser)
test: deps build wasm
	scripts/test.sh

## bench: native benchmarks, printed as a table of medians
bench:
	$(GO) run ./scripts/benchtable -count 5 ./circuits/... ./prover/... ./chain/...

## wasm: dist/leash.wasm and dist/wasm_exec.js
wasm:
	@mkdir -p dist
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -o dist/leash.wasm ./wasm/cmd/leashwasm
	cp "$$($(GO) env GOROOT)/lib/wasm/wasm_exec.js" dist/wasm_exec.js

## demo: the whole system on embedded defaults
demo: deps build
	scripts/demo.sh

clean:
	rm -rf bin dist

## bench-wasm: WASM verify/sign/cold-start/size table (Node 20)
bench-wasm: deps wasm
	scripts/bench-wasm.sh

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
		$(GO) run github.com/syumai/workers/cmd/workers-assets-gen -mode=go -o relay/worker/build/.assets && \
		cp relay/worker/build/.assets/* relay/worker/build/ && rm -rf relay/worker/build/.assets; }
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -o relay/worker/build/app.wasm ./relay/worker/cmd/relayworker
