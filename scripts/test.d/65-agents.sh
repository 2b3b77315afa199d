#!/usr/bin/env bash
# The agent builders' face: the official MCP TypeScript SDK client
# (@modelcontextprotocol/sdk) drives every Leash tool over stdio and over
# Streamable HTTP (bearer token) against `leash demo --hold --tour=false`
# (a go-ethereum dev node, the relay as its own process, the agent-host
# daemon and the native signer): an ERC-20 payment in whole units to mined,
# a refusal with isError, the daemon down; then a web page in headless
# chromium tries cross-origin POSTs to the daemon (refused, nothing
# recorded). About 1 minute.
# needs: chromium
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
go build -trimpath -o bin/leash ./cmd/leash
keys=.leash-demo/keys
if [ ! -f "$keys/policy.vk" ] || [ ! -f "$keys/policy.pk" ]; then
  bin/leash setup --out "$keys" >/dev/null 2>&1
fi
timeout --kill-after=10 400 node tests/agents/mcp.mjs "$keys"
