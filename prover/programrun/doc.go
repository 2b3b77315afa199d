// Package programrun lets the agent-host daemon run a committed strategy
// program (run_program, POST /v1/program-runs): it reads the program's
// oracle inputs at the chain's head, runs the program's native twin to
// decide, and proves the transaction the program computes with the
// program's circuit (prover/programprover). The signer re-reads the same
// inputs at the same block before it signs (input_mismatch otherwise).
//
// It adds no authority: a compromised host can only make the program hold,
// or propose what the program computes from the chain's own answers.
package programrun
