#!/usr/bin/env bash
# Chain: committed contract artifacts match contracts/*.sol (solc from npm),
# and `leash devnet` serves, prints its JSON line, and exits 0 on SIGTERM.
# (The Go tests of chain/... run in 10-go.sh against in-process devnets.)
# needs: curl
set -euo pipefail
cd "$(dirname "$0")/../.."

scripts/gen-contracts.sh --check

tmp=$(mktemp -d)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
go build -o "$tmp/leash" ./cmd/leash # not bin/leash: it may predate the sources
leash=$tmp/leash

"$leash" devnet --addr 127.0.0.1:0 --deploy >"$tmp/out" &
pid=$!
for _ in $(seq 100); do [[ -s $tmp/out ]] && break; sleep 0.1; done
[[ -s $tmp/out ]] || { echo "leash devnet printed nothing in 10 s" >&2; exit 1; }
rpc=$(node -e 'const i=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));
  if (i.chainId!==1337||i.accounts.length!==10||!i.contracts||!i.contracts.registry) process.exit(1);
  console.log(i.rpc)' "$tmp/out")
answer=$(curl -sf -X POST -H 'content-type: application/json' \
  -d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$rpc")
[[ $answer == *'"result":"0x539"'* ]] || { echo "eth_chainId answered: $answer" >&2; exit 1; }

kill -TERM "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then echo "leash devnet still running 10 s after SIGTERM" >&2; exit 1; fi
wait "$pid" && status=0 || status=$?
pid=
[[ $status == 0 ]] || { echo "leash devnet exited $status after SIGTERM" >&2; exit 1; }
echo "chain: leash devnet served $rpc and stopped cleanly on SIGTERM"
