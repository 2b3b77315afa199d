package programcircuit

import (
	"errors"
	"math/big"
	"sync"

	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"

	"github.com/leash-wallet/leash/circuits/policycircuit"
)

// divHint computes q = floor(a / b) and r = a mod b for the field elements
// a and b read as non-negative integers. The circuit checks the result.
func divHint(_ *big.Int, in []*big.Int, out []*big.Int) error {
	if len(in) != 2 || len(out) != 2 {
		return errors.New("divHint: want 2 inputs and 2 outputs")
	}
	if in[1].Sign() == 0 {
		return errors.New("divHint: division by zero")
	}
	out[0].QuoRem(in[0], in[1], out[1])
	return nil
}

var registerHints = sync.OnceFunc(func() { solver.RegisterHint(divHint) })

// Hints returns the solver hints program circuits use (for solver.WithHints).
func Hints() []solver.Hint { return []solver.Hint{divHint} }

// gadgets are the arithmetic building blocks shared by the templates. Range
// checks are plain binary decompositions (no api.Commit), so proofs stay
// standard Groth16.
type gadgets struct{ api frontend.API }

func newGadgets(api frontend.API) gadgets {
	registerHints()
	return gadgets{api}
}

// check asserts 0 ≤ x < 2^n and returns the bits, least significant first.
func (g gadgets) check(x frontend.Variable, n int) []frontend.Variable {
	return g.api.ToBinary(x, n)
}

// recompose packs bits (least significant first) into a value.
func (g gadgets) recompose(bits []frontend.Variable) frontend.Variable {
	return g.api.FromBinary(bits...)
}

// less returns 1 when a < b, 0 otherwise, for a, b in [0, 2^n). Operands
// outside that range make the circuit unsatisfiable.
func (g gadgets) less(a, b frontend.Variable, n int) frontend.Variable {
	// d = b − a − 1 + 2^n lies in [0, 2^(n+1)); its top bit is a < b.
	d := g.api.Add(g.api.Sub(b, a), new(big.Int).Sub(pow2(n), big.NewInt(1)))
	return g.check(d, n+1)[n]
}

// min returns min(a, b) for a, b in [0, 2^n).
func (g gadgets) min(a, b frontend.Variable, n int) frontend.Variable {
	return g.api.Select(g.less(a, b, n), a, b)
}

// divFloor returns floor(num / den) for 0 < den < 2^dBits whose quotient is
// below 2^qBits (qBits + dBits ≤ 252, so q·den + r cannot wrap the field).
func (g gadgets) divFloor(num, den frontend.Variable, qBits, dBits int) frontend.Variable {
	if qBits+dBits > 252 {
		panic("divFloor: bounds too wide for the field")
	}
	out, err := g.api.Compiler().NewHint(divHint, 2, num, den)
	if err != nil {
		panic(err)
	}
	q, r := out[0], out[1]
	g.check(q, qBits)
	g.check(r, dBits)
	g.check(g.api.Sub(g.api.Sub(den, r), 1), dBits) // r < den
	g.api.AssertIsEqual(num, g.api.Add(g.api.Mul(q, den), r))
	return q
}

// assertWord asserts calldata word i of the policy circuit equals v: with
// wide (v < 2^160, an address or minOut) the high half is checked below
// 2^32 so hi·2^128 + lo cannot wrap the field; otherwise (v < 2^128) the
// high half is 0. The halves are bound to the real calldata by the digest.
func (g gadgets) assertWord(pc *policycircuit.Circuit, i int, v frontend.Variable, wide bool) {
	if !wide {
		g.api.AssertIsEqual(pc.Hi[i], 0)
		g.api.AssertIsEqual(pc.Lo[i], v)
		return
	}
	g.check(pc.Hi[i], 32)
	g.api.AssertIsEqual(g.api.Add(g.api.Mul(pc.Hi[i], pow2(128)), pc.Lo[i]), v)
}

// packLimbs mirrors program.PackLimbs: limbs (each checked below 2^width)
// packed LimbsPerElem(width) per element, the first most significant.
func (g gadgets) packLimbs(limbs []frontend.Variable, width int) []frontend.Variable {
	k := 248 / width
	var out []frontend.Variable
	for start := 0; start < len(limbs); start += k {
		var acc frontend.Variable = 0
		for _, l := range limbs[start:min(start+k, len(limbs))] {
			g.check(l, width)
			acc = g.api.Add(g.api.Mul(acc, pow2(width)), l)
		}
		out = append(out, acc)
	}
	return out
}

func pow2(n int) *big.Int { return new(big.Int).Lsh(big.NewInt(1), uint(n)) }
