// Package programverify is the signer's check of program proposals: proofs
// that a transaction is the one a committed program computes from oracle
// inputs on chain, and that it obeys the committed policy. It is pure Go
// (no network code): the chain is read through the small program.Chain
// interface, implemented natively by chain/ethchain and in the
// browser by the WASM core.
//
// Guarantees (DESIGN.md G1, extended to programs): Verify recomputes every
// public input itself: the policy's from the transaction, the pinned
// policy's commitment, the signer's state and the skew-checked time, and the
// program's from the pinned program (commitment and oracle), the block B the
// proposal names, and the inputs it re-reads at B through its own chain
// reader. The inputs the proposal carries are hints: any difference from
// the chain is input_mismatch, and they are never used as public inputs.
// B must be at most Options.MaxBlockAge blocks behind the signer's head
// (default 2, and not ahead of it), and the oracle's latest answer at B
// at most the pin's MaxInputAge seconds old at block B's timestamp
// (updatedAt; DefaultMaxInputAge when the pin names none), or the answer
// is stale_input. Single use of B (program_replay) is the stateful
// signer's part: wasm/signer keeps the last block signed per program.
// An unreachable chain
// is input_unavailable and nothing is signed. A proposal for another program
// (or a policy proposal without a program) is unknown_policy.
//
// LoadVerifyingKey decodes and checks a key strictly (exact length, points
// canonical, on their curves and in their subgroups); the verifier's
// precomputed tables are made on the first verification or by Warm.
//
// Every refusal is a coded *wire.Error; nothing panics on hostile input.
package programverify
