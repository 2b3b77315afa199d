// Package policy is the spending-policy model of Leash: its JSON form, its
// validation, its canonical encoding and the native commitment
// C = Poseidon2(encoded policy, salt) over BN254's scalar field, the Poseidon2
// Merkle trees that hold allowlists, and the native twin of the universal
// policy circuit's rules (Check).
//
// Guarantees:
//   - The same policy gives the same commitment whatever the JSON key order,
//     the order of targets, selectors or recipients, and the letter case of
//     addresses. Cosmetic fields (name, labels) are not committed.
//   - Decode rejects every ambiguous or out-of-range document with a message
//     that names the offending field: duplicate keys or targets, unknown
//     fields, caps that overflow the circuit's ranges, bad selectors,
//     notBefore after notAfter, and so on.
//   - Check and the circuit enforce the same rules; a table test keeps them in
//     agreement.
//
// Security notes: the salt hides the policy behind its commitment (it is
// published on chain); it must be random and kept with the policy. A policy
// document is trusted input from the user, but it is still validated
// strictly because a mistake in it is a mistake in the user's limits.
package policy
