package policy

import (
	"encoding/binary"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/leash-wallet/leash/wire"
)

// Rule names, as they appear in policy_violation:<rule> codes.
const (
	RuleCalldata       = "calldata"        // calldata over capacity, 1–3 bytes, or malformed ERC-20 arguments
	RuleChain          = "chain"           // chain id differs from the policy's
	RuleTime           = "time"            // outside notBefore…notAfter
	RuleTarget         = "target"          // `to` is not allowlisted
	RuleSelector       = "selector"        // (to, selector) or (to, plain transfer) not allowed
	RuleERC20Amount    = "erc20_amount"    // token amount above the token's cap
	RuleERC20Recipient = "erc20_recipient" // transfer to an address not allowlisted
	RuleERC20Spender   = "erc20_spender"   // approve for a spender not allowlisted
	RuleValue          = "value"           // value above the per-transaction cap
	RuleWindow         = "window"          // spent + value above the window cap
	RuleFee            = "fee"             // gas × maxFeePerGas above the fee cap
)

// Rules lists every rule in the order Check tests them.
var Rules = []string{RuleCalldata, RuleChain, RuleTime, RuleTarget, RuleSelector,
	RuleERC20Amount, RuleERC20Recipient, RuleERC20Spender, RuleValue, RuleWindow, RuleFee}

// Call is what the rules read out of a transaction's calldata.
type Call struct {
	Selector uint64 // ValueTransferSelector for empty calldata
	// ERC-20 transfer/approve arguments, when the calldata has that shape.
	ERC20     bool
	Kind      int64 // KindRecipient (transfer) or KindSpender (approve)
	Arg       wire.Address
	Amount    *big.Int
	ArgsValid bool // exactly 68 bytes, address and amount in range
}

// ParseCall reads the selector and, for transfer/approve, the arguments.
func ParseCall(data []byte) Call {
	c := Call{Selector: ValueTransferSelector, Amount: new(big.Int)}
	if len(data) == 0 {
		return c
	}
	var sel [4]byte
	copy(sel[:], data)
	c.Selector = uint64(binary.BigEndian.Uint32(sel[:]))
	switch c.Selector {
	case SelectorTransfer:
		c.ERC20, c.Kind = true, KindRecipient
	case SelectorApprove:
		c.ERC20, c.Kind = true, KindSpender
	default:
		return c
	}
	if len(data) != 68 {
		return c
	}
	copy(c.Arg[:], data[16:36])
	c.Amount.SetBytes(data[36:68])
	c.ArgsValid = allZero(data[4:16]) && allZero(data[36:52])
	return c
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

// Check applies every v1 rule to tx natively, given the spend already in the
// window and the time. It returns nil or a policy_violation:<rule> error for
// the first broken rule. It is the native twin of the circuit: whatever
// Check accepts the circuit proves, and whatever it refuses cannot be proven.
func (p *Policy) Check(tx *wire.Tx, spent *big.Int, now uint64) error {
	if err := tx.Check(); err != nil {
		return err
	}
	if len(tx.Data) > DataCapacity {
		return wire.Violation(RuleCalldata, "calldata is %d bytes, the circuit's capacity is %d", len(tx.Data), DataCapacity)
	}
	if n := len(tx.Data); n > 0 && n < 4 {
		return wire.Violation(RuleCalldata, "calldata of %d bytes is neither empty nor a function call", n)
	}
	if uint64(tx.ChainID) != p.ChainID {
		return wire.Violation(RuleChain, "chain id %d, the policy allows only %d", tx.ChainID, p.ChainID)
	}
	if now < uint64(p.NotBefore) {
		return wire.Violation(RuleTime, "the policy is valid from %d, the time is %d", p.NotBefore, now)
	}
	if now > uint64(p.NotAfter) {
		return wire.Violation(RuleTime, "the policy expired at %d, the time is %d", p.NotAfter, now)
	}
	call := ParseCall(tx.Data)
	m := p.membershipFor(tx.To, call)
	if !m.Found {
		return wire.Violation(RuleTarget, "%s is not an allowed target", tx.To.Hex())
	}
	if !m.SelFound {
		if call.Selector == ValueTransferSelector {
			return wire.Violation(RuleSelector, "plain value transfers to %s are not allowed", tx.To.Hex())
		}
		return wire.Violation(RuleSelector, "function 0x%08x is not allowed on %s", call.Selector, tx.To.Hex())
	}
	if m.IsToken && call.ERC20 {
		if !call.ArgsValid {
			return wire.Violation(RuleCalldata, "ERC-20 %s call with malformed arguments", kindName(call.Kind))
		}
		if call.Amount.Cmp(m.TokenCap) > 0 {
			return wire.Violation(RuleERC20Amount, "token amount %s is above the cap %s", call.Amount, m.TokenCap)
		}
		if !m.RecFound {
			if call.Kind == KindSpender {
				return wire.Violation(RuleERC20Spender, "%s is not an allowed spender of %s", call.Arg.Hex(), tx.To.Hex())
			}
			return wire.Violation(RuleERC20Recipient, "%s is not an allowed recipient of %s", call.Arg.Hex(), tx.To.Hex())
		}
	}
	value := &tx.Value.Int
	if value.Cmp(&p.MaxValuePerTx.Int) > 0 {
		return wire.Violation(RuleValue, "value %s is above the per-transaction cap %s", formatWei(value), formatWei(&p.MaxValuePerTx.Int))
	}
	total := new(big.Int).Add(spent, value)
	if spent.Sign() < 0 || total.Cmp(&p.Window.MaxValue.Int) > 0 {
		return wire.Violation(RuleWindow, "%s already spent in the window plus %s is above the window cap %s",
			formatWei(spent), formatWei(value), formatWei(&p.Window.MaxValue.Int))
	}
	fee := new(big.Int).Mul(new(big.Int).SetUint64(uint64(tx.Gas)), &tx.MaxFeePerGas.Int)
	if fee.Cmp(&p.MaxFeePerTx.Int) > 0 {
		return wire.Violation(RuleFee, "gas × maxFeePerGas = %s is above the fee cap %s", formatWei(fee), formatWei(&p.MaxFeePerTx.Int))
	}
	return nil
}

func kindName(k int64) string {
	if k == KindSpender {
		return "approve"
	}
	return "transfer"
}

// membershipFor looks up the witness data for a parsed call.
func (p *Policy) membershipFor(to wire.Address, call Call) Membership {
	var recip *fr.Element
	if call.ERC20 && call.ArgsValid {
		l := RecipientLeaf(call.Kind, call.Arg)
		recip = &l
	}
	return p.membership(to, call.Selector, recip)
}

// MembershipFor returns the Merkle witness data for tx (used by the prover).
func (p *Policy) MembershipFor(tx *wire.Tx) Membership {
	return p.membershipFor(tx.To, ParseCall(tx.Data))
}
