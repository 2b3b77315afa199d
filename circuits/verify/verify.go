package verify

import (
	"math/big"
	"sync"
	"time"

	"golang.org/x/crypto/sha3"

	"github.com/leash-wallet/leash/circuits/groth16v"
	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/wire"
)

// DefaultMaxSkew is how far a proposal's time may be from the signer's clock.
const DefaultMaxSkew = 2 * time.Minute

// Options tunes Verify. The zero value gives the documented defaults.
type Options struct {
	// MaxSkew bounds |proposal.time − signer's clock|; 0 means DefaultMaxSkew.
	MaxSkew time.Duration
}

// VerifyingKey is a loaded verifying key of the policy circuit.
//
// The key is decoded and checked when loaded; the verifier's precomputed
// tables (e(α,β), comb tables, −γ/−δ lines: most of the cost) are made on
// first use or by Warm, so that opening a signer with a pinned key stays
// fast (the extension worker's cold boot).
type VerifyingKey struct {
	key  *groth16v.VerifyingKey // decoded: canonical points in their groups
	once sync.Once
	fast *groth16v.Verifier // precomputed on first use
	err  error
	hash wire.Hash32
	raw  []byte
}

// verifier returns the precomputed verifier, making it the first time.
func (k *VerifyingKey) verifier() (*groth16v.Verifier, error) {
	k.once.Do(func() {
		k.fast, k.err = groth16v.NewVerifier(k.key)
		k.key = nil
	})
	return k.fast, k.err
}

// Warm makes the precomputed tables now (idempotent, safe for concurrent
// use) instead of on the first verification.
func (k *VerifyingKey) Warm() error {
	_, err := k.verifier()
	return err
}

// MaxVerifyingKeyBytes bounds a verifying key file.
const MaxVerifyingKeyBytes = 64 << 10

// LoadVerifyingKey decodes a verifying key (gnark's compressed encoding, as
// its vk.WriteTo writes it: groth16v.DecodeVerifyingKey), with subgroup
// checks, and refuses a key for a different circuit or with BSB22
// commitments.
func LoadVerifyingKey(b []byte) (*VerifyingKey, error) { return loadKey(b, policy.NumPublicInputs) }

// loadKey decodes a verifying key for a circuit with n public inputs.
func loadKey(b []byte, n int) (vkOut *VerifyingKey, err error) {
	defer func() {
		if r := recover(); r != nil {
			vkOut, err = nil, wire.Errorf(wire.Malformed, "verifying key: undecodable")
		}
	}()
	if len(b) > MaxVerifyingKeyBytes {
		return nil, wire.Errorf(wire.Malformed, "verifying key: %d bytes is too large", len(b))
	}
	var k VerifyingKey
	// Decodes strictly (the policy circuit's number of public inputs, exact
	// length, canonical compressed points on the curve and in their
	// subgroups, no commitments); the precomputation waits for the first
	// use (Warm). Errors are wire.Malformed.
	if k.key, err = groth16v.DecodeVerifyingKey(b, n); err != nil {
		return nil, err
	}
	k.raw = append([]byte(nil), b...)
	h := sha3.NewLegacyKeccak256()
	h.Write(b)
	copy(k.hash[:], h.Sum(nil))
	return &k, nil
}

// Hash is keccak256 of the verifying key's bytes: the vkHash published in
// the on-chain registry beside the commitment.
func (k *VerifyingKey) Hash() wire.Hash32 { return k.hash }

// Bytes returns the key's encoding.
func (k *VerifyingKey) Bytes() []byte { return append([]byte(nil), k.raw...) }

