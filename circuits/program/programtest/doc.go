// Package programtest provides shared test fixtures for program proofs: the
// example programs and policy, Groth16 setups of the template circuits
// cached across the test processes of a run, and FakeChain, a hand-written
// in-memory oracle history. It is for tests only.
//
// Security notes: none; test code only. FakeChain is a fake, not a mock:
// it keeps a real history of rounds per block.
package programtest
