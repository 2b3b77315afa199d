// Package prover builds witnesses for the universal policy circuit, proves
// them with Groth16 and assembles proposals. It runs on the agent host,
// which is untrusted: nothing here is a security boundary. The pre-check is a
// convenience (a fast, named refusal); soundness comes from the circuit and
// the signer's own verification.
package prover
