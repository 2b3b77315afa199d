package signer

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/leash-wallet/leash/wasm/audit"
	"github.com/leash-wallet/leash/wasm/eip712"
	"github.com/leash-wallet/leash/wasm/ethkey"
	"github.com/leash-wallet/leash/wire"
)

// The user's own signatures: what a dapp asks for and the user approved
// by hand in the extension (eth_sendTransaction, personal_sign,
// eth_signTypedData_v4/v3/v1). They are not agent proposals: no proof, no
// policy, no ledger window; they are signed with the unlocked key, audit-
// logged as user signatures, and reachable only through the approver's
// user face (never through the relay). Agent typed-data proposals, when
// they come, keep their own verify-then-sign path; the typed-data decoding
// and its display rows are shared (package eip712).

// Kinds of a UserRequest.
const (
	UserTransaction  = "transaction"
	UserMessage      = "message"        // personal_sign (EIP-191 version 0x45)
	UserTypedV1      = "typed_data_v1"  // eth_signTypedData (legacy)
	UserTypedV3      = "typed_data_v3"  // eth_signTypedData_v3
	UserTypedV4      = "typed_data_v4"  // eth_signTypedData_v4
	KindUserSig      = "user_signature" // the audit entry's kind
	MaxUserMessage   = 64 << 10         // personal_sign bytes
	RefuseTypedChain = "typed_chain"    // typed data for another chain than the site's
)

// UserRequest is one signature the user approved.
type UserRequest struct {
	Kind string
	// Origin is the requesting site (for the audit log only).
	Origin string
	// ChainID is the chain the site is on: a transaction or typed data
	// naming another chain is refused (0: not checked).
	ChainID uint64
	// Doc is the document as the approval showed it: the transaction
	// (JSON; a missing "to" is a contract creation), the message's bytes,
	// or the typed data (JSON).
	Doc []byte
}

// UserSignature is the result: a signed transaction, or a 65-byte
// signature r‖s‖v with v in {27, 28}.
type UserSignature struct {
	*Signed
	Signature wire.Bytes  `json:"signature,omitempty"`
	Digest    wire.Hash32 `json:"digest"` // the hash that was signed
	Create    bool        `json:"create,omitempty"`
}

// PersonalHash is the EIP-191 version 0x45 hash of msg.
func PersonalHash(msg []byte) []byte {
	return ethkey.Keccak256([]byte("\x19Ethereum Signed Message:\n"+strconv.Itoa(len(msg))), msg)
}

// TypedData decodes a typed-data document of kind (UserTypedV1, V3, V4)
// strictly, checks that its domain names chainID when it names a chain
// (0: not checked), and returns its hash. The display model and the
// signature both come from this one decoding.
func TypedData(kind string, doc []byte, chainID uint64) (digest wire.Hash32, td *eip712.TypedData, legacy *eip712.Legacy, err error) {
	switch kind {
	case UserTypedV1:
		legacy, err = eip712.DecodeLegacy(doc)
		if err != nil {
			return digest, nil, nil, err
		}
		return legacy.Hash(), nil, legacy, nil
	case UserTypedV3, UserTypedV4:
		v := eip712.V4
		if kind == UserTypedV3 {
			v = eip712.V3
		}
		td, err = eip712.Decode(doc, v)
		if err != nil {
			return digest, nil, nil, err
		}
		if c, ok := td.Domain["chainId"]; ok && chainID != 0 {
			n, err := eip712.Integer(c)
			if err != nil || !n.IsUint64() || n.Uint64() != chainID {
				return digest, nil, nil, wire.Errorf(wire.Malformed, "%s: the typed data is for chain %v, the site is on chain %d", RefuseTypedChain, c, chainID)
			}
		}
		return td.Hash(), td, nil, nil
	}
	return digest, nil, nil, wire.Errorf(wire.Malformed, "unknown typed-data kind %q", kind)
}

// SignUser signs what the user approved, with the unlocked key (locked:
// the request fails with locked and nothing is signed), and records it in
// the audit log as a user signature (never as a mnemonic export: no
// password is asked for). The transaction's nonce is the caller's (the
// chain's pending count); the agent's ledger is not touched here.
func (s *Signer) SignUser(ctx context.Context, r UserRequest) (*UserSignature, error) {
	out := &UserSignature{}
	var tx *wire.Tx
	var what string
	switch r.Kind {
	case UserTransaction:
		t, create, err := wire.DecodeUserTx(r.Doc)
		if err != nil {
			return nil, err
		}
		if r.ChainID != 0 && uint64(t.ChainID) != r.ChainID {
			return nil, wire.Errorf(wire.Malformed, "the transaction is for chain %d, the site is on chain %d", t.ChainID, r.ChainID)
		}
		tx, out.Create = t, create
		what = "transaction"
		if create {
			what = "contract creation"
		}
	case UserMessage:
		if len(r.Doc) > MaxUserMessage {
			return nil, wire.Errorf(wire.Malformed, "message of %d bytes exceeds %d", len(r.Doc), MaxUserMessage)
		}
		copy(out.Digest[:], PersonalHash(r.Doc))
		what = "message"
	case UserTypedV1, UserTypedV3, UserTypedV4:
		d, td, _, err := TypedData(r.Kind, r.Doc, r.ChainID)
		if err != nil {
			return nil, err
		}
		out.Digest = d
		what = "typed data (" + r.Kind[len("typed_data_"):] + ")"
		if td != nil {
			what += " " + td.PrimaryType
		}
	default:
		return nil, wire.Errorf(wire.Malformed, "unknown user signature kind %q", r.Kind)
	}
	v, err := s.currentVault()
	if err != nil {
		return nil, err
	}
	s.signMu.Lock()
	err = v.WithKey(s.cfg.Account, func(k *ecdsa.PrivateKey) error {
		if tx != nil {
			signed, err := signTx(k, tx, out.Create)
			if err != nil {
				return err
			}
			out.Signed, out.Digest = signed, signed.TxHash
			return nil
		}
		sig, err := ethkey.Sign(out.Digest[:], k)
		if err != nil {
			return wire.Errorf(wire.Internal, "sign: %v", err)
		}
		sig[64] += 27
		out.Signature = sig
		return nil
	})
	s.signMu.Unlock()
	if err != nil {
		return nil, err
	}
	e := audit.Entry{Kind: KindUserSig, Decision: audit.Signed, Message: fmt.Sprintf("%s signed by you for %s", what, r.Origin)}
	if tx != nil {
		h, val, n := out.Signed.TxHash, tx.Value, tx.Nonce
		e.TxHash, e.Value, e.Nonce = &h, &val, &n
		if !out.Create {
			to := tx.To
			e.To = &to
		}
	} else {
		e.ID = out.Digest.Hex()
	}
	s.record(ctx, e)
	return out, nil
}

// MarshalJSON flattens the signed transaction's fields into the result.
func (u UserSignature) MarshalJSON() ([]byte, error) {
	m := map[string]any{"digest": u.Digest}
	if u.Signed != nil {
		m["rawTx"], m["txHash"], m["from"] = u.Signed.RawTx, u.Signed.TxHash, u.Signed.From
	}
	if u.Signature != nil {
		m["signature"] = u.Signature
	}
	if u.Create {
		m["create"] = true
	}
	return json.Marshal(m)
}
