// Package ethchain implements program.Chain over go-ethereum's ethclient
// (package rpcchain's reads, with go-ethereum's JSON-RPC client as transport):
// eth_chainId, eth_blockNumber and eth_call of an AggregatorV3Interface
// oracle's latestRoundData / getRoundData at an explicit block.
//
// Guarantees: every read names its block (never "latest"), so what the
// signer compares is exactly the state at B. A call that reverts, or an
// address without code (an empty return), is reported as
// program.ErrNoRound; anything else that fails is a plain error, which the
// verifier reports as input_unavailable and signs nothing.
//
// Security notes: the RPC endpoint is the signer's own and is trusted to
// serve the canonical chain (DESIGN.md trusts chain consensus, and the
// user's RPC). Return data is decoded strictly: wrong lengths are errors.
package ethchain
