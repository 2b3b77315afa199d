// ethers v6 recovers the signer of an EIP-712 signature: the Go interop
// test checks that what Leash signs is what an independent EIP-712
// implementation verifies. Reads {"typedData": <eth_signTypedData_v4
// document>, "signature": "0x…"} on stdin, prints {"address": "0x…"}.
import { verifyTypedData } from "ethers";

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const { typedData, signature } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const types = { ...typedData.types };
delete types.EIP712Domain; // ethers derives the domain type from the domain itself
const address = verifyTypedData(typedData.domain, types, typedData.message, signature);
console.log(JSON.stringify({ address }));
