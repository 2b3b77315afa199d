// Package registry is a small client of the on-chain PolicyRegistry over
// JSON-RPC (ethclient): publish a policy commitment with its vk hash,
// look an account's entry up, revoke it, list its events, and check it
// against what a signer pinned.
//
//	tx, err := registry.Publish(ctx, rpcURL, registryAddr, key, commitment, vkHash)
//	e, err := registry.Lookup(ctx, rpcURL, registryAddr, account) // {Commitment, VKHash, Revoked}
//	err = e.Check(pinned, pinnedVK) // nil, wire.ErrRevoked or wire.ErrUnknownPolicy
//
// What it guarantees:
//   - Publish and Revoke return only once the transaction is mined with
//     status 1 (or ctx ends); they return its hash. Publish refuses a zero
//     commitment (wire.Malformed) and Revoke with nothing live returns
//     ErrNothingToRevoke, both before anything is sent.
//   - Lookup reports a revoked entry as Revoked (no error); Check maps it to
//     wire.ErrRevoked, the kill switch. No entry, or another commitment or
//     vk hash, is wire.ErrUnknownPolicy.
//   - An endpoint that cannot be reached gives ErrUnreachable; an answer
//     that is not a registry answer gives ErrBadAnswer or ErrNoContract;
//     nothing from the RPC can make it panic (DecodeEntry and DecodeEvent
//     are fuzzed).
//
// Security notes: the answer is exactly as trustworthy as the RPC that
// serves it: a signer must use an RPC it trusts, and should refuse to sign
// on any error here (fail closed). Only the account's own key changes its
// entry; the key is used to sign one transaction and is not kept.
package registry
