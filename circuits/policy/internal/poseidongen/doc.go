// Package poseidongen holds what policy's two constant generators
// (poseidon2_gen.go, poseidon12_gen.go, `go generate ./circuits/policy`)
// share: the round keys written as fr29.Element literals. Only the
// generators import it, so it never reaches a binary.
package poseidongen
