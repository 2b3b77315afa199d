// Package programcircuit holds the program circuits: one Groth16 circuit
// per template (ThresholdCircuit, MLPCircuit). Each embeds the universal
// policy circuit, so its first 12 public inputs are the policy circuit's,
// followed by the program commitment P, the block B, the oracle address
// and the template's inputs (program.PublicInputNames).
//
// Guarantees: a proof exists only for a transaction that (a) satisfies
// every rule of the committed policy and (b) is exactly the swap the
// committed program computes from the public inputs: `to` is the pool,
// value is 0, and every calldata byte is fixed (selector, token in, amount
// in, minimum out, recipient, zero padding, length 132). Only the nonce,
// the chain id and the fee fields are free, and the policy circuit bounds
// the fee. A program that holds has no proof. The template gadgets are the
// twins of program.Decide; agreement tests run both on thousands of random
// programs and inputs.
//
// Security notes: range checks are plain binary decompositions and the
// division hint is fully constrained (num = q·den + r, 0 ≤ r < den, q
// range-checked), so proofs are standard Groth16 with no BSB22 commitment.
// Every packed parameter limb is range-checked so the packing binds the
// parameters to P. Whoever runs Setup learns the trapdoor: it must run on
// the user's side (DESIGN.md G6).
package programcircuit
