// Package verify is the one implementation of proposal verification. The
// native CLI, the agent-host's self-check and the WASM signer core all call
// Verify.
//
// Guarantees (DESIGN.md G1): Verify recomputes every public input itself,
// from the transaction, the commitment of the policy it is given, the
// signer's own state (nonce, window spend) and the signer's own clock. It
// never takes a public input from the proposal. The proposal's time is
// accepted only within MaxSkew of the signer's clock, and the policy's rules
// are also checked natively against the signer's clock, as defense in depth.
//
// Every refusal is a coded *wire.Error: malformed, unknown_policy,
// nonce_mismatch, stale_state, stale_time, policy_violation:<rule> or
// proof_invalid. Nothing panics on hostile input.
package verify
