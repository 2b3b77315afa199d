package wire

import (
	"math/big"
)

// ProposalVersion is the version of the proposal format this code speaks.
const ProposalVersion = 1

// Limits on transaction fields. Fees are bounded to 128 bits so that
// gas × maxFeePerGas fits comfortably in the circuit's field.
const (
	MaxDataBytes = 128 << 10 // Ethereum's own transaction size limit
	MaxFeeBits   = 128
	MaxProofHex  = 4096
)

var one = big.NewInt(1)

// Tx is an EIP-1559 (type 2) transaction in the form of eth_sendTransaction's
// parameter object, with hex quantities. The access list is always empty.
type Tx struct {
	ChainID              Uint64
	Nonce                Uint64
	To                   Address
	Value                Quantity
	Data                 Bytes
	Gas                  Uint64
	MaxFeePerGas         Quantity
	MaxPriorityFeePerGas Quantity
	From                 *Address // optional; checked against the signer's account when present
}

// txJSON mirrors Tx with pointers so that missing fields are detected.
type txJSON struct {
	From                 *Address  `json:"from,omitempty"`
	Type                 *Uint64   `json:"type,omitempty"`
	ChainID              *Uint64   `json:"chainId"`
	Nonce                *Uint64   `json:"nonce"`
	To                   *Address  `json:"to"`
	Value                *Quantity `json:"value"`
	Data                 *Bytes    `json:"data,omitempty"`
	Input                *Bytes    `json:"input,omitempty"`
	Gas                  *Uint64   `json:"gas"`
	MaxFeePerGas         *Quantity `json:"maxFeePerGas"`
	MaxPriorityFeePerGas *Quantity `json:"maxPriorityFeePerGas"`
	AccessList           *[]any    `json:"accessList,omitempty"`
}

func (t Tx) MarshalJSON() ([]byte, error) {
	data := t.Data
	if data == nil {
		data = Bytes{}
	}
	typ := Uint64(2)
	return jsonMarshal(txJSON{
		From: t.From, Type: &typ, ChainID: &t.ChainID, Nonce: &t.Nonce, To: &t.To, Value: &t.Value,
		Data: &data, Gas: &t.Gas, MaxFeePerGas: &t.MaxFeePerGas, MaxPriorityFeePerGas: &t.MaxPriorityFeePerGas,
	})
}

func (t *Tx) UnmarshalJSON(b []byte) error {
	var j txJSON
	if err := decodeInner(b, &j); err != nil {
		return err
	}
	return t.fromJSON(&j)
}

func (t *Tx) fromJSON(j *txJSON) error {
	missing := func(name string) error { return Errorf(Malformed, "transaction: missing field %q", name) }
	switch {
	case j.ChainID == nil:
		return missing("chainId")
	case j.Nonce == nil:
		return missing("nonce")
	case j.To == nil:
		return Errorf(Malformed, "transaction: missing field \"to\" (contract creation is not supported)")
	case j.Gas == nil:
		return missing("gas")
	case j.MaxFeePerGas == nil:
		return missing("maxFeePerGas")
	case j.MaxPriorityFeePerGas == nil:
		return missing("maxPriorityFeePerGas")
	}
	if j.Type != nil && *j.Type != 2 {
		return Errorf(Malformed, "transaction: type %d is not supported, only EIP-1559 (0x2)", *j.Type)
	}
	if j.AccessList != nil && len(*j.AccessList) != 0 {
		return Errorf(Malformed, "transaction: a non-empty accessList is not supported")
	}
	var data Bytes
	switch {
	case j.Data != nil && j.Input != nil && string(*j.Data) != string(*j.Input):
		return Errorf(Malformed, "transaction: \"data\" and \"input\" differ")
	case j.Data != nil:
		data = *j.Data
	case j.Input != nil:
		data = *j.Input
	}
	*t = Tx{ChainID: *j.ChainID, Nonce: *j.Nonce, To: *j.To, Data: data, Gas: *j.Gas, From: j.From}
	if j.Value != nil {
		t.Value = *j.Value
	}
	t.MaxFeePerGas = *j.MaxFeePerGas
	t.MaxPriorityFeePerGas = *j.MaxPriorityFeePerGas
	return t.Check()
}

