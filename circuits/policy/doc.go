// Package policy is the spending-policy model of Leash (format v2): its JSON
// form, its validation and lint, its canonical encoding and the native
// commitment C = H(encoded policy, salt) over BN254's scalar field, the
// Poseidon2 hashes (our own permutations: width 12 for the sponge H, width
// 2 for Merkle nodes; over gnark-crypto's fr natively and over the 29-bit
// limbs of internal/fr29 in WebAssembly, both tested equal to gnark-crypto's
// permutations), the Merkle trees that hold targets, calls, address sets
// and token windows, an ABI layout parser that puts every argument rule at
// its canonical calldata word, and the native twin of the universal policy
// circuit's rules (Check, Match, PublicInputs).
//
// Guarantees:
//   - The same policy gives the same commitment whatever the JSON key order,
//     the order of targets, calls or set members, the letter case of
//     addresses and the unit an amount is written in. Cosmetic fields (name,
//     labels, symbols, acknowledgements) are not committed.
//   - Decode rejects every ambiguous or out-of-range document, listing every
//     problem with the field it is in: duplicate keys, targets or calls,
//     unknown or missing fields, a rule on a non-existent argument or of the
//     wrong type, values that do not fit their word, spends toward a token
//     without a window, capacities and ranges the circuit does not hold.
//   - Check and the circuit enforce the same rules; a table test keeps them in
//     agreement on every accept and reject. Match names the call that allows a
//     transaction, its spend token and amount, for the prover, the signer and
//     the display.
//
// Security notes: the salt hides the policy behind its commitment (it is
// published on chain); it must be random and kept with the policy. A policy
// document is trusted input from the user, but it is validated strictly
// because a mistake in it is a mistake in the user's limits, and linted
// (Lint) for rules that leave a path around the leash: an address a
// compromised agent chooses, nested calls, unruled transferFrom-like calls.
package policy
