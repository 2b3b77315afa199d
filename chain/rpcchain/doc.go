// Package rpcchain implements program.Chain over any Ethereum JSON-RPC
// transport: eth_chainId, eth_blockNumber and eth_call of an
// AggregatorV3Interface oracle's latestRoundData / getRoundData at an
// explicit block. It is pure Go (encoding/json only): the native signer
// plugs in go-ethereum's RPC client (package ethchain), the WASM core a
// JavaScript function (the extension's fetch to the user's RPC URL).
//
// # Guarantees
//
//   - Every eth_call names its block as a hex quantity, never "latest": what
//     the signer compares is exactly the state at B.
//   - A call that reverts (JSON-RPC error code 3, or "execution reverted"),
//     or an address without code (an empty return), is program.ErrNoRound;
//     any other failure (transport, timeout, a malformed answer) is a plain
//     error, which the verifier reports as input_unavailable and signs
//     nothing.
//   - Answers are decoded strictly: a result that is not a canonical hex
//     quantity or hex data, return data of the wrong length, a roundId
//     beyond uint80 or an updatedAt beyond uint64 is an error. An answer is
//     at most MaxResultBytes.
//   - The chain id is cached after its first successful read (it cannot
//     change under a signer; a node that changed it would be refused by
//     the chain-id check on every later proposal anyway).
//
// # Security notes
//
// The RPC endpoint is the signer's own and is trusted to serve the
// canonical chain (DESIGN.md trusts chain consensus and the user's RPC);
// the agent host never chooses it.
package rpcchain
