//go:build !js

package policy

// fastField selects gnark-crypto's fr for the Poseidon2 permutations:
// natively its assembly is three times faster than fr29 (poseidon29.go).
const fastField = false
