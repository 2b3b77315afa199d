// Package typedcircuit is the typed-data circuit: a Groth16 proof that an
// EIP-712 struct obeys a signature rule of the committed policy (issue 17).
//
// Guarantees (for any verifier, not only Leash's signer):
//   - The private policy opens the public commitment (the same preimage as
//     the policy circuit), and the rule is a leaf of its signaturesRoot: a
//     policy without signatures (signaturesRoot 0) proves nothing.
//   - The rule's domain is the public chainId and verifyingContract, its
//     name and version (when ruled) and its type hash are those of the
//     public struct digest, and the digest's words obey the rule's word
//     rules with the constraints of the policy circuit
//     (policycircuit.RuledWords: eq, oneOf, max/min, spend, tokenArg).
//   - Every deadline word is below 2^64 and at most time + maxValidity.
//   - The spend words plus the public tokenSpent fit the spend token's
//     committed window; notBefore ≤ time ≤ notAfter.
//   - Every public input is range-checked (chainId and time < 2^64,
//     addresses < 2^160, tokenSpent < 2^128).
//
// No Keccak runs here. The signer computes the public inputs from the
// decoded document (policy.ReadTyped: keccak of the name, version and type,
// the words) and signs the EIP-712 digest of that same document, so what
// is proven is what is signed. Replay (the nonce) is the signer's record.
package typedcircuit
