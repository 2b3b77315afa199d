// Package daemontest runs an agent-host daemon against an in-process fake
// signer that verifies every proposal for real (with the policy circuit's
// verifier and its own nonce and window state) but holds no keys and talks
// to no chain. For tests only.
package daemontest

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/wire"
)

// Pipe is an in-process Transport: what the daemon sends goes to ToSigner,
// what the signer sends arrives on FromSigner.
type Pipe struct {
	ToSigner   chan daemon.Message
	FromSigner chan daemon.Message
	// AfterSend, when set, runs in Send after the message is handed over
	// and before Send returns (to let a receipt overtake the send).
	AfterSend atomic.Pointer[func()]
}

func (p *Pipe) Send(ctx context.Context, m daemon.Message) error {
	select {
	case p.ToSigner <- m:
	case <-ctx.Done():
		return ctx.Err()
	}
	if f := p.AfterSend.Load(); f != nil {
		(*f)()
	}
	return nil
}

func (p *Pipe) Receive() <-chan daemon.Message { return p.FromSigner }

// Signer is the fake signer.
type Signer struct {
	pol    *policy.Policy
	vk     *verify.VerifyingKey
	Mu     sync.Mutex
	win    *wire.State // its nonce and window sums
	seen   map[string]bool
	Nonces []uint64 // nonces signed, in order
	// Typed answers signature proposals (a real signer core's Submit, in
	// tests of POST /v1/signatures); nil refuses them.
	Typed atomic.Pointer[func(raw []byte) wire.Receipt]
}

func (s *Signer) run(ctx context.Context, p *Pipe) {
	for {
		select {
		case <-ctx.Done():
			return
		case m := <-p.ToSigner:
			r := s.handle(m.Body)
			b, _ := json.Marshal(r)
			select {
			case p.FromSigner <- daemon.Message{Kind: daemon.KindReceipt, Body: b}:
			case <-ctx.Done():
				return
			}
		}
	}
}

func (s *Signer) handle(body []byte) wire.Receipt {
	if wire.IsSigProposal(body) {
		if f := s.Typed.Load(); f != nil {
			return (*f)(body)
		}
		return wire.Receipt{ID: "unknown", Status: wire.StatusRejected, Code: wire.UnknownPolicy, Message: "this fake signer signs no typed data"}
	}
	p, err := wire.DecodeProposal(body)
	if err != nil {
		return wire.Receipt{ID: "unknown", Status: wire.StatusRejected, Code: wire.CodeOf(err), Message: wire.MessageOf(err)}
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if s.seen[p.ID] {
		return wire.Receipt{ID: p.ID, Status: wire.StatusRejected, Code: wire.Replay}
	}
	s.seen[p.ID] = true
	st := s.state()
	if err := verify.Verify(p, s.pol, s.vk, st, verify.Options{}); err != nil {
		n, h := st.Nonce, s.pol.Hint(&p.Tx, st)
		return wire.Receipt{ID: p.ID, Status: wire.StatusRejected, Code: wire.CodeOf(err), Message: wire.MessageOf(err), Nonce: &n, State: &h}
	}
	s.win.Nonce++
	s.pol.Count(s.win, &p.Tx)
	s.Nonces = append(s.Nonces, uint64(p.Tx.Nonce))
	h := wire.Hash32(sha256.Sum256([]byte(p.ID)))
	return wire.Receipt{ID: p.ID, Status: wire.StatusSigned, TxHash: &h}
}

// state is the fake signer's view now (a window that never expires).
func (s *Signer) state() *wire.State {
	st := s.win.Clone()
	st.Time = uint64(time.Now().Unix())
	return st
}

// Harness is a running daemon with its HTTP API and the fake signer.
type Harness struct {
	Daemon *daemon.Daemon
	Spec   *SpecCheck // every response of Server, checked against docs/agent-host-api.yaml
	Server *httptest.Server
	Signer *Signer
	Pipe   *Pipe
	Client *daemon.Client

	stop context.CancelFunc
}

// Stop stops the daemon and its server before the test ends, as a crash or
// a redeploy would (a test then starts another over the same DataDir): it
// releases the DataDir at once, and a job a blocked prover holds is left
// where it is.
func (h *Harness) Stop() {
	h.Server.Close()
	h.stop()
	h.Daemon.Close() // whatever the daemon still does is not kept, as after a crash
}

// Start runs a daemon with cfg until the test ends: for the example policy
// when cfg.Policy is nil (Transport and, when nil, Policy and Prover are
// filled in; the fake signer verifies against the same policy). Every response
// its server writes is checked against docs/agent-host-api.yaml (kin-openapi);
// a mismatch fails the test.
func Start(t testing.TB, cfg daemon.Config) *Harness {
	t.Helper()
	pol := cfg.Policy
	if pol == nil {
		pol = policytest.Policy(t)
	}
	_, _, vk := policytest.Keys(t)
	p := &Pipe{ToSigner: make(chan daemon.Message, 64), FromSigner: make(chan daemon.Message, 64)}
	cfg.Policy, cfg.Transport = pol, p
	if cfg.Prover == nil {
		cfg.Prover = policytest.Prover(t, pol)
	}
	d, err := daemon.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go d.Run(ctx)
	s := &Signer{pol: pol, vk: vk, win: &wire.State{}, seen: map[string]bool{}}
	go s.run(ctx, p)
	check := &SpecCheck{}
	t.Cleanup(func() { check.Report(t) }) // after the server closed: every response is in
	srv := httptest.NewServer(check.Wrap(t, d.Handler()))
	t.Cleanup(srv.Close)
	return &Harness{Server: srv, Signer: s, Pipe: p, Client: &daemon.Client{BaseURL: srv.URL}, Spec: check, Daemon: d, stop: cancel}
}
