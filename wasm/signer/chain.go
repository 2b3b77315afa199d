package signer

import (
	"context"
	"errors"
	"sync"

	"github.com/leash-wallet/leash/chain/rpcchain"
	"github.com/leash-wallet/leash/circuits/program/programverify"
	"github.com/leash-wallet/leash/wire"
)

// ChainOptions are how the signer reads the chain: the user's settings,
// never the agent's. Configure replaces them at run time.
type ChainOptions struct {
	// RPC is one JSON-RPC request to the user's own endpoint: natively
	// ethchain.Transport, in the browser the host's rpc function. Every
	// read the signer relies on goes through it: program inputs, the
	// registry, the nonce. Without it, program proposals are refused
	// (input_unavailable), and so is every proposal while a Registry is set
	// (the registry cannot be read: unknown_policy).
	RPC rpcchain.Call
	// SecondRPC, when set, is a second endpoint: every read goes to both
	// and is used only when both answer the same (rpcchain's agreement
	// layer); otherwise nothing is signed (input_unavailable).
	SecondRPC rpcchain.Call
	// Registry is the PolicyRegistry's address. When set, before every
	// signature the policy entry of the vault's account must be the pinned
	// commitment and key hash, not revoked. Programs need it: a program is
	// pinned, and its proposals signed, only while it is published there
	// with the pinned key's hash and not revoked. Zero: no on-chain check
	// of the policy, and no program can be pinned or used.
	Registry wire.Address
	// MaxBlockAge bounds how many blocks a program proposal's inputs may be
	// behind the head; zero → programverify.DefaultMaxBlockAge (2).
	MaxBlockAge uint64
}

// Configure replaces the chain options (the extension calls it when the
// user saves settings). An RPC is not contacted here: CheckRPC is the
// check to run when the user enters one, and every use checks again.
func (s *Signer) Configure(opts ChainOptions) {
	s.chainMu.Lock()
	s.cfg.ChainOptions = opts
	s.chainMu.Unlock()
}

// ChainOptions returns the chain options in use.
func (s *Signer) ChainOptions() ChainOptions {
	s.chainMu.Lock()
	defer s.chainMu.Unlock()
	return s.cfg.ChainOptions
}

// reader is the chain as the signer reads it now (nil without an RPC):
// both endpoints when a second one is set.
func (s *Signer) reader() (*rpcchain.Chain, ChainOptions) {
	o := s.ChainOptions()
	if o.RPC == nil {
		return nil, o
	}
	return rpcchain.New(o.RPC, o.SecondRPC), o
}

// CheckRPC reads eth_chainId through call (an endpoint the user is about
// to save) and compares it with the pinned policy's chain: a mismatch is
// wrong_chain, an endpoint that does not answer input_unavailable. With no
// policy pinned yet it only reads the id.
func (s *Signer) CheckRPC(ctx context.Context, call rpcchain.Call) (uint64, error) {
	if call == nil {
		return 0, wire.Errorf(wire.Malformed, "no rpc to check")
	}
	id, err := rpcchain.New(call).ChainID(ctx)
	if err != nil {
		return 0, wire.Errorf(wire.InputUnavailable, "the RPC does not answer eth_chainId: %v", err)
	}
	pn, err := s.currentPins()
	if err != nil {
		return id, err
	}
	if pn != nil && id != pn.policy.ChainID {
		return id, wire.Errorf(wire.WrongChain, "the RPC serves chain %d; the pinned policy is for chain %d", id, pn.policy.ChainID)
	}
	return id, nil
}

// checkChainID is the check before every use: the endpoints serve the
// pinned policy's chain. what names the read it guards, for the message;
// unreadable is the code when the id cannot be read.
func checkChainID(ctx context.Context, r *rpcchain.Chain, want uint64, unreadable wire.Code, what string) error {
	id, err := r.ChainID(ctx)
	if err != nil {
		return readError(err, unreadable, "cannot read the chain id before "+what)
	}
	if id != want {
		return wire.Errorf(wire.WrongChain, "the RPC serves chain %d; the pinned policy is for chain %d (nothing is read from it)", id, want)
	}
	return nil
}

// readError codes a failed chain read: endpoints that disagree are
// input_unavailable, anything else gets code, the message saying what.
func readError(err error, code wire.Code, what string) error {
	if errors.Is(err, rpcchain.ErrDisagree) {
		return wire.Errorf(wire.InputUnavailable, "%s: %v; nothing is signed", what, err)
	}
	return wire.Errorf(code, "%s: %v; nothing is signed", what, err)
}

// beforeSign is the last check before a verified proposal is reserved and
// signed, for every signer (native, WASM, extension): with a registry
// configured, the policy entry of the account must be the pinned
// commitment and key, live; for a program proposal the program must be
// published with the pinned key's hash and live, and its decision's block
// B newer than the last it signed (program_replay). decide calls the
// returned finish once, with whether it signed: after a signature it
// moves the nonce anchor (see SyncNonce); without one it gives B back.
func (s *Signer) beforeSign(ctx context.Context, p *wire.Proposal, pn *pins, account wire.Address) (finish func(signed bool), err error) {
	release, err := s.checkOnChain(ctx, p, pn, account)
	if err != nil {
		return nil, err
	}
	nonce := uint64(p.Tx.Nonce)
	return func(signed bool) {
		switch {
		case signed:
			s.anchorNonce(ctx, nonce+1)
		case release != nil:
			release()
		}
	}, nil
}

