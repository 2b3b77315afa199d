package signer

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/circuits/program/programverify"
	"github.com/leash-wallet/leash/wasm/audit"
	"github.com/leash-wallet/leash/wire"
)

// KeyPrograms is the storage key of the pinned programs.
const KeyPrograms = "programs"

// MaxPrograms bounds the programs pinned at once.
const MaxPrograms = 16

// Program is one program the signer accepts program proofs for: its
// public pin (commitment, template, oracle) and its template's key.
type Program struct {
	pin program.Pin
	vk  *programverify.VerifyingKey
}

// LoadProgram reads what the user pins for a program (ParsePin) and its
// template's verifying key.
func LoadProgram(doc, vkBytes []byte) (*Program, error) {
	pin, err := ParsePin(doc)
	if err != nil {
		return nil, err
	}
	return loadProgram(pin, vkBytes)
}

// Verify checks program proposal p against the program, the pinned policy
// pol and the signer's state st, re-reading the inputs through chain.
func (pp *Program) Verify(ctx context.Context, p *wire.Proposal, pol *policy.Policy, st *wire.State, chain program.Chain, opt programverify.Options) error {
	return programverify.Verify(ctx, p, pol, &pp.pin, pp.vk, st, chain, opt)
}

type programsJSON struct {
	Version  int              `json:"version"`
	Programs []programPinJSON `json:"programs"`
}

type programPinJSON struct {
	Pin program.Pin `json:"pin"`
	VK  wire.Bytes  `json:"vk"`
}

// ProgramStatus is one pinned program, as Status reports it.
type ProgramStatus struct {
	Commitment wire.Hash32  `json:"commitment"`
	Template   string       `json:"template"`
	Oracle     wire.Address `json:"oracle"`
	VKHash     wire.Hash32  `json:"vkHash"`
	// LastBlock is the block of the last decision signed (a decision at
	// this block or an older one is program_replay).
	LastBlock *uint64 `json:"lastBlock,omitempty"`
}

func decodePrograms(raw []byte) (map[wire.Hash32]*Program, error) {
	var pj programsJSON
	if err := wire.DecodeStrict(raw, &pj, "programs"); err != nil {
		return nil, err
	}
	if pj.Version != 1 {
		return nil, wire.Errorf(wire.Malformed, "programs: version %d is not supported", pj.Version)
	}
	if len(pj.Programs) > MaxPrograms {
		return nil, wire.Errorf(wire.Malformed, "programs: %d pinned, at most %d", len(pj.Programs), MaxPrograms)
	}
	out := make(map[wire.Hash32]*Program, len(pj.Programs))
	for _, e := range pj.Programs {
		p, err := loadProgram(e.Pin, e.VK)
		if err != nil {
			return nil, err
		}
		out[p.pin.Commitment] = p
	}
	return out, nil
}

func loadProgram(pin program.Pin, vkBytes []byte) (*Program, error) {
	if err := pin.Validate(); err != nil { // template known, oracle set, commitment canonical
		return nil, err
	}
	t, _ := program.TemplateByName(pin.Template)
	vk, err := programverify.LoadVerifyingKey(vkBytes, t)
	if err != nil {
		return nil, err
	}
	return &Program{pin: pin, vk: vk}, nil
}

// ParsePin reads what the user pins for a program: its pin document
// (`leash program pin FILE`: commitment, template, oracle) or the program
// document itself, of which only the pin is kept (the parameters, which
// may be private, are never stored by the signer).
func ParsePin(doc []byte) (program.Pin, error) {
	if pin, err := program.DecodePin(doc); err == nil {
		return *pin, nil
	}
	prog, err := program.Decode(doc)
	if err != nil {
		return program.Pin{}, wire.Errorf(wire.Malformed, "neither a program pin nor a program: %s", wire.MessageOf(err))
	}
	return prog.Pin(), nil
}

// PinProgram lets the signer accept program proofs for one more program:
// doc is its pin or the program itself, vkBytes its template's verifying
// key. A program already pinned is re-pinned with the new key. The
// program must be published in the registry by the vault's account, with
// this key's hash, and not revoked: a well-formed key of another circuit
// or setup cannot be pinned (issue 12, attack 6).
func (s *Signer) PinProgram(ctx context.Context, doc, vkBytes []byte) (wire.Hash32, error) {
	p, err := LoadProgram(doc, vkBytes)
	if err != nil {
		return wire.Hash32{}, err
	}
	pin := p.pin
	if err := s.checkPublished(ctx, pin.Commitment, p.vk.Hash()); err != nil {
		return wire.Hash32{}, err
	}
	s.programsMu.Lock() // one change of the set at a time: none is lost
	defer s.programsMu.Unlock()
	s.mu.Lock()
	next := make(map[wire.Hash32]*Program, len(s.programs)+1)
	for c, q := range s.programs {
		next[c] = q
	}
	next[pin.Commitment] = p
	s.mu.Unlock()
	if len(next) > MaxPrograms {
		return wire.Hash32{}, wire.Errorf(wire.Malformed, "at most %d programs can be pinned; unpin one first", MaxPrograms)
	}
	if err := s.writePrograms(ctx, next); err != nil {
		return wire.Hash32{}, err
	}
	s.record(ctx, audit.Entry{Kind: "pin", Decision: audit.Info, Message: "pinned program " + pin.Commitment.Hex() +
		" (" + pin.Template + " template, oracle " + pin.Oracle.Hex() + ") vk " + p.vk.Hash().Hex()})
	return pin.Commitment, nil
}