// Check enforces the structural limits every transaction must meet before any
// policy is consulted.
func (t *Tx) Check() error {
	switch {
	case t.ChainID == 0:
		return Errorf(Malformed, "transaction: chainId must not be zero")
	case len(t.Data) > MaxDataBytes:
		return Errorf(Malformed, "transaction: calldata is %d bytes, the limit is %d", len(t.Data), MaxDataBytes)
	case t.MaxFeePerGas.BitLen() > MaxFeeBits:
		return Errorf(Malformed, "transaction: maxFeePerGas exceeds %d bits", MaxFeeBits)
	case t.MaxPriorityFeePerGas.BitLen() > MaxFeeBits:
		return Errorf(Malformed, "transaction: maxPriorityFeePerGas exceeds %d bits", MaxFeeBits)
	case t.MaxPriorityFeePerGas.Cmp(&t.MaxFeePerGas.Int) > 0:
		return Errorf(Malformed, "transaction: maxPriorityFeePerGas is above maxFeePerGas")
	case t.Gas == 0:
		return Errorf(Malformed, "transaction: gas must not be zero")
	}
	return nil
}

// DecodeUserTx strictly decodes a transaction the user sends themselves
// (a dapp's eth_sendTransaction, filled in by the extension): as DecodeTx,
// except that a missing "to" is a contract creation (create is true, To is
// the zero address and the init code in Data must not be empty). Agent
// proposals never go through it: their transactions always name "to".
func DecodeUserTx(data []byte) (tx *Tx, create bool, err error) {
	var j txJSON
	if err := DecodeStrict(data, &j, "transaction"); err != nil {
		return nil, false, err
	}
	if j.To == nil {
		create = true
		j.To = &Address{}
	}
	var t Tx
	if err := t.fromJSON(&j); err != nil {
		return nil, false, err
	}
	if create && len(t.Data) == 0 {
		return nil, false, Errorf(Malformed, "transaction: a contract creation needs init code in \"data\"")
	}
	return &t, create, nil
}

// DecodeTx strictly decodes a transaction document.
func DecodeTx(data []byte) (*Tx, error) {
	var t Tx
	if err := DecodeStrict(data, &t, "transaction"); err != nil {
		return nil, err
	}
	return &t, nil
}

// State is the signer's own view, used by `leash verify` and friends:
// the next nonce, the native value spent in the current window, and the
// signer's clock in unix seconds.
type State struct {
	Nonce Uint64   `json:"nonce"`
	Spent Quantity `json:"spent"`
	Time  uint64   `json:"time"`
}

type stateJSON struct {
	Nonce *Uint64   `json:"nonce"`
	Spent *Quantity `json:"spent"`
	Time  *uint64   `json:"time"`
}

func (s *State) UnmarshalJSON(b []byte) error {
	var j stateJSON
	if err := decodeInner(b, &j); err != nil {
		return err
	}
	if j.Nonce == nil || j.Spent == nil || j.Time == nil {
		return Errorf(Malformed, "state: nonce, spent and time are all required")
	}
	if j.Spent.BitLen() > 128 {
		return Errorf(Malformed, "state: spent exceeds 128 bits")
	}
	*s = State{Nonce: *j.Nonce, Spent: *j.Spent, Time: *j.Time}
	return nil
}

// DecodeState strictly decodes a signer state document.
func DecodeState(data []byte) (*State, error) {
	var s State
	if err := DecodeStrict(data, &s, "state"); err != nil {
		return nil, err
	}
	return &s, nil
}

// Proposal is what the agent host sends the signer: a transaction, the policy
// commitment it claims, the time and window spend it was proven against
// (hints, never used as public inputs unchecked) and a Groth16 proof in
// gnark's compressed encoding.
type Proposal struct {
	Version          int      `json:"version"`
	ID               string   `json:"id"`
	Tx               Tx       `json:"tx"`
	PolicyCommitment Hash32   `json:"policyCommitment"`
	Time             uint64   `json:"time"`
	Spent            Quantity `json:"spent"`
	Proof            Bytes    `json:"proof"`
	// Program is set for program proofs: the committed program and the
	// authenticated inputs it read. The signer re-reads the inputs itself.
	Program *ProgramClaim `json:"program,omitempty"`
}

