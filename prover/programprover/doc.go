// Package programprover proves program proposals on the agent host: it runs
// the committed program's native twin on the inputs read at block B, builds
// the one transaction the program determines, pre-checks it against the
// policy, and proves it with the template's circuit.
//
// Guarantees: Prove only ever proves the transaction the program computes
// (unless Request.Tx overrides it for audits, in which case the circuit
// itself refuses anything else). A program that holds yields the coded
// error program.ErrHold (code no_trade) and no proof.
//
// Security notes: the agent host holds the program's private parameters and
// the proving key; it does not hold the setup trapdoor (DESIGN.md G6). A
// compromised host can refuse to propose, but it cannot propose a trade the
// program did not compute from the inputs on chain.
package programprover
