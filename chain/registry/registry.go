package registry

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"net"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/leash-wallet/leash/chain/contracts"
	"github.com/leash-wallet/leash/chain/rpcchain"
	"github.com/leash-wallet/leash/wire"
)

var (
	// ErrUnreachable: the RPC endpoint could not be reached (refused,
	// unresolvable, timed out). errors.Is also matches the cause.
	ErrUnreachable = errors.New("registry: rpc unreachable")
	// ErrNoContract: there is no contract at the registry address.
	ErrNoContract = rpcchain.ErrNoContract
	// ErrBadAnswer: the RPC answered something that is not a registry
	// answer (wrong length, undecodable).
	ErrBadAnswer = rpcchain.ErrBadAnswer
	// ErrNothingToRevoke: the account has no live commitment (or no live
	// program of that commitment) to revoke.
	ErrNothingToRevoke = errors.New("registry: nothing to revoke")
)

// Entry is an account's policy entry (rpcchain.PolicyEntry: the signer
// core reads the same views without go-ethereum). The zero Entry means the
// account never committed.
type Entry = rpcchain.PolicyEntry

// ProgramEntry is one program's entry. A zero VKHash means it was never
// published.
type ProgramEntry = rpcchain.ProgramEntry

// Client talks to one PolicyRegistry through one RPC endpoint.
type Client struct {
	url  string
	rpc  *ethclient.Client
	addr common.Address
	reg  *contracts.PolicyRegistry
}

// Dial connects to rpcURL (http(s), ws(s) or an IPC path). HTTP does not
// connect until the first call, so an unreachable endpoint shows up there.
func Dial(ctx context.Context, rpcURL string, registry common.Address) (*Client, error) {
	c, err := ethclient.DialContext(ctx, rpcURL)
	if err != nil {
		return nil, transportError(rpcURL, "dial", err)
	}
	return &Client{url: rpcURL, rpc: c, addr: registry, reg: contracts.NewPolicyRegistry()}, nil
}

// Close closes the connection.
func (c *Client) Close() { c.rpc.Close() }

// Address is the registry contract address.
func (c *Client) Address() common.Address { return c.addr }

// Lookup reads account's entry at the latest block. An account that never
// committed gets the zero Entry and no error; a revoked entry has Revoked
// set (Check turns that into wire.ErrRevoked).
func (c *Client) Lookup(ctx context.Context, account common.Address) (Entry, error) {
	return c.LookupAt(ctx, account, nil)
}

// LookupAt is Lookup at a block number (nil = latest).
func (c *Client) LookupAt(ctx context.Context, account common.Address, block *big.Int) (Entry, error) {
	out, err := c.view(ctx, c.reg.PackCommitmentOf(account), block, "commitmentOf")
	if err != nil {
		return Entry{}, err
	}
	return rpcchain.DecodePolicyEntry(out)
}

// LookupProgram reads program's entry of account at the latest block. A
// program never published gets the zero ProgramEntry and no error.
func (c *Client) LookupProgram(ctx context.Context, account common.Address, program [32]byte) (ProgramEntry, error) {
	return c.LookupProgramAt(ctx, account, program, nil)
}

// LookupProgramAt is LookupProgram at a block number (nil = latest).
func (c *Client) LookupProgramAt(ctx context.Context, account common.Address, program [32]byte, block *big.Int) (ProgramEntry, error) {
	out, err := c.view(ctx, c.reg.PackProgramOf(account, program), block, "programOf")
	if err != nil {
		return ProgramEntry{}, err
	}
	return rpcchain.DecodeProgramEntry(out)
}

// view runs one of the registry's views; an empty answer from an address
// without code is ErrNoContract.
func (c *Client) view(ctx context.Context, data []byte, block *big.Int, what string) ([]byte, error) {
	out, err := c.rpc.CallContract(ctx, ethereum.CallMsg{To: &c.addr, Data: data}, block)
	if err != nil {
		return nil, c.callError("eth_call "+what, err)
	}
	if len(out) == 0 {
		code, err := c.rpc.CodeAt(ctx, c.addr, block)
		if err != nil {
			return nil, c.callError("eth_getCode", err)
		}
		if len(code) == 0 {
			return nil, fmt.Errorf("%w: %s", ErrNoContract, c.addr)
		}
	}
	return out, nil
}

