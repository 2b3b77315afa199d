package daemon

import (
	"context"
	"math/big"
	"time"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/wire"
)

// Wallet is what GET /v1/wallet returns: everything an agent needs to know
// before it spends, in units.
type Wallet struct {
	Account        *wire.Address  `json:"account,omitempty"` // absent without --account
	ChainID        uint64         `json:"chainId"`
	Balances       []Balance      `json:"balances"`
	Budget         []BudgetLine   `json:"budget"`
	PerTransaction PerTransaction `json:"perTransaction"`
	Policy         WalletPolicy   `json:"policy"`
	Signer         SignerStatus   `json:"signer"`
	Warnings       []string       `json:"warnings"` // what could not be read
}

// Balance is one balance in whole units.
type Balance struct {
	Symbol   string        `json:"symbol"`
	Token    *wire.Address `json:"token,omitempty"` // absent for the native coin
	Label    string        `json:"label,omitempty"`
	Decimals int           `json:"decimals"`
	Amount   string        `json:"amount"` // whole units, e.g. "99.7"
	Raw      string        `json:"raw"`    // base units, decimal
}

// BudgetLine is a window rule's state in whole units.
type BudgetLine struct {
	Rule          string     `json:"rule"`
	Symbol        string     `json:"symbol"`
	Token         string     `json:"token,omitempty"`
	Spent         string     `json:"spent"`
	Cap           string     `json:"cap"`
	Remaining     string     `json:"remaining"`
	WindowSeconds uint64     `json:"windowSeconds"`
	ResetsAt      *time.Time `json:"resetsAt,omitempty"`
	Frees         string     `json:"frees,omitempty"`
	Text          string     `json:"text"`
}

// PerTransaction are the policy's per-transaction caps in whole units.
type PerTransaction struct {
	MaxValue string     `json:"maxValue"` // e.g. "1 ETH"
	MaxFee   string     `json:"maxFee"`
	Tokens   []TokenCap `json:"tokens"`
}

// TokenCap is a token's per-transfer cap and who may receive it (from its
// transfer and approve calls' rules).
type TokenCap struct {
	Token      wire.Address `json:"token"`
	Label      string       `json:"label,omitempty"`
	MaxAmount  string       `json:"maxAmount"` // whole units with the symbol, or base units; "" without a per-transfer max
	Recipients []string     `json:"recipients"`
	Spenders   []string     `json:"spenders"`
}

// WalletPolicy names the policy.
type WalletPolicy struct {
	Commitment  wire.Hash32 `json:"commitment"`
	Name        string      `json:"name,omitempty"`
	NotAfter    time.Time   `json:"notAfter"`
	Description string      `json:"description"`
}

// SignerStatus is what the daemon knows of its signer and the link to it.
type SignerStatus struct {
	Paired         bool       `json:"paired"`
	Relay          string     `json:"relay,omitempty"`
	RelayConnected *bool      `json:"relayConnected,omitempty"`
	LastHeard      *time.Time `json:"lastHeard,omitempty"` // the signer's last message
	Receipts       uint64     `json:"receipts"`
	NextNonce      *uint64    `json:"nextNonce,omitempty"` // as last confirmed
	InFlight       int        `json:"inFlight"`            // proposals sent, no answer yet
	Queued         int        `json:"queued"`
}

// Wallet gathers the wallet's details. What cannot be read (no RPC, an RPC
// error) is left out and named in Warnings.
func (d *Daemon) Wallet(ctx context.Context) Wallet {
	now := d.cfg.Clock()
	p := d.cfg.Policy
	w := Wallet{ChainID: p.ChainID, Balances: []Balance{}, Budget: []BudgetLine{}, Warnings: []string{},
		PerTransaction: PerTransaction{MaxValue: fmtNative(&p.MaxValuePerTx.Int), MaxFee: fmtNative(&p.MaxFeePerTx.Int), Tokens: []TokenCap{}},
		Policy:         WalletPolicy{Commitment: p.Commitment(), Name: p.Name, NotAfter: time.Unix(int64(p.NotAfter), 0).UTC(), Description: p.Describe()}}
	if d.cfg.Account != (wire.Address{}) {
		a := d.cfg.Account
		w.Account = &a
	}
	w.Balances, w.Warnings = d.balances(ctx, w.Warnings)
	for _, r := range d.cfg.Budget.Windows(now) {
		w.Budget = append(w.Budget, d.budgetLine(ctx, r, now))
	}
	for _, t := range d.tokens.policyTokens() {
		c := TokenCap{Token: t.Address, Label: t.Label, Recipients: []string{}, Spenders: []string{}}
		if tr := erc20Call(p, t.Address, policy.SelectorTransfer); tr != nil {
			if max := tr.MaxOf(1); max != nil {
				c.MaxAmount = d.tokenAmount(ctx, t.Address, max)
			}
			c.Recipients = names(d, p.AllowedAddresses(tr, 0))
		}
		if ap := erc20Call(p, t.Address, policy.SelectorApprove); ap != nil {
			c.Spenders = names(d, p.AllowedAddresses(ap, 0))
		}
		w.PerTransaction.Tokens = append(w.PerTransaction.Tokens, c)
	}
	w.Signer = d.signerStatus()
	return w
}

