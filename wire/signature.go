package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
)

// SigProposal asks the signer for an EIP-712 signature (issue 17): the
// typed-data document (eth_signTypedData_v4 form), the policy it was proven
// under, the time and token-window sum it was proven against, and the
// typed-data circuit's proof. The signer reads every public input from the
// document itself and signs the digest of that same document.
type SigProposal struct {
	Version          int             `json:"version"`
	ID               string          `json:"id"`
	TypedData        json.RawMessage `json:"typedData"`
	PolicyCommitment Hash32          `json:"policyCommitment"`
	Time             uint64          `json:"time"`
	TokenSpent       Quantity        `json:"tokenSpent"` // the spend token's window sum proven against (0 when none)
	Proof            Bytes           `json:"proof"`
}

// MaxTypedDataBytes bounds a proposal's typed-data document.
const MaxTypedDataBytes = 64 << 10

type sigProposalJSON struct {
	Version          *int            `json:"version"`
	ID               *string         `json:"id"`
	TypedData        json.RawMessage `json:"typedData"`
	PolicyCommitment *Hash32         `json:"policyCommitment"`
	Time             *uint64         `json:"time"`
	TokenSpent       *Quantity       `json:"tokenSpent"`
	Proof            *Bytes          `json:"proof"`
}

func (p *SigProposal) UnmarshalJSON(b []byte) error {
	var j sigProposalJSON
	if err := decodeInner(b, &j); err != nil {
		return err
	}
	return j.build(p)
}

// build checks a decoded signature proposal and sets p.
func (j *sigProposalJSON) build(p *SigProposal) error {
	td := bytes.TrimSpace(j.TypedData)
	switch {
	case j.Version == nil || j.ID == nil || td == nil || j.PolicyCommitment == nil || j.Time == nil || j.TokenSpent == nil || j.Proof == nil:
		return Errorf(Malformed, "signature proposal: version, id, typedData, policyCommitment, time, tokenSpent and proof are all required")
	case *j.Version != ProposalVersion:
		return Errorf(Malformed, "signature proposal: version %d is not supported (want %d)", *j.Version, ProposalVersion)
	case !ValidID(*j.ID):
		return Errorf(Malformed, "signature proposal: id must be 1-64 characters of [A-Za-z0-9_.:-]")
	case len(td) == 0 || td[0] != '{':
		return Errorf(Malformed, "signature proposal: typedData must be a JSON object")
	case len(td) > MaxTypedDataBytes:
		return Errorf(Malformed, "signature proposal: typedData is %d bytes, the limit is %d", len(td), MaxTypedDataBytes)
	case len(*j.Proof)*2 > MaxProofHex:
		return Errorf(Malformed, "signature proposal: proof is %d bytes, far too long", len(*j.Proof))
	case j.TokenSpent.BitLen() > MaxSpentBits:
		return Errorf(Malformed, "signature proposal: tokenSpent is out of range")
	}
	*p = SigProposal{Version: *j.Version, ID: *j.ID, TypedData: append(json.RawMessage(nil), td...), PolicyCommitment: *j.PolicyCommitment,
		Time: *j.Time, TokenSpent: *j.TokenSpent, Proof: *j.Proof}
	return nil
}

// DecodeSigProposal strictly decodes a signature proposal.
//
// It walks the document once (decodeMembers: the rules of DecodeStrict,
// with the shape of the wire form), decoding each member as the walk
// passes it, then runs the same checks as UnmarshalJSON (which a
// json.Unmarshal into SigProposal runs, through encoding/json and a
// second walk). FuzzDecodeSigProposal and FuzzDecodersAgree check that
// both give the same verdict, code and value.
func DecodeSigProposal(data []byte) (*SigProposal, error) {
	var j sigProposalJSON
	if err := decodeMembers(data, sigProposalType, "signature proposal", j.set); err != nil {
		return nil, err
	}
	var p SigProposal
	if err := j.build(&p); err != nil {
		return nil, Errorf(CodeOf(err), "signature proposal: %s", MessageOf(err))
	}
	return &p, nil
}

var sigProposalType = reflect.TypeFor[sigProposalJSON]()

// set decodes one member into its field as encoding/json's decode into
// sigProposalJSON does (the walk admitted only its keys, each once, and
// no null).
func (j *sigProposalJSON) set(key string, raw []byte) error {
	switch key {
	case "version":
		j.Version = new(int)
		return json.Unmarshal(raw, j.Version)
	case "id":
		s, err := jsonString(raw)
		j.ID = &s
		return err
	case "typedData":
		j.TypedData = raw // build copies it
		return nil
	case "policyCommitment":
		j.PolicyCommitment = new(Hash32)
		return j.PolicyCommitment.UnmarshalJSON(raw)
	case "time":
		j.Time = new(uint64)
		return json.Unmarshal(raw, j.Time)
	case "tokenSpent":
		j.TokenSpent = new(Quantity)
		return j.TokenSpent.UnmarshalJSON(raw)
	case "proof":
		j.Proof = new(Bytes)
		return j.Proof.UnmarshalJSON(raw)
	}
	return fmt.Errorf("internal: no field %q", key)
}

// IsSigProposal reports whether a proposal document is a signature
// proposal: it is JSON and an object with a top-level typedData key. It
// only routes: the chosen decoder is strict and refuses the other kind's
// fields. It gives the answer json.Unmarshal into a map gave before, for
// every input (FuzzRouteAgrees), with one syntax pass and no allocation:
// a document that is not JSON goes to the transaction decoder, which
// refuses it as malformed.
func IsSigProposal(data []byte) bool {
	s := scanner{data: data}
	if s.peek() != '{' {
		return false
	}
	s.pos++
	found := false
	if s.peek() == '}' {
		s.pos++
		return s.end() == nil && found
	}
	for {
		s.ws()
		raw, plain, err := s.str()
		if err != nil {
			return false
		}
		if string(decoded(raw, plain)) == "typedData" {
			found = true
		}
		if s.expect(':', "want :") != nil || s.skip(1) != nil {
			return false
		}
		switch s.peek() {
		case ',':
			s.pos++
			continue
		case '}':
			s.pos++
			return s.end() == nil && found
		}
		return false
	}
}
