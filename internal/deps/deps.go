//go:build tools

// Package deps pins the modules the project is built from, so that
// `go mod tidy` keeps them while pieces that import them are in progress.
package deps

import (
	_ "github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	_ "github.com/consensys/gnark/backend/groth16/bn254"
	_ "github.com/consensys/gnark/frontend/cs/r1cs"
	_ "github.com/consensys/gnark/std/permutation/poseidon2"
	_ "github.com/ethereum/go-ethereum/core/types"
	_ "github.com/ethereum/go-ethereum/eth/catalyst"
	_ "github.com/gorilla/websocket"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/tyler-smith/go-bip39"
	_ "go.etcd.io/bbolt"
	_ "golang.org/x/crypto/chacha20poly1305"
)
