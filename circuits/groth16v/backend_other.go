//go:build !wasm

package groth16v

// defaultBackend natively: gnark-crypto's arithmetic (see pairing.go).
const defaultBackend = backendGnark