// ProgramClaim names the committed program a program proof is for, the block
// its inputs were read at, and those inputs (hints: the signer re-reads them
// on chain and refuses with input_mismatch when they differ).
type ProgramClaim struct {
	Commitment Hash32     `json:"commitment"`
	Block      Uint64     `json:"block"`
	Inputs     []Quantity `json:"inputs"`
}

// MaxProgramInputs bounds ProgramClaim.Inputs.
const MaxProgramInputs = 64

type proposalJSON struct {
	Version          *int          `json:"version"`
	ID               *string       `json:"id"`
	Tx               *Tx           `json:"tx"`
	PolicyCommitment *Hash32       `json:"policyCommitment"`
	Time             *uint64       `json:"time"`
	Spent            *Quantity     `json:"spent"`
	Proof            *Bytes        `json:"proof"`
	Program          *ProgramClaim `json:"program,omitempty"`
}

// maxIDLen is the longest acceptable proposal or message id, in bytes.
const maxIDLen = 64

// ValidID reports whether s is an acceptable proposal or message id: 1 to
// maxIDLen characters from A–Z, a–z, 0–9 and "_.:-" (the language of
// ^[A-Za-z0-9_.:-]{1,64}$; TestValidIDMatchesPattern keeps them equal). It
// is written by hand rather than as a package-level regexp so that nothing
// is compiled when the package starts (the WASM signer's cold start).
func ValidID(s string) bool {
	if len(s) == 0 || len(s) > maxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '_', c == '.', c == ':', c == '-':
		default:
			return false
		}
	}
	return true
}

func (p *Proposal) UnmarshalJSON(b []byte) error {
	var j proposalJSON
	if err := decodeInner(b, &j); err != nil {
		return err
	}
	switch {
	case j.Version == nil || j.ID == nil || j.Tx == nil || j.PolicyCommitment == nil || j.Time == nil || j.Spent == nil || j.Proof == nil:
		return Errorf(Malformed, "proposal: version, id, tx, policyCommitment, time, spent and proof are all required")
	case *j.Version != ProposalVersion:
		return Errorf(Malformed, "proposal: version %d is not supported (want %d)", *j.Version, ProposalVersion)
	case !ValidID(*j.ID):
		return Errorf(Malformed, "proposal: id must be 1-64 characters of [A-Za-z0-9_.:-]")
	case j.Spent.BitLen() > 128:
		return Errorf(Malformed, "proposal: spent exceeds 128 bits")
	case len(*j.Proof)*2 > MaxProofHex:
		return Errorf(Malformed, "proposal: proof is %d bytes, far too long", len(*j.Proof))
	case j.Program != nil && len(j.Program.Inputs) > MaxProgramInputs:
		return Errorf(Malformed, "proposal: %d program inputs, the limit is %d", len(j.Program.Inputs), MaxProgramInputs)
	}
	*p = Proposal{Version: *j.Version, ID: *j.ID, Tx: *j.Tx, PolicyCommitment: *j.PolicyCommitment,
		Time: *j.Time, Spent: *j.Spent, Proof: *j.Proof, Program: j.Program}
	return nil
}

// DecodeProposal strictly decodes a proposal document.
func DecodeProposal(data []byte) (*Proposal, error) {
	var p Proposal
	if err := DecodeStrict(data, &p, "proposal"); err != nil {
		return nil, err
	}
	return &p, nil
}

// Receipt statuses.
const (
	StatusSigned   = "signed"
	StatusMined    = "mined"
	StatusRejected = "rejected"
	StatusPending  = "pending" // waiting for the user (locked vault, supervised mode)
)

// Receipt is the signer's answer to a proposal. For stale_state it carries
// the signer's current nonce and window spend so the prover can re-prove.
type Receipt struct {
	ID      string    `json:"id"`
	Status  string    `json:"status"`
	Code    Code      `json:"code,omitempty"`
	Message string    `json:"message,omitempty"`
	TxHash  *Hash32   `json:"txHash,omitempty"`
	RawTx   Bytes     `json:"rawTx,omitempty"`
	Nonce   *Uint64   `json:"nonce,omitempty"`
	Spent   *Quantity `json:"spent,omitempty"`
}
