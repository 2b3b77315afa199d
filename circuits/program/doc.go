// Package program is the model of committed agent programs: a template (a
// deterministic trading strategy or a small quantized model) plus its private
// parameters or weights, committed as P = Poseidon2(encoded program, salt).
// It holds the JSON program file, its strict validation, the canonical
// encoding and commitment, the native twin of every template (Decide), the
// swap transaction a decision turns into (BuildTx), and the reading of the
// authenticated inputs (the last N oracle answers as of block B) through a
// small Chain interface.
//
// Guarantees:
//   - Decode rejects every ambiguous or out-of-range program with a Malformed
//     error naming the field: parameters that overflow the fixed-point ranges
//     of templates.go, unknown fields, duplicate keys, a template without its
//     parameters or with another template's.
//   - Decide is the native twin of the template circuits in
//     circuits/program/programcircuit: for every program that Decode accepts
//     and every input vector that CheckInputs accepts, the circuit computes
//     the same action, amount and minimum output (agreement tests run both on
//     thousands of random inputs). All arithmetic is on integers with the
//     exact rounding the circuit uses (floor division, arithmetic right
//     shift of non-negative values only).
//   - The transaction is determined: BuildTx derives `to`, value and calldata
//     from the decision alone; the only free fields are the nonce, the chain
//     id and the fee fields, which the policy circuit bounds.
//
// Security notes: the salt hides the parameters behind P (P is pinned by the
// signer and may be published); it must be random and kept with the program.
// The oracle, pool, tokens and recipient are part of P, so a host cannot
// redirect the trade; the oracle is also a public input so the signer knows
// which contract to re-read. What is proven is the decision step only: it is
// exactly as good as the committed parameters.
package program
