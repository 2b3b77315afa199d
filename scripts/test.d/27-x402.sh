#!/usr/bin/env bash
# x402 and Permit2 interop (needs node_modules from `make deps`):
# our Go x402 client against the reference x402 server and facilitator
# (tests/x402/server.mjs: @x402/express, @x402/core, @x402/evm 2.27.0) on a
# devnet with the EIP-3009 TestUSDC (pays and settles; the reference client
# builds the identical header; ethers v6 recovers the payer; replayed,
# tampered and expired payments refused; limits refuse before signing),
# and the canonical Permit2 (published bytecode from @uniswap/v4-periphery
# 1.0.3) accepting a permit signed over the wasm/eip712 digest and refusing
# tampered ones; and the agent host paying the reference server through the
# leashed signer core (prover/daemon.TestX402PaysTheReferenceServer: proof,
# signature, settlement; over-max and unknown payee refused before proving),
# and `leash x402 fetch URL`, the CLI binary, against a whole stack (relay
# process, native signer, devnet; tests/e2e TestX402FetchCLI: paid body,
# settlement mined, payee +price, exit 0; over the window, unknown payee,
# too long validity refused with exit 3 and nothing moved).
# 10-go.sh runs these too when node_modules is there;
# LEASH_X402_INTEROP=1 here turns a missing dependency into a failure, so
# they cannot be skipped silently. About 25 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
LEASH_X402_INTEROP=1 go test -count=1 -v -run 'Interop|Permit2|X402PaysTheReferenceServer|X402FetchCLI' ./prover/x402 ./tests/permit2 ./prover/daemon ./tests/e2e >"$out" 2>&1 || status=$?
grep -E '^\s*--- (PASS|FAIL|SKIP)|refused:|^(ok|FAIL)\s' "$out" || true
if [ $status -ne 0 ]; then tail -60 "$out"; echo "x402: interop failed"; exit $status; fi
if grep -q -- '--- SKIP' "$out"; then echo "x402: an interop test skipped"; exit 1; fi
echo "x402: ok"
