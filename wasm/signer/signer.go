package signer

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"math/big"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/wasm/audit"
	"github.com/leash-wallet/leash/wasm/ethkey"
	"github.com/leash-wallet/leash/wasm/ledger"
	"github.com/leash-wallet/leash/wasm/vault"
	"github.com/leash-wallet/leash/wire"
)

// Storage keys.
const (
	KeyVault     = "vault"
	KeyLedger    = "ledger"
	KeyPins      = "pins"
	KeyPending   = "pending"
	KeyAuditHead = "audit/head"
	auditPrefix  = "audit/"
)

// DefaultMaxPending bounds the proposals held while the vault is locked.
const DefaultMaxPending = 64

// Config sets up a Signer. Zero values get the defaults documented per field.
type Config struct {
	Store       Store            // required
	Clock       func() time.Time // zero → time.Now
	IdleTimeout time.Duration    // vault auto-lock; zero → vault.DefaultIdleTimeout
	KDF         vault.KDFParams  // zero → vault.DefaultKDF
	MaxSkew     time.Duration    // zero → verify.DefaultMaxSkew
	MaxPending  int              // zero → DefaultMaxPending
	Account     uint32           // BIP-44 address index that signs; zero → 0
	// ChainOptions: the user's RPC (and optional second RPC), the registry
	// and the block age of program inputs; see ChainOptions. Configure
	// changes them at run time.
	ChainOptions

	// Authenticate puts the pins, programs, ledger and the host's records
	// under a MAC keyed from the vault (integrity.go): a record changed
	// behind the core's back stops it with malformed. The extension sets
	// it; a native tool whose store nobody else writes may leave it off.
	Authenticate bool
	// MaxQueue bounds the proposals waiting for the user in supervised
	// mode; zero → DefaultMaxQueue. MaxQueueBytes bounds that queue's and
	// the locked queue's bytes each; zero → DefaultMaxQueueBytes.
	MaxQueue      int
	MaxQueueBytes int
	// AuditKeep bounds the audit entries kept in the store (the log
	// rotates, keeping its chain); zero → DefaultAuditKeep.
	AuditKeep int
	// FeeWarn is the fee above which an approval warns; nil →
	// DefaultFeeWarn.
	FeeWarn *big.Int
}

// Signer is the stateful signer core. It is safe for concurrent use.
type Signer struct {
	cfg   Config
	store Store

	mu       sync.Mutex
	vault    *vault.Vault
	vaultErr error // a stored blob that does not decode; kept untouched
	pins     *pins // decoded; read through currentPins
	stored   *storedPins
	programs map[wire.Hash32]*Program
	pending  []json.RawMessage

	ledger *ledger.Ledger
	audit  *audit.Log

	g       gate      // kill switch, supervised queue (queue.go)
	integ   integrity // storage authentication (integrity.go)
	views   viewCache // display models (display.go)
	feeWarn atomic.Pointer[big.Int]
	idle    atomic.Int64

	persistMu  sync.Mutex    // orders ledger and pending writes
	programsMu sync.Mutex    // orders changes of the pinned programs
	auditMu    sync.Mutex    // orders audit appends and their writes
	unsaved    []audit.Entry // audit entries whose write failed, retried first
	signMu     sync.Mutex    // one signature at a time per core

	chainMu sync.Mutex // guards cfg.ChainOptions

	nonceMu   sync.Mutex // guards anchor and nonceHold
	anchor    uint64     // the next nonce the signer or the user last vouched for
	nonceHold *NonceHold // a larger jump the RPC reported, for the user

	blocksMu   sync.Mutex             // one program decision check at a time
	lastBlocks map[wire.Hash32]uint64 // the last block signed, per program
}

type pins struct {
	policy  *policy.Policy
	vk      *verify.VerifyingKey
	typedVK *verify.TypedVerifyingKey // nil: no signature proposals
	raw     pinsJSON                  // as stored
}

// storedPins is the pins record as New read it, decoded on first use
// (currentPins). Decoding a policy (its Merkle trees and commitment,
// Poseidon2) and its keys (point decompression, subgroup checks) was most
// of a cold open in WASM: a host's worker starts without it and decodes
// when the pins are first needed or when it is idle (Warm). Nothing is
// skipped: the first use runs the same strict decode and checks as New
// did, and fails closed when they fail.
type storedPins struct {
	raw    []byte
	window uint64 // the restored ledger's window, which the policy's must equal
	once   sync.Once
	p      *pins
	err    error
}

