//go:build js

package policy

// fastField selects the Poseidon2 permutations over fr29: in WebAssembly
// they are 1.5 times faster than over gnark-crypto's fr (poseidon29.go).
const fastField = true