// checkOnChain is beforeSign's chain part; release undoes the use of B
// (nil for a policy proposal).
func (s *Signer) checkOnChain(ctx context.Context, p *wire.Proposal, pn *pins, account wire.Address) (release func(), err error) {
	r, o := s.reader()
	var pp *Program
	if p.Program != nil {
		s.mu.Lock()
		pp = s.programs[p.Program.Commitment]
		s.mu.Unlock()
		if pp == nil {
			return nil, wire.Errorf(wire.UnknownPolicy, "proposal claims program %s, which is not pinned", p.Program.Commitment)
		}
		if o.Registry == (wire.Address{}) {
			return nil, wire.Errorf(wire.UnknownPolicy, "no registry is configured: program %s cannot be checked as published on chain", p.Program.Commitment)
		}
	}
	if o.Registry == (wire.Address{}) {
		return nil, nil // a policy proposal, and no registry to check
	}
	if r == nil {
		return nil, wire.Errorf(wire.UnknownPolicy, "no RPC is configured: the on-chain registry cannot be read; nothing is signed")
	}
	var entry func() error // the program's own entry, read beside the policy's
	if pp != nil {
		entry = func() error {
			return s.checkProgramEntry(ctx, r, o.Registry, account, pp.pin.Commitment, pp.vk.Hash())
		}
	}
	if err := checkRegistry(ctx, r, o.Registry, pn, account, entry); err != nil {
		return nil, err
	}
	if pp == nil {
		return nil, nil
	}
	return s.useBlock(ctx, pp.pin.Commitment, uint64(p.Program.Block))
}

// beforeSignature is beforeSign for a typed-data proposal, for every
// signer (native, WASM, extension): with a registry configured, the policy
// entry of the account must be the pinned commitment and policy key, live
// (revoking it stops signatures too, not only transactions), and the
// typed-data key entry (rpcchain.TypedKeyID) must hold the pinned typed
// key's hash, live: a typed key that is not the published one is never
// used. Without a registry nothing is read, as for transactions.
func (s *Signer) beforeSignature(ctx context.Context, pn *pins, account wire.Address) error {
	r, o := s.reader()
	if o.Registry == (wire.Address{}) {
		return nil
	}
	if r == nil {
		return wire.Errorf(wire.UnknownPolicy, "no RPC is configured: the on-chain registry cannot be read; nothing is signed")
	}
	return checkRegistry(ctx, r, o.Registry, pn, account, func() error {
		e, err := r.ProgramEntry(ctx, o.Registry, account, rpcchain.TypedKeyID)
		if err != nil {
			return readError(err, wire.UnknownPolicy, "cannot read the typed-data key from the on-chain registry")
		}
		return e.CheckTypedKey(pn.typedVK.Hash())
	})
}

// checkRegistry reads the chain id, account's policy entry in registry
// and, when entry is not nil, one more entry (a program's, the typed-data
// key's), together: one round trip, not three. They are judged in order:
// the chain first, so nothing read from another chain is used; then the
// policy entry, which must be the pinned commitment and policy key, live;
// then entry's own verdict.
func checkRegistry(ctx context.Context, r *rpcchain.Chain, registry wire.Address, pn *pins, account wire.Address, entry func() error) error {
	var (
		wg                         sync.WaitGroup
		chainErr, polErr, entryErr error
		polEntry                   rpcchain.PolicyEntry
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		chainErr = checkChainID(ctx, r, pn.policy.ChainID, wire.UnknownPolicy, "reading the registry")
	}()
	go func() {
		defer wg.Done()
		if polEntry, polErr = r.PolicyEntry(ctx, registry, account); polErr != nil {
			polErr = readError(polErr, wire.UnknownPolicy, "cannot read the on-chain registry")
		}
	}()
	if entry != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			entryErr = entry()
		}()
	}
	wg.Wait()
	switch {
	case chainErr != nil:
		return chainErr
	case polErr != nil:
		return polErr
	}
	if err := polEntry.Check(pn.policy.Commitment(), pn.vk.Hash()); err != nil {
		return err
	}
	return entryErr
}

// checkProgramEntry reads program's registry entry of account and checks
// it against the key hash the signer pins (or is about to pin).
func (s *Signer) checkProgramEntry(ctx context.Context, r *rpcchain.Chain, registry, account wire.Address, program, vkHash wire.Hash32) error {
	e, err := r.ProgramEntry(ctx, registry, account, program)
	if err != nil {
		return readError(err, wire.UnknownPolicy, "cannot read program "+program.Hex()+" from the on-chain registry")
	}
	return e.Check(program, vkHash)
}

// maxBlockAge is the option's value or its default.
func (o ChainOptions) maxBlockAge() uint64 {
	if o.MaxBlockAge == 0 {
		return programverify.DefaultMaxBlockAge
	}
	return o.MaxBlockAge
}

// ChainStatus is the chain options as Status reports them.
type ChainStatus struct {
	RPC         bool          `json:"rpc"`       // an RPC is configured
	SecondRPC   bool          `json:"secondRpc"` // reads are cross-checked on a second RPC
	Registry    *wire.Address `json:"registry,omitempty"`
	MaxBlockAge uint64        `json:"maxBlockAge"`
}

// chainStatus fills in the chain options, a held nonce jump and each
// pinned program's last block. s.mu is not held.
func (s *Signer) chainStatus(st *Status) {
	st.NonceHold = s.heldNonce()
	for i := range st.Programs {
		if b, ok := s.lastBlock(st.Programs[i].Commitment); ok {
			st.Programs[i].LastBlock = &b
		}
	}
	o := s.ChainOptions()
	st.Chain = ChainStatus{RPC: o.RPC != nil, SecondRPC: o.RPC != nil && o.SecondRPC != nil, MaxBlockAge: o.maxBlockAge()}
	if o.Registry != (wire.Address{}) {
		r := o.Registry
		st.Chain.Registry = &r
	}
}
