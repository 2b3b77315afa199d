package daemon

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/wire"
)

// hint says, for a refusal, what would pass: the rule's limit in units and
// the budget left in its window, so that an agent can act on it. It is ""
// when there is nothing more useful than the message.
func (d *Daemon) hint(ctx context.Context, code wire.Code, tx *wire.Tx, now time.Time) string {
	p := d.cfg.Policy
	switch rule := code.Rule(); {
	case rule == policy.RuleWindow || rule == policy.RuleTokenWindow || rule == policy.RuleFeeWindow || rule == policy.RuleTxCount:
		return d.windowHint(ctx, rule, tx, now)
	case code == wire.WindowExceeded:
		return d.budgetSummary(ctx, now)
	case rule == policy.RuleValue:
		return fmt.Sprintf("At most %s per transaction. %s", fmtNative(&p.MaxValuePerTx.Int), d.budgetSummary(ctx, now))
	case rule == policy.RuleFee:
		asked := new(big.Int).Mul(new(big.Int).SetUint64(uint64(tx.Gas)), &tx.MaxFeePerGas.Int)
		return fmt.Sprintf("The fee cap is %s per transaction (gas limit × maxFeePerGas; this one allows %s). Lower the gas limit or maxFeePerGas, or leave them out for the daemon to fill in.",
			fmtNative(&p.MaxFeePerTx.Int), fmtNative(asked))
	case rule == policy.RuleTarget:
		return "Allowed destinations: " + d.targetList(p.Targets) + "."
	case rule == policy.RuleCall:
		if calls := p.CallsOn(tx.To); len(calls) > 0 {
			return fmt.Sprintf("On %s the policy allows: %s.", d.name(tx.To), allowedCalls(calls))
		}
	case rule == policy.RuleArg:
		if m, err := p.Locate(tx); err == nil {
			return fmt.Sprintf("The rules of this call on %s: %s.", d.name(tx.To), p.DescribeCall(m.Call))
		}
	case rule == policy.RuleProgramOnly || code == wire.ProgramOnly:
		return "This call is reserved for the pinned strategy program's proofs (run_program); a policy proof can never use it. Do not retry it as a transaction."
	case rule == policy.RuleTime:
		return fmt.Sprintf("The policy is valid from %s to %s; ask the user for a new policy.", fmtTime(uint64(p.NotBefore)), fmtTime(uint64(p.NotAfter)))
	case rule == policy.RuleChain:
		return fmt.Sprintf("The policy allows chain %d only.", p.ChainID)
	case rule == policy.RuleCalldata:
		return fmt.Sprintf("Calldata must be empty (a plain transfer) or a selector and whole 32-byte words, at most %d bytes, canonically encoded: ERC-20 transfer and approve take exactly two arguments.", policy.DataCapacity)
	case code == wire.Revoked:
		return "The user revoked this policy on chain (the kill switch): nothing will be signed until they publish a policy again. Stop and tell the user; retrying will not help."
	case code == wire.ProofInvalid || code == wire.UnknownPolicy:
		return "The signer does not accept this agent host's proofs: its policy or keys differ from what the user pinned. Tell the user; retrying will not help."
	case code == wire.Locked:
		return "The user's vault is locked: the signer keeps the proposal until they unlock it."
	case code == wire.StaleTime:
		return "The agent host's clock and the signer's differ by more than 2 minutes: fix the clock, then retry."
	case code == wire.StaleState || code == wire.NonceMismatch || code == wire.Replay:
		return "The signer's state kept moving while this was proven (other transactions in flight): retry."
	case code == "user_rejected":
		return "The user rejected it in their signer: do not retry without asking them."
	case code == wire.InputUnavailable:
		return "The signer could not read the program's inputs from its RPC: retry later."
	case code == wire.InputMismatch || code == wire.StaleInput:
		return "The inputs the program read differ from what the signer reads on chain now: run the program again."
	}
	return ""
}

// budgetSummary is every window rule in a sentence, with what would pass now.
func (d *Daemon) budgetSummary(ctx context.Context, now time.Time) string {
	var parts []string
	for _, w := range d.cfg.Budget.Windows(now) {
		parts = append(parts, d.describeWindow(ctx, w, now))
	}
	return strings.Join(parts, " ")
}

// windowHint is a window refusal's hint: the refused window first (for a
// token window, the window of the token tx spends), with what it still
// allows and when capacity frees up, then the others.
func (d *Daemon) windowHint(ctx context.Context, rule string, tx *wire.Tx, now time.Time) string {
	var token string
	if rule == policy.RuleTokenWindow {
		if m, err := d.cfg.Policy.Match(tx); err == nil && m.Spends {
			token = m.SpendToken.Hex()
		}
	}
	var first string
	var rest []string
	for _, w := range d.cfg.Budget.Windows(now) {
		s := d.describeWindow(ctx, w, now)
		if first == "" && w.Rule == rule && (rule != policy.RuleTokenWindow || strings.EqualFold(w.Token, token)) {
			first = windowName(w.Rule) + ": " + s
			continue
		}
		rest = append(rest, s)
	}
	if first == "" {
		return strings.Join(rest, " ")
	}
	if len(rest) == 0 {
		return first
	}
	return first + " Other windows: " + strings.Join(rest, " ")
}