// Check verifies that account's live on-chain entry is exactly the pinned
// commitment and vk hash (Entry.Check): wire.ErrRevoked when the entry is
// revoked (the kill switch), wire.ErrUnknownPolicy when there is no entry
// or it names another commitment or key. Transport and answer errors are
// returned uncoded: a signer refuses on any error.
func (c *Client) Check(ctx context.Context, account common.Address, pinned, vkHash [32]byte) error {
	e, err := c.Lookup(ctx, account)
	if err != nil {
		return err
	}
	return e.Check(pinned, vkHash)
}

// Publish commits (commitment, vkHash) for key's account and waits until
// the transaction is mined; it returns the transaction hash. A zero
// commitment is refused as wire.Malformed before anything is sent.
func (c *Client) Publish(ctx context.Context, key *ecdsa.PrivateKey, commitment, vkHash [32]byte) (common.Hash, error) {
	if commitment == ([32]byte{}) {
		return common.Hash{}, wire.Errorf(wire.Malformed, "policy commitment is zero")
	}
	return c.transact(ctx, key, c.reg.PackCommit(commitment, vkHash))
}

// Revoke revokes key's current commitment and waits until it is mined.
// With nothing to revoke it returns ErrNothingToRevoke and sends nothing.
func (c *Client) Revoke(ctx context.Context, key *ecdsa.PrivateKey) (common.Hash, error) {
	return c.transact(ctx, key, c.reg.PackRevoke())
}

// PublishProgram publishes program P with its verifying key's hash for
// key's account (or replaces the hash, clearing a revocation) and waits
// until it is mined. A zero commitment or vk hash is refused as
// wire.Malformed before anything is sent.
func (c *Client) PublishProgram(ctx context.Context, key *ecdsa.PrivateKey, program, vkHash [32]byte) (common.Hash, error) {
	if program == ([32]byte{}) {
		return common.Hash{}, wire.Errorf(wire.Malformed, "program commitment is zero")
	}
	if vkHash == ([32]byte{}) {
		return common.Hash{}, wire.Errorf(wire.Malformed, "vk hash is zero")
	}
	return c.transact(ctx, key, c.reg.PackPublishProgram(program, vkHash))
}

// RevokeProgram revokes program P of key's account and waits until it is
// mined. A program that is not live gives ErrNothingToRevoke.
func (c *Client) RevokeProgram(ctx context.Context, key *ecdsa.PrivateKey, program [32]byte) (common.Hash, error) {
	return c.transact(ctx, key, c.reg.PackRevokeProgram(program))
}

// PublishTypedKey publishes the hash of key's account's typed-data
// verifying key (the entry under rpcchain.TypedKeyID; replacing a hash
// clears a revocation) and waits until it is mined. A zero hash is refused
// as wire.Malformed before anything is sent.
func (c *Client) PublishTypedKey(ctx context.Context, key *ecdsa.PrivateKey, vkHash [32]byte) (common.Hash, error) {
	return c.PublishProgram(ctx, key, rpcchain.TypedKeyID, vkHash)
}

// RevokeTypedKey revokes the typed-data key of key's account (no more
// typed-data signatures) and waits until it is mined.
func (c *Client) RevokeTypedKey(ctx context.Context, key *ecdsa.PrivateKey) (common.Hash, error) {
	return c.RevokeProgram(ctx, key, rpcchain.TypedKeyID)
}

// LookupTypedKey reads the typed-data key entry of account.
func (c *Client) LookupTypedKey(ctx context.Context, account common.Address) (ProgramEntry, error) {
	return c.LookupProgram(ctx, account, rpcchain.TypedKeyID)
}

func (c *Client) transact(ctx context.Context, key *ecdsa.PrivateKey, data []byte) (common.Hash, error) {
	s, err := contracts.NewSender(ctx, c.rpc, key)
	if err != nil {
		return common.Hash{}, c.callError("sender", err)
	}
	tx, err := s.Send(ctx, &c.addr, nil, data)
	if err != nil {
		return common.Hash{}, c.callError("send", err)
	}
	if _, err := contracts.WaitMined(ctx, c.rpc, tx); err != nil {
		return tx.Hash(), c.callError("wait", err)
	}
	return tx.Hash(), nil
}