// UnpinProgram stops accepting proofs for a program. Unpinning a program
// that is not pinned is not an error.
func (s *Signer) UnpinProgram(ctx context.Context, commitment wire.Hash32) error {
	s.programsMu.Lock()
	defer s.programsMu.Unlock()
	s.mu.Lock()
	_, ok := s.programs[commitment]
	next := make(map[wire.Hash32]*Program, len(s.programs))
	for c, q := range s.programs {
		if c != commitment {
			next[c] = q
		}
	}
	s.mu.Unlock()
	if !ok {
		return nil
	}
	if err := s.writePrograms(ctx, next); err != nil {
		return err
	}
	s.record(ctx, audit.Entry{Kind: "pin", Decision: audit.Info, Message: "unpinned program " + commitment.Hex()})
	return nil
}

// writePrograms stores the set, then installs it: a failed write leaves the
// stored and the in-memory sets as they were.
func (s *Signer) writePrograms(ctx context.Context, set map[wire.Hash32]*Program) error {
	pj := programsJSON{Version: 1, Programs: []programPinJSON{}}
	for _, p := range set {
		pj.Programs = append(pj.Programs, programPinJSON{Pin: p.pin, VK: p.vk.Bytes()})
	}
	sort.Slice(pj.Programs, func(i, j int) bool {
		return pj.Programs[i].Pin.Commitment.Hex() < pj.Programs[j].Pin.Commitment.Hex()
	})
	raw, err := json.Marshal(pj)
	if err != nil {
		return wire.Errorf(wire.Internal, "programs: %v", err)
	}
	if err := s.put(ctx, KeyPrograms, raw); err != nil {
		return storeErr("write programs", err)
	}
	s.mu.Lock()
	s.programs = set
	s.mu.Unlock()
	return nil
}

// programStatus lists the pinned programs, by commitment. s.mu is held.
func (s *Signer) programStatus() []ProgramStatus {
	out := make([]ProgramStatus, 0, len(s.programs))
	for _, p := range s.programs {
		out = append(out, ProgramStatus{Commitment: p.pin.Commitment, Template: p.pin.Template, Oracle: p.pin.Oracle, VKHash: p.vk.Hash()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Commitment.Hex() < out[j].Commitment.Hex() })
	return out
}

// checkPublished is the registry check of a program about to be pinned:
// published by the vault's account with vkHash, not revoked, read on the
// pinned policy's chain.
func (s *Signer) checkPublished(ctx context.Context, program, vkHash wire.Hash32) error {
	r, o := s.reader()
	pn, err := s.currentPins()
	if err != nil {
		return err
	}
	s.mu.Lock()
	v := s.vault
	s.mu.Unlock()
	switch {
	case o.Registry == (wire.Address{}):
		return wire.Errorf(wire.UnknownPolicy, "no registry is configured: a program is pinned only once it is published on chain with its key's hash")
	case r == nil:
		return wire.Errorf(wire.UnknownPolicy, "no RPC is configured: the registry cannot be read to check the program")
	case pn == nil:
		return wire.Errorf(wire.UnknownPolicy, "pin the policy first: the program is checked in the registry on the policy's chain")
	case v == nil:
		return wire.Errorf(wire.UnknownPolicy, "create or import the vault first: the program is checked in the registry entry of its account")
	}
	if err := checkChainID(ctx, r, pn.policy.ChainID, wire.UnknownPolicy, "reading the registry"); err != nil {
		return err
	}
	return s.checkProgramEntry(ctx, r, o.Registry, v.Address(), program, vkHash)
}

// verifyProgram checks a proposal that claims a program proof: the program
// must be pinned, and programverify re-reads its inputs through the
// configured chain reader (none configured: input_unavailable, nothing is
// signed).
func (s *Signer) verifyProgram(ctx context.Context, p *wire.Proposal, pol *policy.Policy, st *wire.State) error {
	s.mu.Lock()
	pp := s.programs[p.Program.Commitment]
	s.mu.Unlock()
	if pp == nil {
		return wire.Errorf(wire.UnknownPolicy, "proposal claims program %s, which is not pinned", p.Program.Commitment)
	}
	r, o := s.reader()
	if r == nil {
		return wire.Errorf(wire.InputUnavailable, "no RPC is configured: the signer cannot re-read the program's inputs")
	}
	// Every failed read there (endpoints that disagree included) is
	// input_unavailable; an answer both give that differs from the
	// proposal's is input_mismatch.
	return pp.Verify(ctx, p, pol, st, r, programverify.Options{MaxSkew: s.cfg.MaxSkew, MaxBlockAge: o.maxBlockAge()})
}