// windowName names a window rule for a hint.
func windowName(rule string) string {
	switch rule {
	case policy.RuleFeeWindow:
		return "Refused by the fee window (gas limit × maxFeePerGas, counted whether the transaction succeeds or reverts)"
	case policy.RuleTxCount:
		return "Refused by the transaction count window"
	case policy.RuleTokenWindow:
		return "Refused by this token's window"
	}
	return "Refused by the value window"
}

// describeWindow: "2.7 ETH left of 3 ETH in any 1 day (0.3 ETH spent);
// 0.1 ETH frees up at 2026-…Z (in 23 h 59 min)."
func (d *Daemon) describeWindow(ctx context.Context, w WindowRule, now time.Time) string {
	amt := func(v *big.Int) string { return d.ruleAmount(ctx, w, v) }
	s := fmt.Sprintf("%s left of %s in any %s (%s spent)", amt(w.Remaining()), amt(w.Cap), fmtDuration(time.Duration(w.Seconds)*time.Second), amt(w.Spent))
	if w.Rule == policy.RuleTxCount {
		s = fmt.Sprintf("%s transactions left of %s in any %s", w.Remaining(), w.Cap, fmtDuration(time.Duration(w.Seconds)*time.Second))
	}
	if !w.ResetsAt.IsZero() {
		s += fmt.Sprintf("; %s frees up at %s (in %s)", amt(w.Frees), w.ResetsAt.UTC().Format(time.RFC3339), fmtDuration(w.ResetsAt.Sub(now)))
	}
	return s + "."
}

func (d *Daemon) ruleAmount(ctx context.Context, w WindowRule, v *big.Int) string {
	if w.Rule == policy.RuleTxCount {
		return v.String()
	}
	if w.Token == "" {
		return fmtNative(v)
	}
	if a, err := wire.ParseAddress(w.Token); err == nil {
		return d.tokenAmount(ctx, a, v)
	}
	return v.String() + " " + w.Token
}

// tokenAmount writes base units of a token in whole units with its symbol
// (its decimals read from the chain, else the policy's symbol and decimals,
// which are for display only), or in base units.
func (d *Daemon) tokenAmount(ctx context.Context, token wire.Address, v *big.Int) string {
	if t, err := d.tokens.get(ctx, token); err == nil {
		return FormatUnits(v, t.Decimals) + " " + t.Symbol
	}
	if w := d.cfg.Policy.TokenWindow(token); w != nil && w.Symbol != "" && w.Decimals >= 0 {
		return w.Format(v)
	}
	return v.String() + " base units"
}

func (d *Daemon) target(a wire.Address) *policy.Target {
	for i := range d.cfg.Policy.Targets {
		if d.cfg.Policy.Targets[i].Address == a {
			return &d.cfg.Policy.Targets[i]
		}
	}
	return nil
}

// name is an address with the policy's label: "Alice (0x7099…)".
func (d *Daemon) name(a wire.Address) string {
	if t := d.target(a); t != nil && t.Label != "" {
		return t.Label + " (" + a.Hex() + ")"
	}
	return a.Hex()
}

func (d *Daemon) targetList(ts []policy.Target) string {
	s := make([]string, 0, len(ts))
	for i, t := range ts {
		if i == 10 {
			s = append(s, fmt.Sprintf("and %d more (describe_policy lists them)", len(ts)-10))
			break
		}
		s = append(s, d.name(t.Address))
	}
	return strings.Join(s, ", ")
}

func allowedCalls(calls []*policy.CallRule) string {
	var s []string
	for _, c := range calls {
		if c.Selector == policy.ValueTransferSelector {
			s = append(s, "plain transfers of ETH")
		} else {
			s = append(s, c.Fn)
		}
	}
	if len(s) == 0 {
		return "nothing"
	}
	return strings.Join(s, ", ")
}

func fmtNative(v *big.Int) string { return FormatUnits(v, NativeDecimals) + " " + NativeSymbol }

func fmtTime(unix uint64) string { return time.Unix(int64(unix), 0).UTC().Format(time.RFC3339) }

// fmtDuration: "3 h 5 min", "45 s", "2 days".
func fmtDuration(d time.Duration) string {
	d = max(d, 0).Round(time.Second)
	switch {
	case d >= 48*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	case d == 24*time.Hour:
		return "1 day"
	case d >= time.Hour:
		h, m := d/time.Hour, (d%time.Hour)/time.Minute
		if m == 0 {
			return fmt.Sprintf("%d h", h)
		}
		return fmt.Sprintf("%d h %d min", h, m)
	case d >= time.Minute:
		return fmt.Sprintf("%d min", (d+30*time.Second)/time.Minute)
	}
	return fmt.Sprintf("%d s", d/time.Second)
}
