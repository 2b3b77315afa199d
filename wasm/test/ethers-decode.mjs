// Decodes signed raw transactions with an independent library (ethers v6)
// and prints the fields as JSON, one object per argument. Used by the Go
// tests in wasm/signer and wasm/wasmtest.
//
//   node wasm/test/ethers-decode.mjs 0x02f8... [0x02f8...]
import { Transaction } from "ethers";

const hex = (v) => "0x" + BigInt(v).toString(16);
const out = process.argv.slice(2).map((raw) => {
  const tx = Transaction.from(raw);
  return {
    type: tx.type,
    chainId: hex(tx.chainId),
    nonce: hex(tx.nonce),
    to: tx.to,
    value: hex(tx.value),
    data: tx.data,
    gas: hex(tx.gasLimit),
    maxFeePerGas: hex(tx.maxFeePerGas),
    maxPriorityFeePerGas: hex(tx.maxPriorityFeePerGas),
    accessList: tx.accessList,
    from: tx.from,
    hash: tx.hash,
    signatureValid: tx.isSigned(),
  };
});
process.stdout.write(JSON.stringify(out) + "\n");
