//go:build js && wasm

// Command leashwasm is the signer core compiled to WebAssembly. It installs
// the global `leash` object (see wasm/leash.d.ts) and then waits for calls.
package main

import leashwasm "github.com/leash-wallet/leash/wasm"

func main() {
	leashwasm.Register()
	select {}
}
