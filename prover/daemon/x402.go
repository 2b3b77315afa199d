package daemon

import (
	"context"
	"math/big"
	"net/http"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/prover/x402"
	"github.com/leash-wallet/leash/wire"
)

// X402Limits derives the x402 client's limits from the policy's signature
// rules for EIP-3009 TransferWithAuthorization (x402 "exact"): each rule's
// token on its chain with the per-payment max of its `value` field, the
// payees its `to` field allows, and maxValidity less a margin for the
// signer's clock (min(60 s, maxValidity/10)). The window itself is the
// daemon's pre-check and the signer's, not a lifetime budget here.
func X402Limits(pol *policy.Policy) x402.Limits {
	var lim x402.Limits
	seen := map[common.Address]bool{}
	for _, sr := range pol.SignatureRules() {
		if sr.Rule.PrimaryType != "TransferWithAuthorization" {
			continue
		}
		al := x402.AssetLimit{ChainID: sr.ChainID, Asset: common.Address(sr.Contract)}
		for i, s := range sr.Slots {
			switch s.Name {
			case "value":
				if m := sr.MaxOf(i); m != nil {
					al.MaxAmount = m
				} else if s.Flags&policy.FlagEq != 0 {
					al.MaxAmount = new(big.Int).Set(s.Ops[1])
				} else {
					al.MaxAmount = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), policy.HalfBits), big.NewInt(1))
				}
			case "to":
				for _, a := range pol.AllowedAddresses(sr.CallRule, i) {
					if !seen[common.Address(a)] {
						seen[common.Address(a)] = true
						lim.Payees = append(lim.Payees, common.Address(a))
					}
				}
			}
		}
		lim.Assets = append(lim.Assets, al)
	}
	v := time.Duration(pol.MaxValidity) * time.Second
	margin := min(time.Minute, v/10)
	lim.MaxValidity = v - margin
	if lim.MaxValidity <= 0 {
		lim.MaxValidity = time.Second
	}
	return lim
}

// x402Signer is the leashed signer as prover/x402's Signer: each document
// is pre-checked, proven and signed through the relay (Daemon.Sign).
type x402Signer struct{ d *Daemon }

func (s x402Signer) SignTypedData(ctx context.Context, doc []byte) ([]byte, error) {
	sig, err := s.d.Sign(ctx, doc)
	if err != nil {
		return nil, err
	}
	if hold, ok := ctx.Value(sigKey{}).(*Signature); ok {
		*hold = sig
	}
	if sig.Status != StatusSigned {
		return nil, &wire.Error{Code: sig.Code, Message: sig.Message}
	}
	return sig.Signature, nil
}

// X402Request is the body of POST /v1/x402/fetch.
type X402Request struct {
	URL    string `json:"url"`
	Method string `json:"method,omitempty"` // default GET
	Body   string `json:"body,omitempty"`
}

// X402Result is its answer: the resource's answer, and the payment made
// and its settlement when the server asked for one.
type X402Result struct {
	Status     int              `json:"status"`
	Body       string           `json:"body"` // the resource's body (at most 64 KiB shown)
	Paid       bool             `json:"paid"`
	Payment    *X402Payment     `json:"payment,omitempty"`
	Settlement *x402.Settlement `json:"settlement,omitempty"`
	Code       wire.Code        `json:"code,omitempty"`
	Message    string           `json:"message,omitempty"`
	// Timings of a paid request: the whole fetch, the proof, and the
	// signer's share (from sending the proposal to its answer).
	TotalMs  float64 `json:"totalMs"`
	ProveMs  float64 `json:"proveMs"`
	SignerMs float64 `json:"signerMs"`
}

// X402Payment is the payment the signer signed.
type X402Payment struct {
	Network string `json:"network"`
	Asset   string `json:"asset"`
	PayTo   string `json:"payTo"`
	Amount  string `json:"amount"` // atomic units
}

// sigKey carries, in a FetchX402 context, where to keep the signature's
// timings.
type sigKey struct{}

type x402State struct {
	once   sync.Once
	client *x402.Client
	err    error
}

// X402 returns the daemon's x402 client (the leashed signer, the policy's
// limits), made on first use.
func (d *Daemon) X402() (*x402.Client, error) {
	d.x402.once.Do(func() {
		if d.cfg.Signatures == nil {
			d.x402.err = &wire.Error{Code: CodeNotConfigured, Message: "this agent host has no typed-data prover (typed.pk): it cannot pay"}
			return
		}
		d.x402.client, d.x402.err = x402.New(x402.Config{From: common.Address(d.cfg.Policy.Account), Signer: x402Signer{d}, Limits: X402Limits(d.cfg.Policy), HTTP: d.cfg.X402HTTP})
	})
	return d.x402.client, d.x402.err
}

// FetchX402 fetches a URL, paying with one signed x402 payment if the
// server asks (prover/x402: x402 v2, exact scheme, EIP-3009).
func (d *Daemon) FetchX402(ctx context.Context, in X402Request) (X402Result, error) {
	c, err := d.X402()
	if err != nil {
		return X402Result{}, err
	}
	if in.URL == "" {
		return X402Result{}, wire.Errorf(wire.Malformed, "url: required")
	}
	var sig Signature
	t0 := time.Now()
	res, err := c.Fetch(context.WithValue(ctx, sigKey{}, &sig), x402.Request{Method: in.Method, URL: in.URL, Body: []byte(in.Body)})
	out := X402Result{TotalMs: ms(time.Since(t0)), ProveMs: sig.ProveMs, SignerMs: sig.SignedMs}
	if res != nil {
		out.Status, out.Settlement = res.Status, res.Settlement
		b := res.Body
		if len(b) > 64<<10 {
			b = b[:64<<10]
		}
		out.Body = string(b)
		if p := res.Payment; p != nil {
			out.Paid = true
			out.Payment = &X402Payment{Network: p.Requirements.Network, Asset: p.Requirements.Asset, PayTo: p.Requirements.PayTo, Amount: p.Requirements.Amount}
		}
	}
	if err != nil {
		if res == nil && wire.CodeOf(err) == wire.Internal {
			return X402Result{}, err
		}
		out.Code, out.Message = wire.CodeOf(err), wire.MessageOf(err)
	}
	return out, nil
}

// handleX402 serves POST /v1/x402/fetch: 200 with the resource's answer
// (paid or not), 422 when the payment is refused (by the limits, the
// policy, the signer or the server; the code says which).
func (d *Daemon) handleX402(w http.ResponseWriter, r *http.Request) {
	var in X402Request
	if !readBody(w, r, &in) {
		return
	}
	res, err := d.FetchX402(r.Context(), in)
	if err != nil {
		status := statusOf(err)
		if wire.CodeOf(err) == CodeNotConfigured {
			status = http.StatusNotImplemented
		}
		writeErr(w, status, wire.CodeOf(err), wire.MessageOf(err))
		return
	}
	if res.Code != "" {
		writeJSON(w, http.StatusUnprocessableEntity, res)
		return
	}
	writeJSON(w, http.StatusOK, res)
}
