// Package wasm is the syscall/js boundary of the signer core: the only Go
// code that touches JavaScript (every file of it is *_js.go except this
// one). Register installs a global `leash` object whose methods all return
// Promises, resolved from a goroutine (the pattern of tailscale's
// cmd/tsconnect makePromise), so no exported callback ever blocks the JS
// event loop. The API is documented in leash.d.ts beside this file.
//
//   - leash.tools: the stateless verbs of the CLI (verify, sign, keys
//     address, public inputs), returning {exit, stdout} exactly as the
//     native `leash` prints them, and a tool signer for benchmarks.
//   - leash.open(storage): the stateful core over a host storage object
//     (chrome.storage.local in the extension, a file or memory in Node),
//     as two faces: `agent` (submit only, what the relay reaches) and
//     `approver` (vault, unlock, pin, nonce sync, audit; the popup only).
//
// Security notes: arguments are copied into Go before the Promise starts;
// errors reach JS as Error objects with a stable `code`; no secret is ever
// logged. The mnemonic crosses the boundary only in createVault's answer
// (shown to the user once), exportMnemonic (password required) and the
// tools that take a mnemonic file.
package wasm
