package signer

import (
	"fmt"
	"math/big"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/wire"
)

// The two places the display model reads the policy. Everything else in
// display.go is independent of the policy format: a new format changes
// these two functions only (policy v2: ruleFor becomes the rule Match
// returns).

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

// ruleFor names the rule of pol that allows tx with spent already in the
// window at time now, or returns the policy_violation error of the rule it
// breaks. It is the same check the signer applies before signing
// (Policy.Check), so what the screen says allows a transaction is what
// lets it through.
func ruleFor(pol *policy.Policy, tx *wire.Tx, spent *big.Int, now uint64) (string, error) {
	if err := pol.Check(tx, spent, now); err != nil {
		return "", err
	}
	var target *policy.Target
	for i := range pol.Targets {
		if pol.Targets[i].Address == tx.To {
			target = &pol.Targets[i]
		}
	}
	if target == nil { // Check found it: cannot happen
		return "", wire.Violation(policy.RuleTarget, "%s is not an allowed target", tx.To.Hex())
	}
	name := target.Label
	if name == "" {
		name = tx.To.Hex()
	}
	call := policy.ParseCall(tx.Data)
	switch {
	case len(tx.Data) == 0:
		return fmt.Sprintf("%s may receive value transfers, up to %s each", name, FormatEther(&pol.MaxValuePerTx.Int)), nil
	case call.ERC20 && target.ERC20 != nil:
		what, who := "transfer", "recipient"
		if call.Kind == policy.KindSpender {
			what, who = "approve", "spender"
		}
		return fmt.Sprintf("%s: %s of at most %s base units to an allowlisted %s", name, what, target.ERC20.MaxAmount.String(), who), nil
	}
	return fmt.Sprintf("%s may be called with 0x%08x", name, call.Selector), nil
}
