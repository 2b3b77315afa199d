package wire

import (
	"bytes"
	"math/big"
	"sort"
	"strconv"
)

// ProposalVersion is the version of the proposal format this code speaks.
//
// Changelog (docs/protocol.md has the details):
//   - 2: policy v2. The proposal's `spent` becomes `state` {spent, fees,
//     txs, tokenSpent}; the receipt's `spent` becomes `state`.
//   - 1: first version.
const ProposalVersion = 2

// Limits on transaction fields. Fees are bounded to 128 bits so that
// gas × maxFeePerGas fits comfortably in the circuit's field.
const (
	MaxDataBytes = 128 << 10 // Ethereum's own transaction size limit
	MaxFeeBits   = 128
	MaxProofHex  = 4096
)

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

// Limits on the window sums a state or a hint may carry (the ranges the
// policy circuit v2 range-checks its public inputs to).
const (
	MaxSpentBits      = 128 // native value and token sums
	MaxFeesBits       = 192 // the sum of gas × maxFeePerGas
	MaxTxCount        = 1<<32 - 1
	MaxStateTokens    = 64 // token windows in one State document
	maxStateTokenBits = 128
)

// State is the signer's own view, used by `leash verify` and friends and
// computed by the signer core from its ledger: the next nonce, its clock in
// unix seconds, and the sums of its rolling window (policy v2): the native
// value spent, the fees committed (gas × maxFeePerGas of every signed
// transaction), the number of transactions signed, and the amount spent of
// each token with a window. A token absent from Tokens has spent 0.
type State struct {
	Nonce  Uint64       `json:"nonce"`
	Time   uint64       `json:"time"`
	Spent  Quantity     `json:"spent"`
	Fees   Quantity     `json:"fees"`
	Txs    uint64       `json:"txs"`
	Tokens []TokenSpent `json:"tokens"`
}

// TokenSpent is one token window's sum.
type TokenSpent struct {
	Token Address  `json:"token"`
	Spent Quantity `json:"spent"`
}

type stateJSON struct {
	Nonce  *Uint64       `json:"nonce"`
	Time   *uint64       `json:"time"`
	Spent  *Quantity     `json:"spent"`
	Fees   *Quantity     `json:"fees"`
	Txs    *uint64       `json:"txs"`
	Tokens *[]TokenSpent `json:"tokens,omitempty"`
}

func (s State) MarshalJSON() ([]byte, error) {
	tokens := s.Tokens
	if tokens == nil {
		tokens = []TokenSpent{}
	}
	return jsonMarshal(stateJSON{Nonce: &s.Nonce, Time: &s.Time, Spent: &s.Spent, Fees: &s.Fees, Txs: &s.Txs, Tokens: &tokens})
}

func (s *State) UnmarshalJSON(b []byte) error {
	var j stateJSON
	if err := decodeInner(b, &j); err != nil {
		return err
	}
	if j.Nonce == nil || j.Spent == nil || j.Time == nil || j.Fees == nil || j.Txs == nil {
		return Errorf(Malformed, "nonce, time, spent, fees and txs are all required (tokens is optional)")
	}
	st := State{Nonce: *j.Nonce, Time: *j.Time, Spent: *j.Spent, Fees: *j.Fees, Txs: *j.Txs}
	if j.Tokens != nil {
		st.Tokens = *j.Tokens
	}
	if err := st.Check(); err != nil {
		return err
	}
	*s = st
	return nil
}

// Check enforces the ranges of a state: the sums fit the policy circuit's
// public inputs, at most MaxStateTokens tokens, each listed once.
func (s *State) Check() error {
	switch {
	case s.Spent.BitLen() > MaxSpentBits:
		return Errorf(Malformed, "spent exceeds %d bits", MaxSpentBits)
	case s.Fees.BitLen() > MaxFeesBits:
		return Errorf(Malformed, "fees exceed %d bits", MaxFeesBits)
	case s.Txs > MaxTxCount:
		return Errorf(Malformed, "txs exceeds 2^32 - 1")
	case len(s.Tokens) > MaxStateTokens:
		return Errorf(Malformed, "%d token windows, the limit is %d", len(s.Tokens), MaxStateTokens)
	}
	seen := make(map[Address]bool, len(s.Tokens))
	for i, t := range s.Tokens {
		if seen[t.Token] {
			return Errorf(Malformed, "tokens[%d]: %s is listed twice", i, t.Token.Hex())
		}
		seen[t.Token] = true
		if t.Spent.BitLen() > maxStateTokenBits {
			return Errorf(Malformed, "tokens[%d]: spent exceeds %d bits", i, maxStateTokenBits)
		}
	}
	return nil
}

