package policy

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/leash-wallet/leash/wire"
)

// NumPublicInputs is the length of the public-input vector of the universal
// policy circuit (v2).
const NumPublicInputs = 16

// PublicInputNames names the public inputs in circuit order.
var PublicInputNames = [NumPublicInputs]string{
	"commitment", "chainId", "nonce", "to", "valueHi", "valueLo", "gas",
	"maxFeePerGas", "maxPriorityFeePerGas", "dataDigest", "time", "spent",
	"feesSpent", "txCount", "spendToken", "tokenSpent",
}

// NumSigPublicInputs is the length of the typed-data circuit's public-input
// vector.
const NumSigPublicInputs = 7

// SigPublicInputNames names the typed-data circuit's public inputs in order.
var SigPublicInputNames = [NumSigPublicInputs]string{
	"commitment", "chainId", "verifyingContract", "structDigest", "time", "spendToken", "tokenSpent",
}

// PublicInputs computes x = PI(T, C, S, t), the public-input vector of the
// universal policy circuit, in circuit order, for this policy's commitment.
// The signer calls it with its own state st (its window sums) and the
// proposal's skew-checked time t; nothing here comes from a proposal except
// the transaction itself. The spend token and its window sum follow from
// the call that allows tx (Match); a transaction no call allows gets 0 for
// both (its proof cannot verify anyway).
func (p *Policy) PublicInputs(tx *wire.Tx, st *wire.State, t uint64) ([]fr.Element, error) {
	if err := tx.Check(); err != nil {
		return nil, err
	}
	if err := st.Check(); err != nil {
		return nil, wire.Errorf(wire.Malformed, "state: %s", wire.MessageOf(err))
	}
	d, ok := SplitCalldata(tx.Data)
	if !ok {
		return nil, wire.Violation(RuleCalldata, "calldata of %d bytes is not empty or a selector and 0 to %d whole 32-byte words", len(tx.Data), Words)
	}
	var token wire.Address
	tokenSpent := new(big.Int)
	if m, err := p.Match(tx); err == nil && m.Spends {
		token, tokenSpent = m.SpendToken, st.TokenSpent(m.SpendToken)
	}
	var c fr.Element
	c.SetBytes(p.commitment[:])
	v := &tx.Value.Int
	return []fr.Element{
		c,
		ElemU64(uint64(tx.ChainID)),
		ElemU64(uint64(tx.Nonce)),
		ElemBytes(tx.To[:]),
		Elem(new(big.Int).Rsh(v, HalfBits)),
		Elem(new(big.Int).And(v, maxHalf)),
		ElemU64(uint64(tx.Gas)),
		Elem(&tx.MaxFeePerGas.Int),
		Elem(&tx.MaxPriorityFeePerGas.Int),
		d.Digest(),
		ElemU64(t),
		Elem(&st.Spent.Int),
		Elem(&st.Fees.Int),
		ElemU64(st.Txs),
		ElemBytes(token[:]),
		Elem(tokenSpent),
	}, nil
}

// Hint is the window state a proposal for tx states when proven against
// st: the value and fee sums, the count, and the sum of the token tx
// spends (0 when it spends none).
func (p *Policy) Hint(tx *wire.Tx, st *wire.State) wire.Hint {
	h := wire.Hint{Spent: wire.NewQuantity(&st.Spent.Int), Fees: wire.NewQuantity(&st.Fees.Int), Txs: st.Txs}
	if m, err := p.Match(tx); err == nil && m.Spends {
		h.TokenSpent = wire.NewQuantity(st.TokenSpent(m.SpendToken))
	}
	return h
}

// Count adds to st what signing tx counts toward the window: its value, its
// fee (gas × maxFeePerGas), one transaction and, when its call spends a
// token, that amount. Agent hosts use it to follow the signer's window
// between receipts; the signer's ledger does the same when it reserves.
func (p *Policy) Count(st *wire.State, tx *wire.Tx) {
	st.Spent = wire.NewQuantity(new(big.Int).Add(&st.Spent.Int, &tx.Value.Int))
	st.Fees = wire.NewQuantity(new(big.Int).Add(&st.Fees.Int, TxFee(tx)))
	st.Txs++
	if m, err := p.Match(tx); err == nil && m.Spends {
		st.SetTokenSpent(m.SpendToken, new(big.Int).Add(st.TokenSpent(m.SpendToken), m.SpendAmount))
	}
}

// TakeHint sets st's sums to those of a receipt's hint h, for the
// transaction tx the receipt answers (whose token the hint's token sum is).
func (p *Policy) TakeHint(st *wire.State, tx *wire.Tx, h *wire.Hint) {
	st.Spent, st.Fees, st.Txs = wire.NewQuantity(&h.Spent.Int), wire.NewQuantity(&h.Fees.Int), h.Txs
	if m, err := p.Match(tx); err == nil && m.Spends {
		st.SetTokenSpent(m.SpendToken, &h.TokenSpent.Int)
	}
}

// TargetsRoot returns the root of the targets tree.
func (p *Policy) TargetsRoot() fr.Element { return p.tree.Root() }

// TokenWindowsRoot returns the root of the token-windows tree.
func (p *Policy) TokenWindowsRoot() fr.Element { return p.tokenTree.Root() }
