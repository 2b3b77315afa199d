//go:build js && wasm

// Command leashwasm is the signer core compiled to WebAssembly.
package main

func main() { select {} }
