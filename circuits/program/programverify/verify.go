package programverify

import (
	"context"
	"math/big"
	"sync"
	"time"

	"golang.org/x/crypto/sha3"

	"github.com/leash-wallet/leash/circuits/groth16v"
	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/wire"
)

// DefaultMaxBlockAge is how many blocks B may be behind the signer's head:
// a decision is made on the chain as it is now, not as it was.
const DefaultMaxBlockAge = 2

// DefaultMaxInputAge bounds, in seconds, how old the latest oracle answer
// may be at block B when the pin names no MaxInputAge (a pin made before
// the program format committed one): one hour, a common feed heartbeat.
const DefaultMaxInputAge = 3600

// Options tunes Verify. The zero value gives the documented defaults.
type Options struct {
	// MaxSkew bounds |proposal.time − signer's clock|; 0 means
	// verify.DefaultMaxSkew.
	MaxSkew time.Duration
	// MaxBlockAge bounds head − B; 0 means DefaultMaxBlockAge.
	MaxBlockAge uint64
}

// VerifyingKey is a loaded verifying key of one template's circuit, with
// groth16v's precomputation (e(α, β), comb tables, the −γ/−δ lines): the
// same verifier the policy path uses, natively and in WebAssembly.
//
// The key is decoded and checked when loaded; the precomputed tables (most
// of the cost) are made on first use or by Warm, as the policy key's are
// (verify.VerifyingKey), so that opening a signer with pinned programs
// stays fast (the extension worker's cold boot).
type VerifyingKey struct {
	key  *groth16v.VerifyingKey // decoded: canonical points in their groups
	once sync.Once
	fast *groth16v.Verifier // precomputed on first use
	err  error
	tmpl program.Template
	hash wire.Hash32
	raw  []byte
}

