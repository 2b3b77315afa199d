package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"sync"
	"time"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/prover"
	"github.com/leash-wallet/leash/wire"
)

// SigProver proves EIP-712 typed data (a *prover.SigProver).
type SigProver interface {
	Precheck(doc []byte, st *wire.State) (*policy.SigMatch, error)
	Prove(req prover.SigRequest) (*wire.SigProposal, error)
}

// CodeNotConfigured: the agent host has no typed-data prover (501).
const CodeNotConfigured wire.Code = "not_configured"

// DefaultSignatureWait bounds how long Sign waits for the signer's answer
// (a supervised signer waits for the user).
const DefaultSignatureWait = 2 * time.Minute

// SignatureRequest is the body of POST /v1/signatures.
type SignatureRequest struct {
	TypedData json.RawMessage `json:"typedData"` // eth_signTypedData_v4 document (a JSON object)
}

// Signature is the answer: the signer's signature, or why not.
type Signature struct {
	ID        string       `json:"id"`
	Status    string       `json:"status"` // signed or rejected
	Code      wire.Code    `json:"code,omitempty"`
	Message   string       `json:"message,omitempty"`
	Digest    *wire.Hash32 `json:"digest,omitempty"`
	Signature wire.Bytes   `json:"signature,omitempty"` // r ‖ s ‖ v, v 27 or 28
	Attempts  int          `json:"attempts"`
	ProveMs   float64      `json:"proveMs"`
	SignedMs  float64      `json:"signedMs"` // from sending to the signer's answer
}

// sigWaiters routes signature receipts to the request waiting for them.
type sigWaiters struct {
	mu sync.Mutex
	m  map[string]chan *wire.Receipt
}

func (w *sigWaiters) add(id string) chan *wire.Receipt {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.m == nil {
		w.m = map[string]chan *wire.Receipt{}
	}
	ch := make(chan *wire.Receipt, 4)
	w.m[id] = ch
	return ch
}

func (w *sigWaiters) remove(id string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.m, id)
}

// deliver hands r to its waiter and reports whether there was one.
func (w *sigWaiters) deliver(r *wire.Receipt) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	ch, ok := w.m[r.ID]
	if ok {
		select {
		case ch <- r:
		default: // a flood of answers for one id: the first ones count
		}
	}
	return ok
}

