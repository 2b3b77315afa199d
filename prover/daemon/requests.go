package daemon

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/leash-wallet/leash/prover/abicall"
	"github.com/leash-wallet/leash/wire"
)

// Call is a contract call for the daemon to ABI-encode (package abicall):
// a canonical signature and its arguments as JSON values.
type Call struct {
	Function string            `json:"function"`
	Args     []json.RawMessage `json:"args"`
}

// Encode returns the calldata.
func (c *Call) Encode() ([]byte, error) { return abicall.Encode(c.Function, c.Args) }

// Transfer moves native coin or an ERC-20 token, in whole units.
type Transfer struct {
	To     *wire.Address `json:"to"`
	Amount string        `json:"amount"`          // whole units: "0.1" is 0.1 ETH (or 0.1 of the token)
	Token  string        `json:"token,omitempty"` // empty for the native coin; else an address, label or symbol
}

// Approval lets a spender move up to an amount of an ERC-20 token.
type Approval struct {
	Token   string        `json:"token"`
	Spender *wire.Address `json:"spender"`
	Amount  string        `json:"amount"` // whole units of the token
}

// ProgramRun is a program run's claim and decision, on its record.
type ProgramRun struct {
	Commitment wire.Hash32     `json:"commitment"`
	Name       string          `json:"name,omitempty"`
	Block      *wire.Uint64    `json:"block,omitempty"`
	Inputs     []wire.Quantity `json:"inputs,omitempty"`
	Decision   string          `json:"decision,omitempty"`
}

// SubmitTransfer pre-checks and queues a transfer in whole units (see
// Submit for idempotency). The token's decimals are read from the chain.
func (d *Daemon) SubmitTransfer(ctx context.Context, t Transfer, idempotencyKey string) (Record, error) {
	canonical, err := json.Marshal(t)
	if err != nil {
		return Record{}, err
	}
	return d.submit(ctx, request{kind: "transfer", canonical: canonical, build: func(ctx context.Context) (Intent, string, error) {
		if t.To == nil {
			return Intent{}, "", wire.Errorf(wire.Malformed, "to: required")
		}
		if t.Token == "" || isNativeName(t.Token) {
			v, err := ParseUnits(t.Amount, NativeDecimals, NativeSymbol)
			if err != nil {
				return Intent{}, "", err
			}
			q := wire.NewQuantity(v)
			return Intent{To: t.To, Value: &q}, fmt.Sprintf("transfer %s %s to %s", FormatUnits(v, NativeDecimals), NativeSymbol, t.To.Hex()), nil
		}
		return d.tokenCall(ctx, t.Token, "transfer", *t.To, t.Amount)
	}}, idempotencyKey)
}

// SubmitApproval pre-checks and queues an ERC-20 approve in whole units.
func (d *Daemon) SubmitApproval(ctx context.Context, a Approval, idempotencyKey string) (Record, error) {
	canonical, err := json.Marshal(a)
	if err != nil {
		return Record{}, err
	}
	return d.submit(ctx, request{kind: "approval", canonical: canonical, build: func(ctx context.Context) (Intent, string, error) {
		if a.Spender == nil || a.Token == "" {
			return Intent{}, "", wire.Errorf(wire.Malformed, "token and spender: required")
		}
		return d.tokenCall(ctx, a.Token, "approve", *a.Spender, a.Amount)
	}}, idempotencyKey)
}

// tokenCall builds transfer(to, amount) or approve(to, amount) on a token.
func (d *Daemon) tokenCall(ctx context.Context, token, fn string, to wire.Address, amount string) (Intent, string, error) {
	tok, err := d.tokens.resolve(ctx, token)
	if err != nil {
		return Intent{}, "", err
	}
	v, err := ParseUnits(amount, tok.Decimals, tok.Symbol)
	if err != nil {
		return Intent{}, "", err
	}
	toJSON, _ := json.Marshal(to.Hex())
	amtJSON, _ := json.Marshal(v.String())
	data, err := abicall.Encode(fn+"(address,uint256)", []json.RawMessage{toJSON, amtJSON})
	if err != nil {
		return Intent{}, "", err
	}
	verb := map[string]string{"transfer": "transfer %s %s (%s) to %s", "approve": "approve %[4]s to spend %[1]s %[2]s (%[3]s)"}[fn]
	return Intent{To: &tok.Address, Data: data}, fmt.Sprintf(verb, FormatUnits(v, tok.Decimals), tok.Symbol, tok.Address.Hex(), to.Hex()), nil
}

func isNativeName(s string) bool {
	switch s {
	case "ETH", "eth", "native", "ether":
		return true
	}
	return false
}
