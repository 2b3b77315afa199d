package signer

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/wire"
)

// The two places the display model reads the policy. Everything else in
// display.go is independent of the policy format: a new format changes
// these two functions only.

// labelFor is the pinned policy's label for address a, or "".
func labelFor(pol *policy.Policy, a wire.Address) string {
	if pol == nil {
		return ""
	}
	for _, t := range pol.Targets {
		if t.Address == a {
			return t.Label
		}
	}
	return ""
}

// RuleArg is one calldata word of the call that allows a transaction: its
// name and type in the policy's call, its value, and the rule it passed.
type RuleArg struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Value string `json:"value"`
	Rule  string `json:"rule"`
}

// allowed is the rule of the pinned policy that allows a transaction.
type allowed struct {
	Rule  string    // in plain language, with every argument's rule
	Args  []RuleArg // the call's words, each with its rule
	Spend string    // what it counts toward a token window ("" when nothing)
}

// ruleFor names the call of pol that allows tx in window state st (its
// time is the clock the time rule reads), or returns the policy_violation
// error of the rule it breaks. It is the same check the signer applies
// before signing (Policy.Check, or CheckProgram for a program proof, which
// may use programOnly calls), and the call it names is the one Match finds
// for the prover and the ledger, so what the screen says allows a
// transaction is what lets it through.
func ruleFor(pol *policy.Policy, tx *wire.Tx, st *wire.State, program bool) (allowed, error) {
	check := pol.Check
	if program {
		check = pol.CheckProgram
	}
	if err := check(tx, st); err != nil {
		return allowed{}, err
	}
	m, err := pol.Match(tx)
	if err != nil { // Check passed, so Match does
		return allowed{}, err
	}
	name := labelFor(pol, tx.To)
	if name == "" {
		name = tx.To.Hex()
	}
	if m.Call.Selector == policy.ValueTransferSelector {
		return allowed{Rule: fmt.Sprintf("%s may receive value transfers, up to %s each", name, FormatEther(&pol.MaxValuePerTx.Int))}, nil
	}
	var a allowed
	parts := make([]string, 0, len(m.Call.Slots))
	for i, sl := range m.Call.Slots {
		arg := RuleArg{Name: sl.Name, Type: sl.Type, Value: wordText(pol, m.Data.Word(i), sl.Type), Rule: pol.DescribeWord(m.Call, i)}
		a.Args = append(a.Args, arg)
		n := arg.Name
		if n == "" {
			n = fmt.Sprintf("word %d", i)
		}
		parts = append(parts, fmt.Sprintf("%s = %s (%s)", n, arg.Value, arg.Rule))
	}
	a.Rule = fmt.Sprintf("%s may be called with %s", name, m.Call.Fn)
	if m.Call.ProgramOnly {
		a.Rule += " by a program proof only"
	}
	if len(parts) > 0 {
		a.Rule += ", each argument within its rule: " + strings.Join(parts, "; ")
	}
	if m.Spends {
		a.Spend = fmt.Sprintf("%s of %s's window (%s already moved, cap %s)", m.Window.Format(m.SpendAmount), pol.TargetName(m.SpendToken),
			m.Window.Format(st.TokenSpent(m.SpendToken)), m.Window.Format(m.Window.Max))
		a.Rule += "; counts " + a.Spend
	}
	return a, nil
}

// wordText shows a calldata word of type typ: an address with its label.
func wordText(pol *policy.Policy, v *big.Int, typ string) string {
	if typ == "address" && v.BitLen() <= 160 {
		var a wire.Address
		v.FillBytes(a[:])
		return pol.TargetName(a)
	}
	return v.String()
}
