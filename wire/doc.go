// Package wire holds the documents the agent host, the relay and the
// signer exchange (transactions, proposals, signature proposals, states,
// receipts), their strict decoders and the stable error codes.
//
// Guarantees:
//   - Every document decodes through DecodeStrict's rules (json.go): at
//     most MaxDocumentBytes, UTF-8, no escaped lone surrogate, keys
//     byte-equal to a field's JSON name, no key twice at any depth, no
//     unknown field, no null for a field, no trailing data, at most
//     MaxDepth levels. A refusal is a coded error (Malformed), never a
//     panic; every decoder has a native fuzz target.
//   - The rules are checked by a byte scanner (scan.go) in one pass.
//     DecodeTree and DecodeSigProposal decode in that same pass; the
//     others then decode with encoding/json. The old decoders are kept in
//     export_test.go, and FuzzDecodersAgree and TestDecodersAgreeOnCorpus
//     check that old and new give the same verdict, code and value on
//     the repository's JSON documents, every member replaced by null or a
//     value of another kind, and mutations.
//   - IsSigProposal routes a proposal by its top-level typedData key with
//     the answer json.Unmarshal gave for every input; a document that is
//     not JSON goes to the transaction decoder, which refuses it as
//     Malformed.
package wire
