// Package wasmtest holds the tests that run the WebAssembly build
// (dist/leash.wasm) under Node against the native code:
//
//   - the shared table of verify cases through the native verifier, the
//     native `leash verify` and `node wasm/leash.mjs verify`, requiring
//     identical verdicts, output and exit codes (and the same for sign,
//     keys address and proposal public-inputs);
//   - a transaction signed in WASM decoded by ethers v6;
//   - the Node tests of the stateful core (wasm/test/*.test.mjs) with
//     fixtures made here.
//
// They need `make wasm` first and run only with LEASH_WASM_TESTS=1, which
// scripts/test.d/20-wasm.sh sets (make test builds the WASM before it).
package wasmtest