// verifier returns the precomputed verifier, making it the first time.
func (k *VerifyingKey) verifier() (*groth16v.Verifier, error) {
	k.once.Do(func() {
		if k.fast, k.err = groth16v.NewVerifier(k.key); k.err != nil {
			k.err = wire.Errorf(wire.Malformed, "program verifying key: %v", k.err)
		}
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

// LoadVerifyingKey decodes a verifying key of template t's circuit
// (gnark's compressed encoding, strictly: exact length for the template's
// number of public inputs, canonical points on their curves and in their
// subgroups, no BSB22 commitments); its verifier's tables wait for the
// first use (Warm).
func LoadVerifyingKey(b []byte, t program.Template) (vkOut *VerifyingKey, err error) {
	defer func() {
		if r := recover(); r != nil {
			vkOut, err = nil, wire.Errorf(wire.Malformed, "program verifying key: undecodable")
		}
	}()
	if _, ok := program.TemplateByName(t.Name); !ok {
		return nil, wire.Errorf(wire.Malformed, "program verifying key: unknown template %q", t.Name)
	}
	if len(b) > verify.MaxVerifyingKeyBytes {
		return nil, wire.Errorf(wire.Malformed, "program verifying key: %d bytes is too large", len(b))
	}
	want := program.NumPublicInputs(t)
	if len(b) != groth16v.VKSize(want) {
		return nil, wire.Errorf(wire.Malformed, "program verifying key: %d bytes; the %s program circuit's key (%d public inputs, no BSB22 commitments) is %d bytes",
			len(b), t.Name, want, groth16v.VKSize(want))
	}
	k := VerifyingKey{tmpl: t, raw: append([]byte(nil), b...)}
	if k.key, err = groth16v.DecodeVerifyingKey(b, want); err != nil {
		return nil, wire.Errorf(wire.Malformed, "program verifying key: %v", err)
	}
	h := sha3.NewLegacyKeccak256()
	h.Write(b)
	copy(k.hash[:], h.Sum(nil))
	return &k, nil
}

// Hash is keccak256 of the key's bytes.
func (k *VerifyingKey) Hash() wire.Hash32 { return k.hash }

// Template is the template the key is for.
func (k *VerifyingKey) Template() program.Template { return k.tmpl }

// Bytes returns the key's encoding.
func (k *VerifyingKey) Bytes() []byte { return append([]byte(nil), k.raw...) }

// Verify checks program proposal p against the pinned policy pol, the
// pinned program pin, the template's key vk, the signer's own state st and
// the signer's own chain reader.
func Verify(ctx context.Context, p *wire.Proposal, pol *policy.Policy, pin *program.Pin, vk *VerifyingKey, st *wire.State, chain program.Chain, opt Options) error {
	claim, err := check(p, pol, pin, vk, st, opt)
	if err != nil {
		return err
	}
	if err := reRead(ctx, chain, pol, claim, pin.MaxInputAge, opt); err != nil {
		return err
	}
	return verifyProof(p, pol, vk, st, claim)
}

// check runs every check that needs no chain access: the commitments, the
// claim's shape, the transaction, the signer's nonce and window spend, the
// time skew and the policy's rules. It returns the claim to re-read, with
// the proposal's inputs as hints.
func check(p *wire.Proposal, pol *policy.Policy, pin *program.Pin, vk *VerifyingKey, st *wire.State, opt Options) (*program.Claim, error) {
	if p == nil || pol == nil || pin == nil || vk == nil || st == nil {
		return nil, wire.Errorf(wire.Malformed, "verify: missing proposal, policy, program pin, key or state")
	}
	if p.Version != wire.ProposalVersion {
		return nil, wire.Errorf(wire.Malformed, "proposal version %d is not supported", p.Version)
	}
	if p.PolicyCommitment != pol.Commitment() {
		return nil, wire.Errorf(wire.UnknownPolicy, "proposal is for policy %s, the pinned policy is %s", p.PolicyCommitment, pol.Commitment())
	}
	if p.Program == nil {
		return nil, wire.Errorf(wire.UnknownPolicy, "proposal carries no program, the signer pinned program %s", pin.Commitment)
	}
	if p.Program.Commitment != pin.Commitment {
		return nil, wire.Errorf(wire.UnknownPolicy, "proposal claims program %s, the pinned program is %s", p.Program.Commitment, pin.Commitment)
	}
	t, ok := program.TemplateByName(pin.Template)
	if !ok || t != vk.tmpl {
		return nil, wire.Errorf(wire.Malformed, "the pinned program's template %q has no matching verifying key (key is for %q)", pin.Template, vk.tmpl.Name)
	}
	if len(p.Program.Inputs) != t.Inputs {
		return nil, wire.Errorf(wire.Malformed, "proposal carries %d inputs, template %s reads %d", len(p.Program.Inputs), t.Name, t.Inputs)
	}
	tx := &p.Tx
	if err := tx.Check(); err != nil {
		return nil, err
	}
	if tx.Nonce != st.Nonce {
		return nil, wire.Errorf(wire.NonceMismatch, "transaction nonce %d, the signer's next nonce is %d", tx.Nonce, st.Nonce)
	}
	if err := verify.CheckSums(p, st); err != nil {
		return nil, err
	}
	if err := verify.CheckTime(p, st, opt.MaxSkew); err != nil {
		return nil, err
	}
	// A program proof may use the policy's programOnly calls.
	if err := pol.CheckProgram(tx, st); err != nil {
		return nil, err
	}
	if err := verify.CheckHint(p, pol, st); err != nil {
		return nil, err
	}
	hints := make([]*big.Int, len(p.Program.Inputs))
	for i := range hints {
		hints[i] = p.Program.Inputs[i].Big()
	}
	return &program.Claim{Commitment: pin.Commitment, Template: t, Oracle: pin.Oracle, MaxInputAge: pin.MaxInputAge,
		Block: uint64(p.Program.Block), Inputs: hints}, nil
}

// reRead checks the claim's block against the signer's head and replaces
// the claim's inputs with what the signer reads at that block from the
// pinned oracle. A difference is input_mismatch; a latest answer older
// than maxInputAge at block B's time is stale_input.
func reRead(ctx context.Context, chain program.Chain, pol *policy.Policy, claim *program.Claim, maxInputAge uint64, opt Options) error {
	if chain == nil {
		return wire.Errorf(program.InputUnavailable, "no chain reader: the signer cannot re-read the program's inputs")
	}
	if opt.MaxBlockAge == 0 {
		opt.MaxBlockAge = DefaultMaxBlockAge
	}
	id, err := chain.ChainID(ctx)
	if err != nil {
		return wire.Errorf(program.InputUnavailable, "read the chain id: %v", err)
	}
	if id != pol.ChainID {
		return wire.Errorf(wire.WrongChain, "the signer's RPC serves chain %d, the policy's chain is %d", id, pol.ChainID)
	}
	head, err := chain.BlockNumber(ctx)
	if err != nil {
		return wire.Errorf(program.InputUnavailable, "read the head block: %v", err)
	}
	switch {
	case claim.Block > head:
		return wire.Errorf(wire.StaleInput, "inputs read at block %d, ahead of the signer's head %d", claim.Block, head)
	case head-claim.Block > opt.MaxBlockAge:
		return wire.Errorf(wire.StaleInput, "inputs read at block %d, %d blocks behind the signer's head %d (limit %d)", claim.Block, head-claim.Block, head, opt.MaxBlockAge)
	}
	rounds, err := program.ReadRounds(ctx, chain, claim.Oracle, claim.Block, claim.Template.Inputs)
	if err != nil {
		return err
	}
	got := make([]*big.Int, len(rounds))
	for i := range rounds {
		got[i] = rounds[i].Answer
		if got[i].Cmp(claim.Inputs[i]) != 0 {
			return wire.Errorf(wire.InputMismatch, "input %d: the proposal says %s, oracle %s at block %d says %s", i, claim.Inputs[i], claim.Oracle, claim.Block, got[i])
		}
	}
	if err := checkAge(ctx, chain, claim, rounds[len(rounds)-1].UpdatedAt, maxInputAge); err != nil {
		return err
	}
	claim.Inputs = got
	return nil
}

// checkAge refuses a latest answer older than maxAge seconds at block B's
// timestamp (stale_input). An answer "updated" after block B cannot come
// from the chain: the RPC is inconsistent (input_unavailable). Older
// rounds a template reads (the MLP's history) are old by design; the
// latest one says whether the feed is alive.
func checkAge(ctx context.Context, chain program.Chain, claim *program.Claim, updatedAt, maxAge uint64) error {
	if maxAge == 0 {
		maxAge = DefaultMaxInputAge
	}
	bt, err := chain.BlockTime(ctx, claim.Block)
	if err != nil {
		return wire.Errorf(program.InputUnavailable, "read block %d's timestamp: %v", claim.Block, err)
	}
	switch {
	case updatedAt > bt:
		return wire.Errorf(program.InputUnavailable, "oracle %s's latest answer at block %d says it was updated at %d, after the block's own time %d", claim.Oracle, claim.Block, updatedAt, bt)
	case bt-updatedAt > maxAge:
		return wire.Errorf(wire.StaleInput, "oracle %s's latest answer at block %d is %d s old (updated at %d, block time %d); the program allows %d s", claim.Oracle, claim.Block, bt-updatedAt, updatedAt, bt, maxAge)
	}
	return nil
}

// verifyProof computes the public inputs from the transaction, the pinned
// commitments, the signer's state and the (re-read) claim, and runs the
// pairing check.
func verifyProof(p *wire.Proposal, pol *policy.Policy, vk *VerifyingKey, st *wire.State, claim *program.Claim) error {
	if n := len(p.Proof); n != groth16v.ProofSize && n != groth16v.ProofSize+groth16v.HintSize {
		return wire.Errorf(wire.Malformed, "proof: %d bytes, want %d (or %d with a residue hint)", n, groth16v.ProofSize, groth16v.ProofSize+groth16v.HintSize)
	}
	pub, err := program.PublicInputs(pol, &p.Tx, st, p.Time, claim)
	if err != nil {
		return err
	}
	fast, err := vk.verifier()
	if err != nil {
		return err
	}
	if n := fast.NbPublic(); len(pub) != n {
		return wire.Errorf(wire.Malformed, "%d public inputs, the key expects %d", len(pub), n)
	}
	// VerifyBytes decodes strictly (subgroup checks included, once) and
	// runs the pairing check.
	err = fast.VerifyBytes(p.Proof, pub)
	switch wire.CodeOf(err) {
	case "":
		return nil
	case wire.ProofInvalid:
		return wire.Errorf(wire.ProofInvalid, "the proof does not verify for this transaction, program, inputs, policy, state and time")
	}
	return err
}

// PublicInputs returns the vector Verify checks the proof against, given
// the inputs the signer itself read (for audits: `leash proposal
// public-inputs` style tooling).
func PublicInputs(p *wire.Proposal, pol *policy.Policy, st *wire.State, claim *program.Claim) ([]*big.Int, error) {
	pub, err := program.PublicInputs(pol, &p.Tx, st, p.Time, claim)
	if err != nil {
		return nil, err
	}
	out := make([]*big.Int, len(pub))
	for i := range pub {
		out[i] = pub[i].BigInt(new(big.Int))
	}
	return out, nil
}

// LoadAnyVerifyingKey loads b as the verifying key of whichever template's
// circuit it fits (each template's key has its own length): for tools that
// are given a key without a program, such as `leash program publish
// --commitment`.
func LoadAnyVerifyingKey(b []byte) (*VerifyingKey, error) {
	for _, t := range program.Templates {
		if len(b) == groth16v.VKSize(program.NumPublicInputs(t)) {
			return LoadVerifyingKey(b, t)
		}
	}
	return nil, wire.Errorf(wire.Malformed, "program verifying key: %d bytes is the key of no template's circuit", len(b))
}
