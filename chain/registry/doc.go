// Package registry is a small client of the on-chain PolicyRegistry (v2)
// over JSON-RPC (ethclient): publish a policy commitment with its vk hash,
// publish program commitments with their template keys' hashes, look
// entries up, revoke them, list their events, and check them against what
// a signer pinned.
//
//	tx, err := registry.Publish(ctx, rpcURL, registryAddr, key, commitment, vkHash)
//	tx, err = registry.PublishProgram(ctx, rpcURL, registryAddr, key, program, vkHash)
//	e, err := registry.Lookup(ctx, rpcURL, registryAddr, account) // {Commitment, VKHash, Revoked}
//	err = e.Check(pinned, pinnedVK) // nil, wire.ErrRevoked or wire.ErrUnknownPolicy
//	pe, err := client.LookupProgram(ctx, account, program)    // {VKHash, Revoked}
//	err = pe.Check(program, pinnedProgramVK)
//
// The entry types and their decoders are package chain/rpcchain's, which
// the signer core uses to read the same views without go-ethereum.
//
// What it guarantees:
//   - Publish, PublishProgram, Revoke and RevokeProgram return only once
//     the transaction is mined with status 1 (or ctx ends); they return its
//     hash. A zero commitment or vk hash is refused (wire.Malformed), and
//     revoking with nothing live returns ErrNothingToRevoke, both before
//     anything is sent.
//   - Lookup and LookupProgram report a revoked entry as Revoked (no
//     error); Check maps it to wire.ErrRevoked, the kill switch. No entry,
//     or another commitment or vk hash, is wire.ErrUnknownPolicy.
//   - An endpoint that cannot be reached gives ErrUnreachable; an answer
//     that is not a registry answer gives ErrBadAnswer or ErrNoContract;
//     nothing from the RPC can make it panic (DecodeEvent here, the entry
//     decoders in rpcchain, are fuzzed).
//
// Security notes: an answer is exactly as trustworthy as the RPC that
// serves it; the signer core cross-checks its registry reads on a second
// RPC when the user configures one, and refuses to sign on any error
// (fail closed). Only the account's own key changes its entries; the key
// signs one transaction and is not kept.
package registry
