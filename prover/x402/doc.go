// Package x402 is the agent host's x402 client: it pays for HTTP
// resources with x402 protocol version 2 (x402Version 2; headers
// PAYMENT-REQUIRED, PAYMENT-SIGNATURE and PAYMENT-RESPONSE carrying
// standard base64 JSON; CAIP-2 networks), `exact` scheme on EVM chains by
// an EIP-3009 TransferWithAuthorization, as the x402 reference packages
// (@x402/core, @x402/evm 2.27.0) define them. docs/x402.md says how the
// pieces fit.
//
// Flow (Client.Fetch): send the request; on 402 decode PAYMENT-REQUIRED;
// pick the first `exact` eip155 EIP-3009 requirement the Limits allow;
// reserve its amount against the asset's budget; build the authorization's
// eth_signTypedData_v4 document (domain name and version from the
// requirement's extra, chainId from the network, verifyingContract = the
// asset; validAfter 0, validBefore now + maxTimeoutSeconds, a random
// 32-byte nonce); have the Signer sign it; check the signature recovers to
// the payer; retry once with PAYMENT-SIGNATURE; decode PAYMENT-RESPONSE.
//
// Guarantees:
//   - Every server document is decoded strictly (wire.DecodeStrict:
//     byte-exact keys, no duplicates, no unknown fields, no nulls) with
//     bounded sizes (MaxHeaderBytes, MaxAccepts, MaxTextBytes,
//     MaxExtraBytes, Config.MaxBodyBytes); a bad one is wire.Malformed.
//     The decoders have fuzz targets.
//   - Refusals come before signing, coded: policy_violation:asset, payee,
//     amount, validity and budget (Limits), x402_unsupported when nothing
//     offered is payable. Nothing is signed and nothing stays reserved.
//   - Budgets are reserved under one lock before signing, so concurrent
//     payments cannot overrun them together; a signed payment stays
//     counted even if the server refuses it (it can still be settled until
//     validBefore by whoever holds it).
//   - One Fetch makes at most one payment; redirects are not followed.
//   - The payment echoes the server's own resource, accepted requirement
//     and extensions bytes, and is serialized as the reference client
//     serializes it (the interop test compares the headers byte for byte).
//
// Security notes: this package runs on the agent host, which the threat
// model assumes compromised, so its limits are a convenience, not the
// leash. The leash is the Signer: once part A of issue 17 lands, the
// leashed signer checks the typed data against the policy's `signatures`
// rules with a proof and its own window before it signs. Until then a
// Signer holding a plain key signs whatever the Limits let through.
package x402
