//go:build wasm

package groth16v

// defaultBackend in WebAssembly: package bn's arithmetic (see pairing.go).
const defaultBackend = backendBN