// currentPins returns the pinned policy and keys: nil, nil when none is
// pinned; an error (and nothing pinned) when the stored pins record does
// not decode or its policy's window differs from the stored ledger's. A
// Pin replaces either.
func (s *Signer) currentPins() (*pins, error) {
	s.mu.Lock()
	sp, pn := s.stored, s.pins
	s.mu.Unlock()
	if sp == nil {
		return pn, nil
	}
	sp.once.Do(func() {
		p, err := decodePins(sp.raw)
		if err == nil && p.policy.Window.Seconds != sp.window {
			err = wire.Errorf(wire.UnknownPolicy, "ledger: stored window %d s differs from the policy's %d s", sp.window, p.policy.Window.Seconds)
		}
		if err != nil {
			sp.err = wire.Errorf(wire.CodeOf(err), "stored pins: %s", wire.MessageOf(err))
			return
		}
		sp.p = p
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stored != sp { // replaced meanwhile (Pin, a deleted record)
		return s.pins, nil
	}
	if sp.err != nil {
		return nil, sp.err
	}
	s.pins, s.stored = sp.p, nil
	return s.pins, nil
}

type pinsJSON struct {
	Version int             `json:"version"`
	Policy  json.RawMessage `json:"policy"`
	VK      wire.Bytes      `json:"vk"`
	// TypedVK is the typed-data circuit's key (PinTypedKey), optional; it
	// lives in the pins record so that storage authentication covers it.
	TypedVK wire.Bytes `json:"typedVK,omitempty"`
}

// New loads a Signer from cfg.Store. A stored vault blob that is corrupted
// does not stop New: the signer reports it in Status and refuses to sign,
// and the blob stays untouched in the store. A corrupted ledger, pin set or
// audit head does stop New, with a coded error: signing on a guessed state
// could break G2.
func New(ctx context.Context, cfg Config) (*Signer, error) {
	if cfg.Store == nil {
		return nil, wire.Errorf(wire.Internal, "signer: no store")
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.MaxPending <= 0 {
		cfg.MaxPending = DefaultMaxPending
	}
	if cfg.MaxQueue <= 0 {
		cfg.MaxQueue = DefaultMaxQueue
	}
	if cfg.MaxQueueBytes <= 0 {
		cfg.MaxQueueBytes = DefaultMaxQueueBytes
	}
	if cfg.AuditKeep <= 0 {
		cfg.AuditKeep = DefaultAuditKeep
	}
	s := &Signer{cfg: cfg, store: cfg.Store}
	loaded := map[string][]byte{} // the protected records as read (integrity.go)
	if raw, err := s.store.Get(ctx, KeyVault); err != nil {
		return nil, storeErr("read vault", err)
	} else if raw != nil {
		s.vault, s.vaultErr = vault.Open(raw, s.vaultConfig())
	}
	if raw, err := s.store.Get(ctx, KeyPins); err != nil {
		return nil, storeErr("read pins", err)
	} else if raw != nil {
		loaded[KeyPins] = raw
		s.stored = &storedPins{raw: raw}
	}
	if raw, err := s.store.Get(ctx, KeyPrograms); err != nil {
		return nil, storeErr("read programs", err)
	} else if raw != nil {
		loaded[KeyPrograms] = raw
		if s.programs, err = decodePrograms(raw); err != nil {
			return nil, err
		}
	}
	if raw, err := s.store.Get(ctx, KeyLedger); err != nil {
		return nil, storeErr("read ledger", err)
	} else if raw != nil {
		loaded[KeyLedger] = raw
		// The ledger keeps its window (the policy's, checked when the
		// pins are decoded: currentPins).
		l, err := ledger.Restore(raw, ledger.Config{})
		if err != nil {
			return nil, err
		}
		s.ledger = l
		if s.stored != nil {
			s.stored.window = l.Window()
		}
	} else {
		s.ledger = ledger.New(ledger.Config{}, 0)
		if s.stored != nil {
			// Pins without a ledger (Pin stores both): decoded now, so
			// that the new ledger takes the policy's window before any use.
			pn, err := decodePins(s.stored.raw)
			if err != nil {
				return nil, err
			}
			s.pins, s.stored = pn, nil
			s.ledger.SetWindow(pn.policy.Window.Seconds)
		}
	}
	s.lastBlocks = map[wire.Hash32]uint64{}
	if raw, err := s.store.Get(ctx, KeyProgramBlocks); err != nil {
		return nil, storeErr("read program blocks", err)
	} else if raw != nil {
		loaded[KeyProgramBlocks] = raw
		if s.lastBlocks, err = decodeProgramBlocks(raw); err != nil {
			return nil, err
		}
	}
	if raw, err := s.store.Get(ctx, KeyNonceAnchor); err != nil {
		return nil, storeErr("read nonce anchor", err)
	} else if raw != nil {
		if s.anchor, err = decodeAnchor(raw); err != nil {
			return nil, err
		}
	} else if err := s.storeAnchor(ctx, s.ledger.View(0).Nonce); err != nil {
		// A ledger from before the anchor existed vouches for its own
		// nonce, once: the anchor is stored now, so later RPC moves count.
		return nil, err
	}
	if raw, err := s.store.Get(ctx, KeyPending); err != nil {
		return nil, storeErr("read pending", err)
	} else if raw != nil {
		if err := wire.DecodeStrict(raw, &s.pending, "signer: stored pending queue"); err != nil {
			return nil, err
		}
	}
	head := audit.Head{}
	if raw, err := s.store.Get(ctx, KeyAuditHead); err != nil {
		return nil, storeErr("read audit head", err)
	} else if raw != nil {
		h, err := audit.DecodeHead(raw)
		if err != nil {
			return nil, err
		}
		head = *h
	}
	s.audit = audit.New(head, 0)
	if err := s.loadIntegrity(ctx, loaded); err != nil {
		return nil, err
	}
	if err := s.loadQueue(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Signer) vaultConfig() vault.Config {
	return vault.Config{KDF: s.cfg.KDF, IdleTimeout: s.cfg.IdleTimeout, Clock: s.cfg.Clock}
}

func storeErr(what string, err error) error {
	var coded *wire.Error
	if errors.As(err, &coded) && coded.Code != wire.Internal {
		return wire.Errorf(coded.Code, "signer: %s: %s", what, coded.Message)
	}
	return wire.Errorf(wire.Internal, "signer: %s: %v", what, err)
}

func decodePins(raw []byte) (*pins, error) {
	var pj pinsJSON
	if err := wire.DecodeStrict(raw, &pj, "pins"); err != nil {
		return nil, err
	}
	if pj.Version != 1 {
		return nil, wire.Errorf(wire.Malformed, "pins: version %d is not supported", pj.Version)
	}
	pol, err := policy.Decode(pj.Policy)
	if err != nil {
		return nil, err
	}
	vk, err := verify.LoadVerifyingKey(pj.VK)
	if err != nil {
		return nil, err
	}
	p := &pins{policy: pol, vk: vk, raw: pj}
	if pj.TypedVK != nil {
		if p.typedVK, err = verify.LoadTypedVerifyingKey(pj.TypedVK); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (s *Signer) now() uint64 {
	t := s.cfg.Clock().Unix()
	if t < 0 {
		return 0
	}
	return uint64(t)
}

// ---- Approver face ---------------------------------------------------------

// CreateVault makes a vault from a fresh mnemonic of 12 or 24 words, stores
// it and returns the mnemonic (to show the user once) and the address. An
// existing vault is replaced only with replace set.
func (s *Signer) CreateVault(ctx context.Context, password string, words int, replace bool) (string, wire.Address, error) {
	if err := s.mayWriteVault(replace); err != nil {
		return "", wire.Address{}, err
	}
	blob, m, err := vault.Create(password, words, s.vaultConfig())
	if err != nil {
		return "", wire.Address{}, err
	}
	addr, err := s.installVault(ctx, blob, m, "created")
	return m, addr, err
}

// ImportVault stores a vault made from an existing mnemonic.
func (s *Signer) ImportVault(ctx context.Context, mnemonic, password string, replace bool) (wire.Address, error) {
	if err := s.mayWriteVault(replace); err != nil {
		return wire.Address{}, err
	}
	blob, err := vault.Import(mnemonic, password, s.vaultConfig())
	if err != nil {
		return wire.Address{}, err
	}
	return s.installVault(ctx, blob, mnemonic, "imported")
}

func (s *Signer) mayWriteVault(replace bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if (s.vault != nil || s.vaultErr != nil) && !replace {
		return wire.Errorf(wire.Malformed, "a vault already exists; pass replace to overwrite it")
	}
	return nil
}

// installVault stores a blob that vault.Create/Import already proved good,
// then switches to it. The old vault stays until the write succeeded.
func (s *Signer) installVault(ctx context.Context, blob []byte, mnemonic, what string) (wire.Address, error) {
	v, err := vault.Open(blob, s.vaultConfig())
	if err != nil {
		return wire.Address{}, err
	}
	if ms := s.idle.Load(); ms > 0 {
		v.SetIdleTimeout(time.Duration(ms) * time.Millisecond)
	}
	if err := s.store.Put(ctx, KeyVault, blob); err != nil {
		return wire.Address{}, storeErr("write vault", err)
	}
	s.mu.Lock()
	if s.vault != nil {
		s.vault.Lock()
	}
	s.vault, s.vaultErr = v, nil
	s.mu.Unlock()
	s.record(ctx, audit.Entry{Kind: "vault", Decision: audit.Info, Message: "vault " + what + " for " + v.Address().Hex()})
	if k, err := vault.MnemonicSecret(mnemonic, macLabel); err == nil && s.integ.on {
		s.rekey(ctx, k)
	}
	return v.Address(), nil
}

func (s *Signer) currentVault() (*vault.Vault, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.vaultErr != nil {
		return nil, s.vaultErr
	}
	if s.vault == nil {
		return nil, wire.Errorf(wire.Locked, "no vault yet: create or import one")
	}
	return s.vault, nil
}

// Unlock unlocks the vault. A wrong password gets bad_password.
func (s *Signer) Unlock(ctx context.Context, password string) error {
	v, err := s.currentVault()
	if err != nil {
		return err
	}
	err = v.Unlock(password)
	msg := "unlocked"
	if err != nil {
		msg = "unlock refused"
	}
	s.record(ctx, audit.Entry{Kind: "unlock", Decision: audit.Info, Code: wire.CodeOf(err), Message: msg})
	if err == nil {
		s.learnFromVault(ctx, v) // verify the stored records before anything is signed
	}
	return err
}

// Lock wipes the keys from memory.
func (s *Signer) Lock(ctx context.Context) {
	if v, err := s.currentVault(); err == nil {
		v.Lock()
		s.record(ctx, audit.Entry{Kind: "lock", Decision: audit.Info, Message: "locked"})
	}
}

// ExportMnemonic returns the mnemonic against the password.
func (s *Signer) ExportMnemonic(ctx context.Context, password string) (string, error) {
	v, err := s.currentVault()
	if err != nil {
		return "", err
	}
	m, err := v.ExportMnemonic(password)
	s.record(ctx, audit.Entry{Kind: "vault", Decision: audit.Info, Code: wire.CodeOf(err), Message: "mnemonic export"})
	if err == nil {
		s.learnFromMnemonic(ctx, m)
	}
	return m, err
}

// ChangePassword re-encrypts the vault; the stored blob is replaced only
// after the new one is proven good and written.
func (s *Signer) ChangePassword(ctx context.Context, oldPassword, newPassword string) error {
	v, err := s.currentVault()
	if err != nil {
		return err
	}
	check, err := vault.Open(v.Blob(), s.vaultConfig())
	if err != nil {
		return err
	}
	blob, err := check.ChangePassword(oldPassword, newPassword)
	if err != nil {
		return err
	}
	if err := s.store.Put(ctx, KeyVault, blob); err != nil {
		return storeErr("write vault", err)
	}
	nv, err := vault.Open(blob, s.vaultConfig())
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.vault.Lock()
	s.vault = nv
	s.mu.Unlock()
	s.record(ctx, audit.Entry{Kind: "vault", Decision: audit.Info, Message: "password changed; vault locked"})
	return nil
}

// Pin sets the policy and verifying key proposals are checked against. The
// ledger keeps its nonce and spends; its window takes the policy's length.
func (s *Signer) Pin(ctx context.Context, policyJSON, vkBytes []byte) (wire.Hash32, error) {
	pol, err := policy.Decode(policyJSON)
	if err != nil {
		return wire.Hash32{}, err
	}
	if v, err := s.currentVault(); err == nil && s.cfg.Account == 0 && v.Address() != pol.Account {
		return wire.Hash32{}, wire.Errorf(wire.Malformed, "the policy's account %s is not this wallet's address %s", pol.Account.Hex(), v.Address().Hex())
	}
	vk, err := verify.LoadVerifyingKey(vkBytes)
	if err != nil {
		return wire.Hash32{}, err
	}
	// A typed-data key already pinned stays (it belongs to the circuit, not
	// to the policy).
	pj := pinsJSON{Version: 1, Policy: json.RawMessage(policyJSON), VK: vkBytes}
	var typedVK *verify.TypedVerifyingKey
	if pn, err := s.currentPins(); err == nil && pn != nil {
		pj.TypedVK, typedVK = pn.raw.TypedVK, pn.typedVK
	}
	raw, err := json.Marshal(pj)
	if err != nil {
		return wire.Hash32{}, wire.Errorf(wire.Malformed, "pins: %v", err)
	}
	if err := s.put(ctx, KeyPins, raw); err != nil {
		return wire.Hash32{}, storeErr("write pins", err)
	}
	s.mu.Lock()
	s.pins, s.stored = &pins{policy: pol, vk: vk, typedVK: typedVK, raw: pj}, nil
	s.mu.Unlock()
	s.ledger.SetWindow(pol.Window.Seconds)
	if err := s.persistLedger(ctx); err != nil {
		return wire.Hash32{}, err
	}
	c := pol.Commitment()
	s.record(ctx, audit.Entry{Kind: "pin", Decision: audit.Info, Message: "pinned policy " + c.Hex() + " vk " + vk.Hash().Hex()})
	return c, nil
}

// Status is what the popup shows.
type Status struct {
	Vault            string        `json:"vault"` // "none", "locked", "unlocked", "corrupt"
	VaultError       string        `json:"vaultError,omitempty"`
	Address          *wire.Address `json:"address,omitempty"`
	Account          *AddressView  `json:"account,omitempty"` // the address for display: EIP-55
	PolicyCommitment *wire.Hash32  `json:"policyCommitment,omitempty"`
	VKHash           *wire.Hash32  `json:"vkHash,omitempty"`
	Nonce            wire.Uint64   `json:"nonce"`
	Spent            wire.Quantity `json:"spent"`
	Time             uint64        `json:"time"`
	Pending          int           `json:"pending"`
	AuditHead        audit.Head    `json:"auditHead"`
	// NonceHold is a nonce jump the RPC reported beyond NonceStep, waiting
	// for the user (ConfirmNonce or ResetNonce).
	NonceHold *NonceHold `json:"nonceHold,omitempty"`
	// Chain is how the signer reads the chain (the user's settings).
	Chain ChainStatus `json:"chain"`
	// Programs are the pinned programs, by commitment.
	Programs []ProgramStatus `json:"programs"`
	// State is the window state the core verifies against now (its next
	// nonce and sums): what an agent host proves against, and what the popup
	// reads. Its time is 0 (the clock is Time, so that a status
	// that only differs by the clock compares equal).
	State *wire.State `json:"state"`
	// Limits reports every window rule of the pinned policy (nil without
	// one): what is spent, the cap, and when capacity frees up.
	Limits *Windows `json:"limits,omitempty"`
	// Queued counts the proposals waiting for the user (supervised mode).
	Queued    int             `json:"queued"`
	Mode      Mode            `json:"mode"`
	Integrity IntegrityStatus `json:"integrity"`
	// Windows is the budget: each window rule of the pinned policy with
	// what is spent, what is left and when capacity frees up.
	Windows []WindowView `json:"windows"`
	// PinsError says why the stored pins do not decode (nothing is pinned
	// then, and every proposal is refused; pinning again replaces them).
	PinsError string `json:"pinsError,omitempty"`
}

// Warm decodes the stored pins and makes the pinned keys' verifier tables
// (the policy's and each pinned program's) now rather than at the first
// use (New and Pin leave them for later, so a host's cold start stays
// fast). Hosts call it once they are idle after opening.
func (s *Signer) Warm() error {
	pn, err := s.currentPins()
	if err != nil {
		return err
	}
	if pn != nil {
		if err := pn.vk.Warm(); err != nil {
			return err
		}
	}
	s.mu.Lock()
	progs := make([]*Program, 0, len(s.programs))
	for _, p := range s.programs {
		progs = append(progs, p)
	}
	s.mu.Unlock()
	for _, p := range progs {
		if err := p.vk.Warm(); err != nil {
			return err
		}
	}
	return nil
}

// Windows is the state of every window rule: native value, fees, the
// transaction count and each token window, over the policy's window.
type Windows struct {
	Seconds uint64        `json:"seconds"`
	Value   WindowSum     `json:"value"`
	Fees    WindowSum     `json:"fees"`
	Txs     WindowCount   `json:"txs"`
	Tokens  []TokenWindow `json:"tokens"`
}

// WindowSum is one summed window: spent within the window, the cap, and the
// unix time the oldest spend counted in it leaves the window (0 when
// nothing counts).
type WindowSum struct {
	Spent   wire.Quantity `json:"spent"`
	Cap     wire.Quantity `json:"cap"`
	FreesAt uint64        `json:"freesAt"`
}

// WindowCount is the transaction-count window.
type WindowCount struct {
	Count   uint64 `json:"count"`
	Cap     uint64 `json:"cap"`
	FreesAt uint64 `json:"freesAt"`
}

// TokenWindow is one token window with what the popup needs to show it.
type TokenWindow struct {
	Token    wire.Address `json:"token"`
	Symbol   string       `json:"symbol,omitempty"`
	Decimals *int         `json:"decimals,omitempty"`
	Label    string       `json:"label,omitempty"`
	WindowSum
}

func limits(pol *policy.Policy, v ledger.View) *Windows {
	w := &Windows{Seconds: pol.Window.Seconds,
		Value:  WindowSum{Spent: wire.NewQuantity(v.Spent), Cap: wire.NewQuantity(&pol.Window.MaxValue.Int), FreesAt: v.FreesAt.Value},
		Fees:   WindowSum{Spent: wire.NewQuantity(v.Fees), Cap: wire.NewQuantity(&pol.Window.MaxFees.Int), FreesAt: v.FreesAt.Fees},
		Txs:    WindowCount{Count: v.Txs, Cap: pol.Window.MaxTxs, FreesAt: v.FreesAt.Txs},
		Tokens: []TokenWindow{}}
	for _, tw := range pol.TokenWindows() {
		t := TokenWindow{Token: tw.Token, Symbol: tw.Symbol, Label: tw.Label,
			WindowSum: WindowSum{Spent: wire.NewQuantity(v.TokenSpent(tw.Token)), Cap: wire.NewQuantity(tw.Max), FreesAt: v.FreesAt.Tokens[tw.Token]}}
		if tw.Decimals >= 0 {
			d := tw.Decimals
			t.Decimals = &d
		}
		w.Tokens = append(w.Tokens, t)
	}
	return w
}

// Status reports the signer's state.
func (s *Signer) Status() Status {
	st := s.status()
	s.chainStatus(&st) // outside s.mu: it takes the chain, nonce and block locks
	return st
}

// status is the signer's state but for its chain reads.
func (s *Signer) status() Status {
	now := s.now()
	v := s.ledger.View(now)
	st := Status{Vault: "none", Nonce: wire.Uint64(v.Nonce), Spent: wire.NewQuantity(v.Spent), Time: now, AuditHead: s.audit.Head(),
		State: v.State()}
	st.State.Time = 0
	st.Queued, st.Mode, st.Integrity = s.QueuedCount(), s.CurrentMode(), s.IntegrityStatus()
	pn, perr := s.currentPins()
	if perr != nil {
		st.PinsError = wire.MessageOf(perr)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.vaultErr != nil:
		st.Vault, st.VaultError = "corrupt", wire.MessageOf(s.vaultErr)
	case s.vault != nil:
		a := s.vault.Address()
		st.Address = &a
		st.Account = &AddressView{Address: ethkey.ChecksumHex(a), Self: true}
		st.Vault = "unlocked"
		if s.vault.Locked() {
			st.Vault = "locked"
		}
	}
	if pn != nil {
		c, h := pn.policy.Commitment(), pn.vk.Hash()
		st.PolicyCommitment, st.VKHash = &c, &h
		st.Limits = limits(pn.policy, v)
	}
	st.Windows = s.windows(pn, now)
	if st.Windows == nil {
		st.Windows = []WindowView{}
	}
	st.Pending = len(s.pending)
	st.Programs = s.programStatus()
	return st
}

// WindowState is the signer's own state now: its next nonce, its clock and
// its window sums, as verify.Verify reads them (for tools and agent hosts
// that share the process, such as the demo's native signer).
func (s *Signer) WindowState() *wire.State { return s.ledger.View(s.now()).State() }

// Pending returns the proposals held while locked, oldest first.
func (s *Signer) Pending() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]json.RawMessage(nil), s.pending...)
}

// Audit reads the whole audit log back from the store and verifies its chain
// up to the in-memory head. It returns the entries and nil, or the entries
// read so far and the verification error.
func (s *Signer) Audit(ctx context.Context) ([]audit.Entry, error) {
	s.auditMu.Lock()
	head := s.audit.Head()
	s.auditMu.Unlock()
	var out []audit.Entry
	for i := head.Base; i < head.Next; i++ {
		raw, err := s.store.Get(ctx, auditKey(i))
		if err != nil {
			return out, storeErr("read audit", err)
		}
		if raw == nil {
			return out, wire.Errorf(wire.Malformed, "audit: entry %d is missing", i)
		}
		e, err := audit.DecodeEntry(raw)
		if err != nil {
			return out, err
		}
		out = append(out, *e)
	}
	return out, audit.Verify(out, &head)
}

// ---- Agent face ------------------------------------------------------------

// Submit decides one proposal (the JSON document from the relay) and always
// answers with a receipt: signed, rejected with a code, or pending while
// the vault is locked.
func (s *Signer) Submit(ctx context.Context, raw []byte) wire.Receipt {
	if wire.IsSigProposal(raw) {
		return s.submitSignature(ctx, raw)
	}
	p, err := wire.DecodeProposal(raw)
	if err != nil {
		r := reject("", err)
		s.recordReceipt(ctx, nil, r)
		return r
	}
	r, done := s.check(ctx, p, raw, false) // kill switch, integrity, supervised queue
	if !done {
		r = s.decide(ctx, p, raw)
	}
	s.recordReceipt(ctx, p, r)
	return r
}

// Retry processes the proposals held while the vault was locked, in order,
// and returns their receipts. Proposals that meet a locked vault again stay
// queued.
func (s *Signer) Retry(ctx context.Context) ([]wire.Receipt, error) {
	v, err := s.currentVault()
	if err != nil {
		return nil, err
	}
	if v.Locked() {
		return nil, wire.Errorf(wire.Locked, "the vault is locked")
	}
	s.mu.Lock()
	queue := s.pending
	s.pending = nil
	s.mu.Unlock()
	var out []wire.Receipt
	for _, raw := range queue {
		out = append(out, s.Submit(ctx, raw))
	}
	if len(queue) > 0 {
		if err := s.persistPending(ctx); err != nil {
			return out, err
		}
	}
	return out, nil
}

func reject(id string, err error) wire.Receipt {
	return wire.Receipt{ID: id, Status: wire.StatusRejected, Code: wire.CodeOf(err), Message: wire.MessageOf(err)}
}

func (s *Signer) decide(ctx context.Context, p *wire.Proposal, raw []byte) wire.Receipt {
	pn, err := s.currentPins()
	if err != nil {
		return reject(p.ID, err)
	}
	if pn == nil {
		return reject(p.ID, wire.Errorf(wire.UnknownPolicy, "no policy is pinned"))
	}
	pol := pn.policy
	if p.PolicyCommitment != pol.Commitment() {
		return reject(p.ID, wire.Errorf(wire.UnknownPolicy, "proposal is for policy %s, the pinned policy is %s", p.PolicyCommitment, pol.Commitment()))
	}
	if s.ledger.Seen(p.ID) {
		return reject(p.ID, wire.Errorf(wire.Replay, "proposal %s was already signed", p.ID))
	}
	if p.Program == nil {
		// The second line behind the circuit's own refusal: a policy proof
		// never reaches a call reserved for a program.
		if err := s.programOnly(&p.Tx, pol); err != nil {
			return reject(p.ID, err)
		}
	}
	v, err := s.currentVault()
	if err != nil {
		return reject(p.ID, err)
	}
	if v.Locked() {
		return s.hold(ctx, p, raw)
	}
	if err := s.checkAccount(v, pol); err != nil {
		if errors.Is(err, wire.ErrLocked) {
			return s.hold(ctx, p, raw)
		}
		return reject(p.ID, err)
	}

	now := s.now()
	view := s.ledger.View(now)
	st := view.State()
	stateReceipt := func(err error) wire.Receipt {
		r := reject(p.ID, err)
		n, h := wire.Uint64(view.Nonce), pol.Hint(&p.Tx, view.State())
		r.Nonce, r.State = &n, &h
		return r
	}
	if uint64(p.Tx.Nonce) != view.Nonce {
		return stateReceipt(wire.Errorf(wire.NonceMismatch, "transaction nonce %d, the signer's next nonce is %d", p.Tx.Nonce, view.Nonce))
	}
	if p.Program != nil {
		err = s.verifyProgram(ctx, p, pol, st)
	} else {
		err = verify.Verify(p, pol, pn.vk, st, verify.Options{MaxSkew: s.cfg.MaxSkew})
	}
	var finish func(signed bool)
	if err == nil {
		finish, err = s.beforeSign(ctx, p, pn, v.Address()) // registry, single-use program decisions
	}
	if err != nil {
		switch wire.CodeOf(err) {
		case wire.NonceMismatch, wire.StaleState:
			return stateReceipt(err)
		}
		return reject(p.ID, err)
	}
	signedOK := false
	defer func() { finish(signedOK) }()

	// The call and its spend, as verified (a program proof may use a
	// programOnly call, and Match does not refuse one).
	m, err := pol.Match(&p.Tx)
	if err != nil {
		return reject(p.ID, err)
	}
	req := ledger.Request{ID: p.ID, Nonce: view.Nonce, Time: now, Value: p.Tx.Value.Big(), Fee: policy.TxFee(&p.Tx),
		Expect: pol.Hint(&p.Tx, st),
		Caps:   ledger.Caps{MaxValue: &pol.Window.MaxValue.Int, MaxFees: &pol.Window.MaxFees.Int, MaxTxs: pol.Window.MaxTxs}}
	if m.Spends {
		tok := m.SpendToken
		req.Token, req.Amount, req.Caps.TokenMax = &tok, m.SpendAmount, m.Window.Max
	}
	res, err := s.ledger.Reserve(req)
	if err != nil {
		switch wire.CodeOf(err) {
		case wire.NonceMismatch, wire.StaleState:
			view = s.ledger.View(now)
			return stateReceipt(err)
		}
		return reject(p.ID, err)
	}
	// Sign under the reservation (held in memory), then persist the
	// reservation and the transaction hash in one write, and only then
	// release the signed transaction: a failed write drops it unreleased
	// and undoes the reservation.
	var signed *Signed
	s.signMu.Lock()
	err = v.WithKey(s.cfg.Account, func(k *ecdsa.PrivateKey) error {
		var err error
		signed, err = SignTx(k, &p.Tx)
		return err
	})
	s.signMu.Unlock()
	if err == nil && signed.From != pol.Account {
		err = wire.Errorf(wire.UnknownPolicy, "the pinned policy is for account %s, the signing key is %s", pol.Account.Hex(), signed.From.Hex())
	}
	if err != nil {
		if res.Release() {
			_ = s.persistLedger(ctx) // a concurrent write may have stored the reservation
		}
		if errors.Is(err, wire.ErrLocked) {
			return s.hold(ctx, p, raw) // auto-locked between the check and the signature
		}
		return reject(p.ID, err)
	}
	res.Stage(signed.TxHash)
	if err := s.persistLedger(ctx); err != nil {
		res.Release()
		return reject(p.ID, err)
	}
	res.Commit(signed.TxHash)
	signedOK = true
	h := signed.TxHash
	return wire.Receipt{ID: p.ID, Status: wire.StatusSigned, TxHash: &h, RawTx: signed.RawTx}
}

// programOnly refuses a policy-only transaction whose call the policy
// reserves for programs, or whose `to` is the pool of a pinned program.
func (s *Signer) programOnly(tx *wire.Tx, pol *policy.Policy) error {
	if m, err := pol.Locate(tx); err == nil && m.Call.ProgramOnly {
		return wire.Errorf(wire.ProgramOnly, "%s on %s is reserved for program proofs; a policy proof cannot use it", m.Call.Fn, tx.To.Hex())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, pp := range s.programs {
		if pp.pin.Pool == tx.To {
			return wire.Errorf(wire.ProgramOnly, "%s is the pool of pinned program %s: only that program's proofs may trade there", tx.To.Hex(), pp.pin.Commitment)
		}
	}
	return nil
}

// checkAccount refuses to sign under a policy made for another account
// (its "self" rules would then mean someone else).
func (s *Signer) checkAccount(v *vault.Vault, pol *policy.Policy) error {
	addr, err := v.AddressAt(s.cfg.Account)
	if err != nil {
		return err
	}
	if addr != pol.Account {
		return wire.Errorf(wire.UnknownPolicy, "the pinned policy is for account %s, this signer signs as %s", pol.Account.Hex(), addr.Hex())
	}
	return nil
}

// hold queues a proposal that met a locked vault.
func (s *Signer) hold(ctx context.Context, p *wire.Proposal, raw []byte) wire.Receipt {
	return s.holdRaw(ctx, p.ID, raw)
}

// holdRaw queues a proposal of either kind (a transaction or a signature)
// that met a locked vault, once per id.
func (s *Signer) holdRaw(ctx context.Context, id string, raw []byte) wire.Receipt {
	s.mu.Lock()
	dup := false
	for _, q := range s.pending {
		var probe struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(q, &probe) == nil && probe.ID == id {
			dup = true
			break
		}
	}
	full := !dup && (len(s.pending) >= s.cfg.MaxPending || s.pendingBytesLocked()+len(raw) > s.cfg.MaxQueueBytes)
	if !dup && !full {
		s.pending = append(s.pending, append(json.RawMessage(nil), raw...))
	}
	s.mu.Unlock()
	if full {
		return reject(id, wire.Errorf(wire.Locked, "the vault is locked and %d proposals are already waiting", s.cfg.MaxPending))
	}
	if !dup {
		if err := s.persistPending(ctx); err != nil {
			return reject(id, err)
		}
	}
	return wire.Receipt{ID: id, Status: wire.StatusPending, Code: wire.Locked, Message: "the vault is locked; the proposal is kept until it is unlocked"}
}

func (s *Signer) persistLedger(ctx context.Context) error {
	s.persistMu.Lock()
	defer s.persistMu.Unlock()
	data, err := s.ledger.Marshal()
	if err != nil {
		return wire.Errorf(wire.Internal, "ledger: %v", err)
	}
	if err := s.put(ctx, KeyLedger, data); err != nil {
		return storeErr("write ledger", err)
	}
	return nil
}

func (s *Signer) persistPending(ctx context.Context) error {
	s.persistMu.Lock()
	defer s.persistMu.Unlock()
	s.mu.Lock()
	q := s.pending
	if q == nil {
		q = []json.RawMessage{}
	}
	data, err := json.Marshal(q)
	s.mu.Unlock()
	if err != nil {
		return wire.Errorf(wire.Internal, "pending: %v", err)
	}
	if err := s.store.Put(ctx, KeyPending, data); err != nil {
		return storeErr("write pending", err)
	}
	return nil
}

func (s *Signer) recordReceipt(ctx context.Context, p *wire.Proposal, r wire.Receipt) {
	e := audit.Entry{Kind: "proposal", ID: r.ID, Decision: r.Status, Code: r.Code, Message: r.Message, TxHash: r.TxHash}
	switch r.Status {
	case wire.StatusSigned:
		e.Decision = audit.Signed
	case wire.StatusPending:
		e.Decision = audit.Pending
	default:
		e.Decision = audit.Rejected
	}
	if p != nil {
		to, val, n := p.Tx.To, p.Tx.Value, p.Tx.Nonce
		e.To, e.Value, e.Nonce = &to, &val, &n
	}
	s.record(ctx, e)
}

// record appends an audit entry and writes it with the head. A write that
// fails is kept and retried before the next entry, so the stored log never
// has a gap.
func (s *Signer) record(ctx context.Context, e audit.Entry) {
	e.Time = s.now()
	s.auditMu.Lock()
	defer s.auditMu.Unlock()
	s.unsaved = append(s.unsaved, s.audit.Append(e))
	for len(s.unsaved) > 0 {
		x := s.unsaved[0]
		if err := s.store.Put(ctx, auditKey(x.Seq), x.AppendJSON(make([]byte, 0, 512))); err != nil {
			return
		}
		h := s.audit.Head()
		h.Next, h.Hash = x.Seq+1, x.Hash
		hb := h.AppendJSON(make([]byte, 0, 192))
		if err := s.store.Put(ctx, KeyAuditHead, hb); err != nil {
			return
		}
		s.unsaved = s.unsaved[1:]
	}
	s.rotateAudit(ctx)
}

// RecentAudit returns the newest audit entries held in memory.
func (s *Signer) RecentAudit() []audit.Entry { return s.audit.Recent() }

func auditKey(seq uint64) string { return auditPrefix + strconv.FormatUint(seq, 10) }
