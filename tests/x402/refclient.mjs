// The x402 reference client (@x402/core x402Client + x402HTTPClient with
// @x402/evm's ExactEvmScheme and a viem account), used by the Go interop
// tests as the yardstick for the Leash client's payment header.
//
// Reads one JSON object on stdin:
//   {"paymentRequired": "<PAYMENT-REQUIRED header>", "privateKey": "0x…",
//    "nonce": "0x<64 hex>", "nowMs": <Date.now() to use>}
// and prints one JSON object:
//   {"header": "<PAYMENT-SIGNATURE header>", "payload": <its decoded JSON>}
// The reference client draws its EIP-3009 nonce from crypto.getRandomValues
// and its validBefore from Date.now(); both are pinned to the given values
// here so that the result is reproducible (ECDSA signing in viem is
// deterministic, RFC 6979).
import { x402Client } from "@x402/core/client";
import { x402HTTPClient } from "@x402/core/http";
import { ExactEvmScheme } from "@x402/evm/exact/client";
import { privateKeyToAccount } from "viem/accounts";

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const nonce = Buffer.from(input.nonce.replace(/^0x/, ""), "hex");
if (nonce.length !== 32) throw new Error("nonce must be 32 bytes");
globalThis.crypto.getRandomValues = (arr) => {
  if (arr.length !== 32) throw new Error(`unexpected getRandomValues(${arr.length})`);
  arr.set(nonce);
  return arr;
};
Date.now = () => input.nowMs;

const account = privateKeyToAccount(input.privateKey);
const client = new x402HTTPClient(
  x402Client.fromConfig({
    schemes: [{ network: "eip155:*", client: new ExactEvmScheme(account) }],
    spendControls: false, // the Go side applies its own limits
  }),
);
const paymentRequired = client.getPaymentRequiredResponse((name) =>
  name.toUpperCase() === "PAYMENT-REQUIRED" ? input.paymentRequired : null,
);
const payload = await client.createPaymentPayload(paymentRequired);
const headers = client.encodePaymentSignatureHeader(payload);
console.log(JSON.stringify({ header: headers["PAYMENT-SIGNATURE"], payload }));