// callError classifies err: transport failures match ErrUnreachable, and a
// revert with a registry custom error becomes its sentinel.
func (c *Client) callError(what string, err error) error {
	var re *contracts.RevertError
	if errors.As(err, &re) && len(re.Data) >= 4 {
		if v, uerr := c.reg.UnpackError(re.Data); uerr == nil {
			switch v.(type) {
			case *contracts.PolicyRegistryNothingToRevoke:
				return ErrNothingToRevoke
			case *contracts.PolicyRegistryZeroCommitment:
				return wire.Errorf(wire.Malformed, "commitment is zero")
			case *contracts.PolicyRegistryZeroVKHash:
				return wire.Errorf(wire.Malformed, "vk hash is zero")
			}
		}
	}
	if errors.As(err, &re) {
		return fmt.Errorf("registry %s: %w", what, err)
	}
	return transportError(c.url, what, err)
}

// transportError marks network failures with ErrUnreachable.
func transportError(url, what string, err error) error {
	var ne net.Error
	var he rpc.HTTPError
	if errors.As(err, &ne) && !errors.As(err, &he) {
		return fmt.Errorf("%w: %s (%s): %w", ErrUnreachable, url, what, err)
	}
	return fmt.Errorf("registry %s via %s: %w", what, url, err)
}

// Kind of a registry event.
const (
	KindCommitted        = "committed"
	KindRevoked          = "revoked"
	KindProgramPublished = "program_published"
	KindProgramRevoked   = "program_revoked"
	// The typed-data key's entry is a program entry under the reserved
	// rpcchain.TypedKeyID (no program commitment can equal it: it is above
	// the BN254 field); its events get their own kinds so that a listing
	// never shows the typed key as a program.
	KindTypedKeyPublished = "typed_key_published"
	KindTypedKeyRevoked   = "typed_key_revoked"
)

// Event is one change of a registry entry, as logged on chain. Commitment
// is the policy commitment C for committed/revoked, the program
// commitment P for program_published/program_revoked, and
// rpcchain.TypedKeyID for typed_key_published/typed_key_revoked.
type Event struct {
	Kind       string         `json:"kind"`
	Account    common.Address `json:"account"`
	Commitment common.Hash    `json:"commitment"`
	VKHash     common.Hash    `json:"vkHash"` // zero for revocations
	Block      uint64         `json:"block"`
	TxHash     common.Hash    `json:"txHash"`
}

// Events lists the registry events of account (or of every account when
// account is nil) from block `from` to the latest, oldest first: policy
// commits and revocations, program publications and revocations, the
// typed-data key's publications and revocations. Logs that
// do not decode as registry events are an error.
func (c *Client) Events(ctx context.Context, account *common.Address, from uint64) ([]Event, error) {
	abi := c.reg.GetABI()
	topics := [][]common.Hash{{abi.Events["Committed"].ID, abi.Events["Revoked"].ID,
		abi.Events["ProgramPublished"].ID, abi.Events["ProgramRevoked"].ID}}
	if account != nil {
		topics = append(topics, []common.Hash{common.BytesToHash(account.Bytes())})
	}
	logs, err := c.rpc.FilterLogs(ctx, ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(from), Addresses: []common.Address{c.addr}, Topics: topics,
	})
	if err != nil {
		return nil, c.callError("eth_getLogs", err)
	}
	events := make([]Event, 0, len(logs))
	for i := range logs {
		if logs[i].Address != c.addr {
			return nil, fmt.Errorf("%w: log from %s", ErrBadAnswer, logs[i].Address)
		}
		ev, err := DecodeEvent(&logs[i])
		if err != nil {
			return nil, err
		}
		events = append(events, ev)
	}
	return events, nil
}

