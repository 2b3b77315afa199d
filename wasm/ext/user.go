package ext

import (
	"context"
	"strings"

	"github.com/leash-wallet/leash/wasm/eip712"
	"github.com/leash-wallet/leash/wasm/ethkey"
	"github.com/leash-wallet/leash/wasm/signer"
	"github.com/leash-wallet/leash/wire"
)

// The user's own signatures for dapps. The display model and the
// signature come from one decoding in the core (signer.TypedData,
// MessageBytes); the signature itself is signer.SignUser: the unlocked key,
// no password, audit-logged as a user signature.

// MaxMessage bounds a personal_sign message.
const MaxMessage = signer.MaxUserMessage

// PersonalHash is the EIP-191 version 0x45 hash of msg.
func PersonalHash(msg []byte) []byte { return signer.PersonalHash(msg) }

// TypedView is an eth_signTypedData request as the approval shows it:
// every field of the domain and of the message (eip712 rows), amounts in
// token units where the token is known, and the contract it is for.
type TypedView struct {
	Kind        string              `json:"kind"` // signer.UserTypedV1, V3, V4
	PrimaryType string              `json:"primaryType,omitempty"`
	Domain      []eip712.Row        `json:"domain"`
	Message     []eip712.Row        `json:"message"`
	Contract    *signer.AddressView `json:"contract,omitempty"`
	Digest      wire.Hash32         `json:"digest"`
	// Tokens are the addresses whose symbol and decimals would show an
	// amount of this document in units (the host reads them once from the
	// chain and asks again with them).
	Tokens   []string         `json:"tokens"`
	Warnings []signer.Warning `json:"warnings"`
	// Refuse is set when Leash will not sign it (another chain).
	Refuse *signer.Problem `json:"refuse,omitempty"`
}

// KnownToken is a token whose symbol and decimals the host read from the
// chain: inspectTypedData's tokens argument is a JSON list of them.
type KnownToken struct {
	Address  wire.Address `json:"address"`
	Symbol   string       `json:"symbol"`
	Decimals uint8        `json:"decimals"`
}

// Warning codes of a typed-data approval.
const (
	WarnTypedLegacy = "typed_legacy" // eth_signTypedData v1: no domain, replayable anywhere
	WarnPermit      = "permit"       // a token permission: someone may spend your tokens
)

// InspectTypedData decodes a typed-data request of kind for the site on
// chainID with the tokens the host knows. A malformed document is an
// error (nothing to show or sign); one for another chain is shown with
// Refuse set.
func InspectTypedData(kind string, doc []byte, chainID uint64, tokens map[wire.Address]eip712.Token) (*TypedView, error) {
	v := &TypedView{Kind: kind, Domain: []eip712.Row{}, Message: []eip712.Row{}, Tokens: []string{}, Warnings: []signer.Warning{}}
	d, td, legacy, err := signer.TypedData(kind, doc, chainID)
	if err != nil && wire.CodeOf(err) == wire.Malformed && strings.Contains(err.Error(), signer.RefuseTypedChain) {
		v.Refuse = &signer.Problem{Code: signer.RefuseTypedChain, Message: wire.MessageOf(err) + ": Leash does not sign it"}
		d, td, legacy, err = signer.TypedData(kind, doc, 0)
	}
	if err != nil {
		return nil, err
	}
	v.Digest = d
	if legacy != nil {
		v.Message = legacy.Rows()
		v.Warnings = append(v.Warnings, signer.Warning{Code: WarnTypedLegacy, Message: "an old-style typed signature (eth_signTypedData v1): it names no site, contract or chain, so whoever gets it can use it anywhere"})
		return v, nil
	}
	v.PrimaryType = td.PrimaryType
	v.Domain, v.Message = td.Rows()
	seen := map[wire.Address]bool{}
	for i := range v.Message {
		if !eip712.AmountRow(v.Message, i) {
			continue
		}
		if a, ok := eip712.TokenOf(v.Message, v.Domain, i); ok && !seen[a] {
			seen[a] = true
			v.Tokens = append(v.Tokens, ethkey.ChecksumHex(a))
		}
	}
	v.Message = eip712.WithUnits(v.Domain, v.Message, tokens)
	for _, r := range v.Domain {
		if r.Path == "verifyingContract" {
			a, _ := wire.ParseAddress(r.Value)
			v.Contract = &signer.AddressView{Address: ethkey.ChecksumHex(a)}
		}
	}
	if strings.Contains(strings.ToLower(td.PrimaryType), "permit") {
		v.Warnings = append(v.Warnings, signer.Warning{Code: WarnPermit, Message: "a permit: signing it lets the spender named below move your tokens without another approval from you"})
	}
	return v, nil
}

// SignMessage signs a personal_sign request from origin after the same
// checks the approval showed (InspectMessage): a sign-in message for
// another site or account is refused here too, whatever the host asks.
func SignMessage(ctx context.Context, s *signer.Signer, param, origin string, account wire.Address, chainID uint64) (*signer.UserSignature, error) {
	v, err := InspectMessage(param, origin, account, chainID)
	if err != nil {
		return nil, err
	}
	if v.Refuse != nil {
		return nil, wire.Errorf(wire.Malformed, "%s: %s", v.Refuse.Code, v.Refuse.Message)
	}
	msg, err := MessageBytes(param)
	if err != nil {
		return nil, err
	}
	return s.SignUser(ctx, signer.UserRequest{Kind: signer.UserMessage, Origin: origin, ChainID: chainID, Doc: msg})
}
