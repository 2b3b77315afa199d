// Package rpcchain is the chain reads a signer relies on, over any
// Ethereum JSON-RPC transport: the chain id, the head, block timestamps,
// the account's pending nonce, the PolicyRegistry's views (an account's
// policy entry and one program's entry), and an AggregatorV3Interface
// oracle's latestRoundData / getRoundData at an explicit block (so a Chain
// is a program.Chain). It is pure Go (encoding/json only): the native
// signer plugs in go-ethereum's RPC client (package ethchain), the WASM
// core a JavaScript function (the extension's fetch to the user's RPC URL).
//
// # Guarantees
//
//   - One layer for every read (read, in agree.go): a Chain made with more
//     than one endpoint (the user's second RPC) sends each request to all
//     of them at once and returns an answer only when every endpoint's
//     decoded answer is the same; otherwise, after AgreeRetries more tries
//     (two honest nodes can be a block apart for a moment), the read fails
//     with ErrDisagree. An endpoint that fails fails the read; the other's
//     answer is never used alone.
//   - Every oracle eth_call names its block as a hex quantity, never
//     "latest": what the signer compares is exactly the state at B.
//   - A call that reverts (JSON-RPC error code 3, or "execution reverted"),
//     or an address without code (an empty return), is program.ErrNoRound
//     for an oracle; for the registry it is ErrBadAnswer or ErrNoContract.
//     Any other failure (transport, timeout, a malformed answer) is a plain
//     error, which the signer reports as input_unavailable (or, for the
//     registry, unknown_policy) and signs nothing.
//   - Answers are decoded strictly: a result that is not a canonical hex
//     quantity or hex data, return data of the wrong length, a bool word
//     other than 0 or 1, a roundId beyond uint80 or an updatedAt beyond
//     uint64, a block that is not the one asked for, or a block object with
//     a duplicated key or without its number or timestamp is an error. An
//     answer is at most MaxResultBytes. DecodeHeader, DecodePolicyEntry,
//     DecodeProgramEntry and DecodeRound are fuzzed.
//   - Nothing is cached: the endpoint behind a Call can change (the user
//     edits the RPC setting), so the chain id is read again each time.
//
// # Security notes
//
// The RPC endpoint is the signer's own (the agent host never chooses it),
// but it is not trusted blindly (DESIGN.md: "bound what it can move,
// cross-check what the signer relies on"): a second endpoint makes one
// lying RPC unable to pass an oracle answer, a registry entry, a head or a
// nonce on its own. The checks on what a read may move (the nonce step,
// the chain id against the pinned policy) are the signer's
// (package wasm/signer).
package rpcchain