// DecodeEvent decodes a registry log (Committed, Revoked, ProgramPublished
// or ProgramRevoked; the last two under rpcchain.TypedKeyID as the typed
// key's kinds).
func DecodeEvent(l *types.Log) (Event, error) {
	reg := contracts.NewPolicyRegistry()
	abi := reg.GetABI()
	ev := Event{Block: l.BlockNumber, TxHash: l.TxHash}
	if len(l.Topics) == 0 {
		return ev, fmt.Errorf("%w: log without topics", ErrBadAnswer)
	}
	switch l.Topics[0] {
	case abi.Events["Committed"].ID:
		if len(l.Data) != 32 {
			return ev, fmt.Errorf("%w: Committed log with %d data bytes", ErrBadAnswer, len(l.Data))
		}
		e, err := reg.UnpackCommittedEvent(l)
		if err != nil {
			return ev, fmt.Errorf("%w: Committed log: %v", ErrBadAnswer, err)
		}
		ev.Kind, ev.Account, ev.Commitment, ev.VKHash = KindCommitted, e.Account, e.Commitment, e.VkHash
	case abi.Events["Revoked"].ID:
		if len(l.Data) != 0 {
			return ev, fmt.Errorf("%w: Revoked log with %d data bytes", ErrBadAnswer, len(l.Data))
		}
		e, err := reg.UnpackRevokedEvent(l)
		if err != nil {
			return ev, fmt.Errorf("%w: Revoked log: %v", ErrBadAnswer, err)
		}
		ev.Kind, ev.Account, ev.Commitment = KindRevoked, e.Account, e.Commitment
	case abi.Events["ProgramPublished"].ID:
		if len(l.Data) != 32 {
			return ev, fmt.Errorf("%w: ProgramPublished log with %d data bytes", ErrBadAnswer, len(l.Data))
		}
		e, err := reg.UnpackProgramPublishedEvent(l)
		if err != nil {
			return ev, fmt.Errorf("%w: ProgramPublished log: %v", ErrBadAnswer, err)
		}
		ev.Kind, ev.Account, ev.Commitment, ev.VKHash = KindProgramPublished, e.Account, e.Program, e.VkHash
		if ev.Commitment == common.Hash(rpcchain.TypedKeyID) {
			ev.Kind = KindTypedKeyPublished
		}
	case abi.Events["ProgramRevoked"].ID:
		if len(l.Data) != 0 {
			return ev, fmt.Errorf("%w: ProgramRevoked log with %d data bytes", ErrBadAnswer, len(l.Data))
		}
		e, err := reg.UnpackProgramRevokedEvent(l)
		if err != nil {
			return ev, fmt.Errorf("%w: ProgramRevoked log: %v", ErrBadAnswer, err)
		}
		ev.Kind, ev.Account, ev.Commitment = KindProgramRevoked, e.Account, e.Program
		if ev.Commitment == common.Hash(rpcchain.TypedKeyID) {
			ev.Kind = KindTypedKeyRevoked
		}
	default:
		return ev, fmt.Errorf("%w: not a registry event", ErrBadAnswer)
	}
	if common.BytesToHash(ev.Account.Bytes()) != l.Topics[1] {
		return ev, fmt.Errorf("%w: account topic has high bits set", ErrBadAnswer)
	}
	return ev, nil
}

// Publish is Dial + Client.Publish + Close.
func Publish(ctx context.Context, rpcURL string, registry common.Address, key *ecdsa.PrivateKey, commitment, vkHash [32]byte) (common.Hash, error) {
	return once(ctx, rpcURL, registry, func(c *Client) (common.Hash, error) { return c.Publish(ctx, key, commitment, vkHash) })
}

// Revoke is Dial + Client.Revoke + Close.
func Revoke(ctx context.Context, rpcURL string, registry common.Address, key *ecdsa.PrivateKey) (common.Hash, error) {
	return once(ctx, rpcURL, registry, func(c *Client) (common.Hash, error) { return c.Revoke(ctx, key) })
}

// PublishProgram is Dial + Client.PublishProgram + Close.
func PublishProgram(ctx context.Context, rpcURL string, registry common.Address, key *ecdsa.PrivateKey, program, vkHash [32]byte) (common.Hash, error) {
	return once(ctx, rpcURL, registry, func(c *Client) (common.Hash, error) { return c.PublishProgram(ctx, key, program, vkHash) })
}

// RevokeProgram is Dial + Client.RevokeProgram + Close.
func RevokeProgram(ctx context.Context, rpcURL string, registry common.Address, key *ecdsa.PrivateKey, program [32]byte) (common.Hash, error) {
	return once(ctx, rpcURL, registry, func(c *Client) (common.Hash, error) { return c.RevokeProgram(ctx, key, program) })
}

// Lookup is Dial + Client.Lookup + Close.
func Lookup(ctx context.Context, rpcURL string, registry, account common.Address) (Entry, error) {
	var e Entry
	_, err := once(ctx, rpcURL, registry, func(c *Client) (common.Hash, error) {
		var err error
		e, err = c.Lookup(ctx, account)
		return common.Hash{}, err
	})
	return e, err
}

// once dials, runs f and closes.
func once(ctx context.Context, rpcURL string, registry common.Address, f func(c *Client) (common.Hash, error)) (common.Hash, error) {
	c, err := Dial(ctx, rpcURL, registry)
	if err != nil {
		return common.Hash{}, err
	}
	defer c.Close()
	return f(c)
}