// TokenSpent returns the window sum of token (0 when it is not listed).
func (s *State) TokenSpent(token Address) *big.Int {
	for i := range s.Tokens {
		if s.Tokens[i].Token == token {
			return s.Tokens[i].Spent.Big()
		}
	}
	return new(big.Int)
}

// Clone returns a deep copy of s.
func (s *State) Clone() *State {
	c := *s
	c.Spent, c.Fees = NewQuantity(&s.Spent.Int), NewQuantity(&s.Fees.Int)
	c.Tokens = make([]TokenSpent, len(s.Tokens))
	for i, t := range s.Tokens {
		c.Tokens[i] = TokenSpent{Token: t.Token, Spent: NewQuantity(&t.Spent.Int)}
	}
	return &c
}

// SetTokenSpent sets the window sum of token, keeping Tokens sorted by
// address and leaving out zero sums.
func (s *State) SetTokenSpent(token Address, v *big.Int) {
	out := s.Tokens[:0:0]
	for _, t := range s.Tokens {
		if t.Token != token {
			out = append(out, t)
		}
	}
	if v.Sign() != 0 {
		out = append(out, TokenSpent{Token: token, Spent: NewQuantity(v)})
	}
	sort.Slice(out, func(i, j int) bool { return bytes.Compare(out[i].Token[:], out[j].Token[:]) < 0 })
	s.Tokens = out
}

// Hint is the window state a proposal was proven against, as the proposal
// states it (`state`): hints that help the prover, never public inputs. The
// signer compares each with its own and answers stale_state on any
// difference. TokenSpent is the window sum of the token the transaction
// spends (0 when it spends none).
type Hint struct {
	Spent      Quantity `json:"spent"`
	Fees       Quantity `json:"fees"`
	Txs        uint64   `json:"txs"`
	TokenSpent Quantity `json:"tokenSpent"`
}

type hintJSON struct {
	Spent      *Quantity `json:"spent"`
	Fees       *Quantity `json:"fees"`
	Txs        *uint64   `json:"txs"`
	TokenSpent *Quantity `json:"tokenSpent"`
}

func (h *Hint) UnmarshalJSON(b []byte) error {
	var j hintJSON
	if err := decodeInner(b, &j); err != nil {
		return err
	}
	switch {
	case j.Spent == nil || j.Fees == nil || j.Txs == nil || j.TokenSpent == nil:
		return Errorf(Malformed, "spent, fees, txs and tokenSpent are all required")
	case j.Spent.BitLen() > MaxSpentBits:
		return Errorf(Malformed, "spent exceeds %d bits", MaxSpentBits)
	case j.Fees.BitLen() > MaxFeesBits:
		return Errorf(Malformed, "fees exceed %d bits", MaxFeesBits)
	case *j.Txs > MaxTxCount:
		return Errorf(Malformed, "txs exceeds 2^32 - 1")
	case j.TokenSpent.BitLen() > maxStateTokenBits:
		return Errorf(Malformed, "tokenSpent exceeds %d bits", maxStateTokenBits)
	}
	*h = Hint{Spent: *j.Spent, Fees: *j.Fees, Txs: *j.Txs, TokenSpent: *j.TokenSpent}
	return nil
}

// Equal reports whether two hints state the same sums.
func (h *Hint) Equal(o *Hint) bool {
	return h.Spent.Cmp(&o.Spent.Int) == 0 && h.Fees.Cmp(&o.Fees.Int) == 0 && h.Txs == o.Txs &&
		h.TokenSpent.Cmp(&o.TokenSpent.Int) == 0
}