// Verify checks proposal p against the pinned policy pol and key vk, with
// the signer's own state st (its next nonce, its window sums and its clock).
func Verify(p *wire.Proposal, pol *policy.Policy, vk *VerifyingKey, st *wire.State, opt Options) error {
	if p == nil || pol == nil || vk == nil || st == nil {
		return wire.Errorf(wire.Malformed, "verify: missing proposal, policy, key or state")
	}
	if p.Version != wire.ProposalVersion {
		return wire.Errorf(wire.Malformed, "proposal version %d is not supported", p.Version)
	}
	if p.PolicyCommitment != pol.Commitment() {
		return wire.Errorf(wire.UnknownPolicy, "proposal is for policy %s, the pinned policy is %s", p.PolicyCommitment, pol.Commitment())
	}
	if p.Program != nil {
		return wire.Errorf(wire.UnknownPolicy, "proposal claims program %s, but this verifier checks policy proofs only", p.Program.Commitment)
	}
	tx := &p.Tx
	if err := tx.Check(); err != nil {
		return err
	}
	if tx.Nonce != st.Nonce {
		return wire.Errorf(wire.NonceMismatch, "transaction nonce %d, the signer's next nonce is %d", tx.Nonce, st.Nonce)
	}
	if err := CheckSums(p, st); err != nil {
		return err
	}
	if err := CheckTime(p, st, opt.MaxSkew); err != nil {
		return err
	}
	if err := pol.Check(tx, st); err != nil {
		return err
	}
	if err := CheckHint(p, pol, st); err != nil {
		return err
	}
	pub, err := pol.PublicInputs(tx, st, p.Time)
	if err != nil {
		return err
	}
	return verifyBytes(vk, p.Proof, pub)
}

// CheckSums compares the value, fee and count sums the proposal says it was
// proven against with the signer's own: a difference is stale_state, so the
// prover re-proves with the state the receipt carries. Hints are never used
// as public inputs.
func CheckSums(p *wire.Proposal, st *wire.State) error {
	sums := wire.Hint{Spent: st.Spent, Fees: st.Fees, Txs: st.Txs, TokenSpent: p.State.TokenSpent}
	if !p.State.Equal(&sums) {
		return wire.Errorf(wire.StaleState, "proven against window state with %s", p.State.Diff(&sums))
	}
	return nil
}

// CheckHint compares the whole window state the proposal says it was
// proven against with the signer's own, including the sum of the token the
// transaction spends (which needs the call, so it comes after the policy
// check): any difference is stale_state.
func CheckHint(p *wire.Proposal, pol *policy.Policy, st *wire.State) error {
	want := pol.Hint(&p.Tx, st)
	if !p.State.Equal(&want) {
		return wire.Errorf(wire.StaleState, "proven against window state with %s", p.State.Diff(&want))
	}
	return nil
}

// CheckTime accepts the proposal's time only within maxSkew of the
// signer's clock (0 means DefaultMaxSkew): stale_time otherwise.
func CheckTime(p *wire.Proposal, st *wire.State, maxSkew time.Duration) error {
	return checkTime(p.Time, st, maxSkew)
}

func checkTime(t uint64, st *wire.State, maxSkew time.Duration) error {
	if maxSkew == 0 {
		maxSkew = DefaultMaxSkew
	}
	skew := int64(maxSkew / time.Second)
	if d := int64(t) - int64(st.Time); t > 1<<62 || d > skew || d < -skew {
		return wire.Errorf(wire.StaleTime, "proposal time %d is %ds from the signer's clock %d (limit %ds)", t, d, st.Time, skew)
	}
	return nil
}

// PublicInputs returns the public-input vector Verify computes for p, given
// the signer's state: the commitment of pol, the transaction's fields, the
// signer's window sums and the proposal's (skew-checked) time.
func PublicInputs(p *wire.Proposal, pol *policy.Policy, st *wire.State) ([]*big.Int, error) {
	if p.PolicyCommitment != pol.Commitment() {
		return nil, wire.Errorf(wire.UnknownPolicy, "proposal is for policy %s, the pinned policy is %s", p.PolicyCommitment, pol.Commitment())
	}
	pub, err := pol.PublicInputs(&p.Tx, st, p.Time)
	if err != nil {
		return nil, err
	}
	out := make([]*big.Int, len(pub))
	for i := range pub {
		out[i] = pub[i].BigInt(new(big.Int))
	}
	return out, nil
}
