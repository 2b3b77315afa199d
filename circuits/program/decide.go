package program

import (
	"math/big"

	"github.com/leash-wallet/leash/wire"
)

// Action is a program's decision.
type Action int

// The actions. Only Buy and Sell produce a transaction.
const (
	Hold Action = iota
	Buy
	Sell
)

func (a Action) String() string {
	switch a {
	case Buy:
		return "buy"
	case Sell:
		return "sell"
	}
	return "hold"
}

// MarshalText renders the action as "hold", "buy" or "sell".
func (a Action) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// Decision is what a program decided from its inputs. For Buy it spends
// AmountIn of Quote for at least MinOut of Base; for Sell it spends AmountIn
// of Base for at least MinOut of Quote. AmountIn and MinOut are 0 for Hold.
type Decision struct {
	Action   Action       `json:"action"`
	TokenIn  wire.Address `json:"tokenIn"`
	AmountIn *big.Int     `json:"amountIn"`
	MinOut   *big.Int     `json:"minOut"`
}

// Decide runs the program's native twin on its inputs: the last
// Tmpl().Inputs oracle answers as of one block, oldest first.
func (p *Program) Decide(inputs []*big.Int) (Decision, error) {
	if err := CheckInputs(p.tmpl, inputs); err != nil {
		return Decision{}, err
	}
	var buy, sell bool
	var amount *big.Int
	switch {
	case p.Threshold != nil:
		buy, sell, amount = p.Threshold.decide(inputs)
	case p.MLP != nil:
		buy, sell, amount = p.MLP.decide(inputs)
	}
	d := Decision{AmountIn: new(big.Int), MinOut: new(big.Int)}
	if amount.Sign() == 0 || buy == sell {
		return d, nil
	}
	d.AmountIn.Set(amount)
	d.Action, d.TokenIn = Sell, p.Base
	if buy {
		d.Action, d.TokenIn = Buy, p.Quote
	}
	d.MinOut = MinOut(buy, amount, inputs[len(inputs)-1], &p.PriceScale.Int, p.SlippageBps)
	return d, nil
}

// MinOut is the swap's minimum output at the oracle price p less the
// slippage allowance (floor division, as the circuit does):
//
//	sell: amountIn · p · (10000 − bps) / (priceScale · 10000)
//	buy:  amountIn · priceScale · (10000 − bps) / (p · 10000)
func MinOut(buy bool, amountIn, p, priceScale *big.Int, slippageBps uint64) *big.Int {
	keep := big.NewInt(int64(BpsDenominator - slippageBps))
	num := new(big.Int).Mul(amountIn, keep)
	den := big.NewInt(BpsDenominator)
	if buy {
		num.Mul(num, priceScale)
		den.Mul(den, p)
	} else {
		num.Mul(num, p)
		den.Mul(den, priceScale)
	}
	return num.Quo(num, den)
}

// SwapSignature is the pool function a trade calls; its last argument is
// the deadline block the pool enforces.
const SwapSignature = "swapExactIn(address,uint256,uint256,address,uint256)"

// SwapSelector is its 4-byte selector, keccak256(SwapSignature)[:4] (a
// literal, not computed at start-up; TestSwapSelector checks it).
var SwapSelector = [4]byte{0xb2, 0x6a, 0xef, 0xb9}

// SwapWords is the number of calldata words of the swap.
const SwapWords = 5

// CalldataLen is the length of the swap calldata: a selector and 5 words.
const CalldataLen = 4 + SwapWords*32

// Deadline is the last block a trade decided at block B may execute in.
func (p *Program) Deadline(block uint64) uint64 { return block + p.DeadlineBlocks }

// Calldata encodes the swap call of a Buy or Sell decision made from the
// inputs of block: swapExactIn(tokenIn, amountIn, minOut, recipient,
// block + deadlineBlocks).
func (p *Program) Calldata(d Decision, block uint64) []byte {
	out := make([]byte, CalldataLen)
	copy(out, SwapSelector[:])
	copy(out[4+12:4+32], d.TokenIn[:])
	d.AmountIn.FillBytes(out[36:68])
	d.MinOut.FillBytes(out[68:100])
	copy(out[100+12:132], p.Recipient[:])
	new(big.Int).SetUint64(p.Deadline(block)).FillBytes(out[132:164])
	return out
}

// Fees are the transaction fields a program does not decide: the prover
// picks them and the policy bounds them.
type Fees struct {
	ChainID              uint64
	Nonce                uint64
	Gas                  uint64
	MaxFeePerGas         *big.Int
	MaxPriorityFeePerGas *big.Int
}

// ErrHold is returned by BuildTx when the decision is to hold: there is no
// transaction to sign.
var ErrHold = &wire.Error{Code: NoTrade, Message: "the program decided to hold: there is no transaction to propose"}

// NoTrade is the prover-side code for a program that holds. It never
// appears in a receipt: a holding program proposes nothing.
const NoTrade wire.Code = "no_trade"

// BuildTx is the transaction a decision made at block determines: to the
// pool, no value, the swap calldata with its deadline. Only the fields in f
// are free.
func (p *Program) BuildTx(d Decision, block uint64, f Fees) (*wire.Tx, error) {
	if d.Action == Hold {
		return nil, ErrHold
	}
	tx := &wire.Tx{
		ChainID:              wire.Uint64(f.ChainID),
		Nonce:                wire.Uint64(f.Nonce),
		To:                   p.Pool,
		Data:                 p.Calldata(d, block),
		Gas:                  wire.Uint64(f.Gas),
		MaxFeePerGas:         wire.NewQuantity(orZero(f.MaxFeePerGas)),
		MaxPriorityFeePerGas: wire.NewQuantity(orZero(f.MaxPriorityFeePerGas)),
	}
	if err := tx.Check(); err != nil {
		return nil, err
	}
	return tx, nil
}

func orZero(x *big.Int) *big.Int {
	if x == nil {
		return new(big.Int)
	}
	return x
}
