// Package verbs holds the stateless command verbs that the native CLI
// (cmd/leash) and the WebAssembly driver (node wasm/leash.mjs) share:
// verify, sign, keys address and proposal public-inputs. Each takes the
// bytes of its input files and returns exactly what to print on stdout and
// the exit code, so both builds answer byte for byte alike.
//
// Output contract (issue 2, item 6):
//   - verify: exit 0 {"ok":true}; exit 1 {"ok":false,"code","message"}.
//   - sign: exit 0 {"rawTx":"0x02…","txHash","from"}; a refusal is verify's.
//   - keys address: exit 0 {"address","index","path"}; a bad mnemonic or
//     index prints {"error":{"code","message"}} with exit 2.
//   - proposal public-inputs: exit 0 a JSON array of decimal strings.
//
// Flags are parsed by the callers (exit 2 for usage errors).
//
// Security notes: a mnemonic read for sign or keys address is used once
// and never echoed; error messages name the file, never its content.
package verbs