func names(d *Daemon, as []wire.Address) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = d.name(a)
	}
	return out
}

func (d *Daemon) balances(ctx context.Context, warn []string) ([]Balance, []string) {
	out := []Balance{}
	if d.cfg.Reader == nil || d.cfg.Account == (wire.Address{}) {
		return out, append(warn, "no chain RPC (--rpc and --account): balances are unknown")
	}
	acct := d.cfg.Account
	if v, err := d.cfg.Reader.Balance(ctx, acct); err == nil {
		out = append(out, Balance{Symbol: NativeSymbol, Decimals: NativeDecimals, Amount: FormatUnits(v, NativeDecimals), Raw: v.String()})
	} else {
		warn = append(warn, "native balance: "+err.Error())
	}
	for _, t := range d.tokens.policyTokens() {
		tok, err := d.tokens.get(ctx, t.Address)
		if err != nil {
			warn = append(warn, wire.MessageOf(err))
			continue
		}
		v, err := d.tokens.balanceOf(ctx, t.Address, acct)
		if err != nil {
			warn = append(warn, tok.Symbol+" balance: "+err.Error())
			continue
		}
		a := t.Address
		out = append(out, Balance{Symbol: tok.Symbol, Token: &a, Label: t.Label, Decimals: tok.Decimals,
			Amount: FormatUnits(v, tok.Decimals), Raw: v.String()})
	}
	return out, warn
}

func (d *Daemon) budgetLine(ctx context.Context, r WindowRule, now time.Time) BudgetLine {
	unit := func(v *big.Int) string { return d.ruleAmount(ctx, r, v) }
	sym := NativeSymbol
	if r.Rule == policy.RuleTxCount {
		sym = ""
	}
	if r.Token != "" {
		sym = r.Token
		if a, err := wire.ParseAddress(r.Token); err == nil {
			if t, err := d.tokens.get(ctx, a); err == nil {
				sym = t.Symbol
			} else if tw := d.cfg.Policy.TokenWindow(a); tw != nil && tw.Symbol != "" {
				sym = tw.Symbol // the policy's, for display only
			}
		}
	}
	l := BudgetLine{Rule: r.Rule, Symbol: sym, Token: r.Token, Spent: unit(r.Spent), Cap: unit(r.Cap),
		Remaining: unit(r.Remaining()), WindowSeconds: r.Seconds, Text: d.describeWindow(ctx, r, now)}
	if !r.ResetsAt.IsZero() {
		t := r.ResetsAt.UTC()
		l.ResetsAt, l.Frees = &t, unit(r.Frees)
	}
	return l
}

func (d *Daemon) signerStatus() SignerStatus {
	s := SignerStatus{Paired: true, Queued: len(d.jobs)}
	if lr, ok := d.cfg.Transport.(linkReporter); ok {
		l := lr.Link()
		s.Relay, s.RelayConnected = l.Relay, &l.Connected
	}
	if t, n := d.link.get(); !t.IsZero() {
		tt := t.UTC()
		s.LastHeard, s.Receipts = &tt, n
	}
	d.mu.Lock()
	if d.nonceSet {
		n := d.nonce
		s.NextNonce = &n
	}
	for _, j := range d.inflight {
		if j.isSent {
			s.InFlight++
		}
	}
	d.mu.Unlock()
	return s
}
