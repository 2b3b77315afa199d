// Package abicall encodes a contract call from a canonical function
// signature and JSON arguments, for agents that should not have to
// ABI-encode calldata by hand: {"function":"transfer(address,uint256)",
// "args":["0x70997970…","1500000"]}.
//
// Supported types: address, bool, string, bytes, bytes1…bytes32,
// uint8…uint256 and int8…int256 (uint and int mean 256 bits), and arrays of
// them (T[] and T[k]). Integers are JSON strings in decimal or 0x-hex (JSON
// numbers are refused: they lose precision above 2^53); byte strings and
// addresses are 0x-hex. Tuples are not supported: encode such calls
// yourself and send data.
//
// Every argument is range-checked against its type; nothing is truncated,
// padded or guessed. What the encoded call may do is still decided by the
// policy (the target and selector allowlists, the ERC-20 rules) and proven.
package abicall