// Diff names the first sum in which h differs from o, for stale_state
// messages ("" when equal).
func (h *Hint) Diff(o *Hint) string {
	switch {
	case h.Spent.Cmp(&o.Spent.Int) != 0:
		return "spent " + h.Spent.String() + ", the signer's is " + o.Spent.String()
	case h.Fees.Cmp(&o.Fees.Int) != 0:
		return "fees " + h.Fees.String() + ", the signer's are " + o.Fees.String()
	case h.Txs != o.Txs:
		return "txs " + strconv.FormatUint(h.Txs, 10) + ", the signer's are " + strconv.FormatUint(o.Txs, 10)
	case h.TokenSpent.Cmp(&o.TokenSpent.Int) != 0:
		return "tokenSpent " + h.TokenSpent.String() + ", the signer's is " + o.TokenSpent.String()
	}
	return ""
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
// commitment it claims, the time and window state it was proven against
// (hints, never used as public inputs) and a Groth16 proof in gnark's
// compressed encoding.
type Proposal struct {
	Version          int    `json:"version"`
	ID               string `json:"id"`
	Tx               Tx     `json:"tx"`
	PolicyCommitment Hash32 `json:"policyCommitment"`
	Time             uint64 `json:"time"`
	State            Hint   `json:"state"`
	Proof            Bytes  `json:"proof"`
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
	State            *Hint         `json:"state"`
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
	return j.build(p)
}

// build checks a decoded proposal and sets p.
func (j *proposalJSON) build(p *Proposal) error {
	switch {
	case j.Version == nil || j.ID == nil || j.Tx == nil || j.PolicyCommitment == nil || j.Time == nil || j.State == nil || j.Proof == nil:
		return Errorf(Malformed, "proposal: version, id, tx, policyCommitment, time, state and proof are all required")
	case *j.Version != ProposalVersion:
		return Errorf(Malformed, "proposal: version %d is not supported (want %d)", *j.Version, ProposalVersion)
	case !ValidID(*j.ID):
		return Errorf(Malformed, "proposal: id must be 1-64 characters of [A-Za-z0-9_.:-]")
	case len(*j.Proof)*2 > MaxProofHex:
		return Errorf(Malformed, "proposal: proof is %d bytes, far too long", len(*j.Proof))
	case j.Program != nil && len(j.Program.Inputs) > MaxProgramInputs:
		return Errorf(Malformed, "proposal: %d program inputs, the limit is %d", len(j.Program.Inputs), MaxProgramInputs)
	}
	*p = Proposal{Version: *j.Version, ID: *j.ID, Tx: *j.Tx, PolicyCommitment: *j.PolicyCommitment,
		Time: *j.Time, State: *j.State, Proof: *j.Proof, Program: j.Program}
	return nil
}

// DecodeProposal strictly decodes a proposal document.
//
// It decodes the document once: strictly into the wire form, then the
// same checks as UnmarshalJSON (which a json.Unmarshal into Proposal runs,
// checking the document's shape a second time).
func DecodeProposal(data []byte) (*Proposal, error) {
	var j proposalJSON
	if err := DecodeStrict(data, &j, "proposal"); err != nil {
		return nil, err
	}
	var p Proposal
	if err := j.build(&p); err != nil {
		return nil, Errorf(CodeOf(err), "proposal: %s", MessageOf(err))
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

// Receipt is the signer's answer to a proposal. For stale_state and
// nonce_mismatch it carries the signer's current nonce and window state
// (for the proposal's spend token) so the prover can re-prove.
type Receipt struct {
	ID      string  `json:"id"`
	Status  string  `json:"status"`
	Code    Code    `json:"code,omitempty"`
	Message string  `json:"message,omitempty"`
	TxHash  *Hash32 `json:"txHash,omitempty"`
	RawTx   Bytes   `json:"rawTx,omitempty"`
	Nonce   *Uint64 `json:"nonce,omitempty"`
	State   *Hint   `json:"state,omitempty"`
	// Digest and Signature answer a signed signature proposal: the EIP-712
	// digest signed and the 65-byte signature r ‖ s ‖ v (v = 27 or 28).
	Digest    *Hash32 `json:"digest,omitempty"`
	Signature Bytes   `json:"signature,omitempty"`
}