// Sign has the signer sign one typed-data document: a pre-check against
// the daemon's view of the window (a refusal names the rule before any
// proving), a proof, the proposal through the relay, and the wait for the
// receipt; a stale_state answer makes it adopt the signer's token sum and
// prove again (at most MaxAttempts proofs). Signatures are serialized: one
// is proven and sent at a time, so two never race for the same window.
func (d *Daemon) Sign(ctx context.Context, doc []byte) (Signature, error) {
	if d.cfg.Signatures == nil {
		return Signature{}, &wire.Error{Code: CodeNotConfigured, Message: "this agent host has no typed-data prover (typed.pk)"}
	}
	d.sigMu.Lock()
	defer d.sigMu.Unlock()
	out := Signature{ID: "s-" + prover.NewID()[2:]}
	for attempt := 1; attempt <= d.cfg.MaxAttempts; attempt++ {
		out.Attempts = attempt
		now := d.cfg.Clock()
		st := d.viewState(now)
		sm, err := d.cfg.Signatures.Precheck(doc, st)
		if err != nil {
			return rejectedSig(out, err), nil
		}
		t0 := time.Now()
		id := out.ID
		if attempt > 1 {
			id = fmt.Sprintf("%s.%d", out.ID, attempt)
		}
		p, err := d.cfg.Signatures.Prove(prover.SigRequest{ID: id, TypedData: doc, State: st})
		out.ProveMs = ms(time.Since(t0))
		if err != nil {
			return rejectedSig(out, err), nil
		}
		body, _ := json.Marshal(p)
		ch := d.sigs.add(id)
		t1 := time.Now()
		if err := d.cfg.Transport.Send(ctx, Message{Kind: KindProposal, Body: body}); err != nil {
			d.sigs.remove(id)
			return Signature{}, err
		}
		var r *wire.Receipt
		timer := time.NewTimer(DefaultSignatureWait)
	wait:
		for {
			select {
			case r = <-ch:
				if r.Status == wire.StatusPending {
					continue // the vault is locked or the user is asked
				}
				break wait
			case <-timer.C:
				d.sigs.remove(id)
				return Signature{}, wire.Errorf(wire.Internal, "no answer from the signer within %s (the proposal %s may still be signed)", DefaultSignatureWait, id)
			case <-ctx.Done():
				timer.Stop()
				d.sigs.remove(id)
				return Signature{}, ctx.Err()
			}
		}
		timer.Stop()
		d.sigs.remove(id)
		out.SignedMs = ms(time.Since(t1))
		switch {
		case r.Status == wire.StatusSigned && r.Signature != nil:
			if sm.Spends {
				d.spends.addToken(d.cfg.Clock(), sm.SpendToken, sm.SpendAmount)
			}
			out.Status, out.Digest, out.Signature, out.Code, out.Message = StatusSigned, r.Digest, r.Signature, "", ""
			return out, nil
		case r.Code == wire.StaleState && r.State != nil:
			if sm.Spends {
				d.spends.adoptToken(d.cfg.Clock(), sm.SpendToken, &r.State.TokenSpent.Int)
			}
			continue
		}
		out.Status, out.Code, out.Message = StatusRejected, r.Code, r.Message
		return out, nil
	}
	out.Status, out.Code, out.Message = StatusRejected, wire.StaleState, fmt.Sprintf("the window kept changing; tried %d proofs", d.cfg.MaxAttempts)
	return out, nil
}

func rejectedSig(out Signature, err error) Signature {
	out.Status, out.Code, out.Message = StatusRejected, wire.CodeOf(err), wire.MessageOf(err)
	return out
}

// handleSign serves POST /v1/signatures: 200 with the signature, 422 when
// the policy refuses it (the rule is named), 400 for a malformed body.
func (d *Daemon) handleSign(w http.ResponseWriter, r *http.Request) {
	var in SignatureRequest
	if !readBody(w, r, &in) {
		return
	}
	if len(in.TypedData) == 0 || in.TypedData[0] != '{' {
		writeErr(w, http.StatusBadRequest, wire.Malformed, "typedData must be an eth_signTypedData_v4 JSON object")
		return
	}
	s, err := d.Sign(r.Context(), in.TypedData)
	if err != nil {
		status := statusOf(err)
		if wire.CodeOf(err) == CodeNotConfigured {
			status = http.StatusNotImplemented
		}
		writeErr(w, status, wire.CodeOf(err), wire.MessageOf(err))
		return
	}
	switch {
	case s.Status == StatusSigned:
		writeJSON(w, http.StatusOK, s)
	case s.Code == wire.Malformed:
		writeErr(w, http.StatusBadRequest, s.Code, s.Message)
	default:
		writeJSON(w, http.StatusUnprocessableEntity, s)
	}
}

// readBody strictly decodes a bounded JSON body into v, answering the
// error itself when it cannot.
func readBody(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := readAllLimited(r)
	if err != nil {
		writeErr(w, http.StatusRequestEntityTooLarge, wire.Malformed, err.Error())
		return false
	}
	if err := wire.DecodeStrict(body, v, "request"); err != nil {
		writeErr(w, http.StatusBadRequest, wire.CodeOf(err), wire.MessageOf(err))
		return false
	}
	return true
}

// addToken counts a signed signature's token spend at now.
func (l *spendLedger) addToken(now time.Time, token wire.Address, amount *big.Int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.token(token).add(now, amount)
}

// adoptToken makes the view of token's window agree with the signer's sum.
func (l *spendLedger) adoptToken(now time.Time, token wire.Address, sum *big.Int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pruneLocked(now)
	l.token(token).adopt(now, sum)
}
