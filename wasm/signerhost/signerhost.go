// Package signerhost runs the signer core outside the browser: it answers
// proposals arriving over the relay with the core's verify-then-sign,
// broadcasts signed transactions with eth_sendRawTransaction, and sends
// receipts back (signed, then mined, or rejected with a code). The browser
// extension does the same in its service worker; this native host serves
// the demo, the end-to-end tests and Go signers.
//
// Security notes: the same core decides as in the browser, registry check
// included (the core reads it through its own RPC before every signature,
// failing closed: configure the signer with signer.ChainOptions); this
// package adds only I/O. Before each decision it asks the core to read the
// nonce (RefreshNonce: by at most signer.NonceStep on the RPC's word).
package signerhost

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/leash-wallet/leash/relay/client"
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/wasm/signer"
	"github.com/leash-wallet/leash/wire"
)

// Relay is the part of the relay client (*client.Client) the host uses.
type Relay interface {
	Receive(ctx context.Context) (*client.Message, error)
	Ack(m *client.Message) error
	Send(ctx context.Context, kind string, body any) (e2e.MessageID, error)
}

// Event is one decision, for logs and the demo's live view.
type Event struct {
	ID        string
	Status    string
	Code      wire.Code
	Message   string
	TxHash    *wire.Hash32
	Took      time.Duration // proposal received → receipt decided (nonce read + verify + registry check + sign)
	Broadcast time.Duration // eth_sendRawTransaction round trip
	Mined     time.Duration // broadcast → mined
}

// Config configures Run.
type Config struct {
	Signer  *signer.Signer // unlocked, with a pinned policy and its ChainOptions (RPC, registry)
	Relay   Relay
	RPC     string // chain JSON-RPC for broadcasting and following receipts
	Logger  *slog.Logger
	OnEvent func(Event) // optional
}

// Run serves proposals until ctx ends.
func Run(ctx context.Context, cfg Config) error {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	eth, err := ethclient.DialContext(ctx, cfg.RPC)
	if err != nil {
		return err
	}
	defer eth.Close()
	h := &host{cfg: cfg, eth: eth, log: log}
	for {
		m, err := cfg.Relay.Receive(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if m.Kind == "proposal" {
			h.handle(ctx, m.Body)
		}
		if err := cfg.Relay.Ack(m); err != nil {
			log.Warn("relay ack", "err", err)
		}
	}
}

type host struct {
	cfg Config
	eth *ethclient.Client
	log *slog.Logger
}

func (h *host) event(e Event) {
	if h.cfg.OnEvent != nil {
		h.cfg.OnEvent(e)
	}
}

func (h *host) send(ctx context.Context, r wire.Receipt) {
	if _, err := h.cfg.Relay.Send(ctx, "receipt", r); err != nil {
		h.log.Error("sending a receipt", "id", r.ID, "err", err)
	}
}

func (h *host) handle(ctx context.Context, raw json.RawMessage) {
	start := time.Now()
	if _, err := h.cfg.Signer.RefreshNonce(ctx); err != nil {
		h.log.Warn("nonce not read", "err", err) // the core decides with its own ledger
	}
	r := h.cfg.Signer.Submit(ctx, raw)
	took := time.Since(start)
	if r.Status != wire.StatusSigned || r.Signature != nil {
		// Refused, pending, or a typed-data signature (nothing to broadcast:
		// the agent host sends it, e.g. as an x402 payment header).
		h.event(Event{ID: r.ID, Status: r.Status, Code: r.Code, Message: r.Message, TxHash: r.Digest, Took: took})
		h.send(ctx, r)
		return
	}
	var hash common.Hash
	bstart := time.Now()
	err := h.eth.Client().CallContext(ctx, &hash, "eth_sendRawTransaction", hexutil.Bytes(r.RawTx))
	broadcast := time.Since(bstart)
	if err != nil {
		h.log.Error("broadcast failed", "id", r.ID, "err", err)
		// The nonce is spent in the signer's ledger; report the signature so
		// the host can follow it, with the broadcast error as the message.
		r.Message = "signed, but the broadcast failed: " + err.Error()
	}
	h.event(Event{ID: r.ID, Status: r.Status, TxHash: r.TxHash, Took: took, Broadcast: broadcast})
	h.send(ctx, r)
	go h.followMining(ctx, r)
}

func (h *host) followMining(ctx context.Context, r wire.Receipt) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for delay := 5 * time.Millisecond; ; delay = min(2*delay, time.Second) {
		rec, err := h.eth.TransactionReceipt(ctx, common.Hash(*r.TxHash))
		if err == nil && rec != nil {
			h.event(Event{ID: r.ID, Status: wire.StatusMined, TxHash: r.TxHash, Mined: time.Since(start)})
			h.send(ctx, wire.Receipt{ID: r.ID, Status: wire.StatusMined, TxHash: r.TxHash})
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
	}
}

var _ Relay = (*client.Client)(nil)
