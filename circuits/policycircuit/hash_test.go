package policycircuit

import (
	"fmt"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"

	"github.com/leash-wallet/leash/circuits/policy"
)

// hashCircuit asserts Hash(In) = Out and Compress(L, R) = C in the circuit.
type hashCircuit struct {
	In      []frontend.Variable
	Out     frontend.Variable
	L, R, C frontend.Variable
}

func (c *hashCircuit) Define(api frontend.API) error {
	h, err := NewHasher(api)
	if err != nil {
		return err
	}
	api.AssertIsEqual(h.Hash(c.In...), c.Out)
	api.AssertIsEqual(h.Compress(c.L, c.R), c.C)
	return nil
}

// TestHasherMatchesNative: the circuit's sponge and compression compute
// exactly policy.Hash and policy.Compress, for every length from 0 to three
// blocks (so every padding shape: an empty block, partial and whole blocks),
// on random elements and on edge values (0, 1, −1); a wrong output is not
// satisfiable.
func TestHasherMatchesNative(t *testing.T) {
	var minus1 fr.Element
	minus1.SetInt64(-1)
	for n := 0; n <= 3*policy.SpongeRate; n++ {
		xs := make([]fr.Element, n)
		for i := range xs {
			switch i % 4 {
			case 0:
				xs[i].MustSetRandom()
			case 1:
				xs[i] = minus1
			case 2:
				xs[i].SetUint64(uint64(i))
			}
		}
		var l, r fr.Element
		l.MustSetRandom()
		if n%2 == 0 {
			r = minus1
		} else {
			r.MustSetRandom()
		}
		want, c := policy.Hash(xs...), policy.Compress(l, r)
		in := make([]frontend.Variable, n)
		for i := range xs {
			in[i] = xs[i]
		}
		circuit := &hashCircuit{In: make([]frontend.Variable, n)}
		good := &hashCircuit{In: in, Out: want, L: l, R: r, C: c}
		if err := test.IsSolved(circuit, good, ecc.BN254.ScalarField()); err != nil {
			t.Fatalf("n=%d: the circuit's hash differs from the native one: %v", n, err)
		}
		var off fr.Element
		off.SetOne()
		off.Add(&off, &want)
		bad := &hashCircuit{In: in, Out: off, L: l, R: r, C: c}
		if err := test.IsSolved(circuit, bad, ecc.BN254.ScalarField()); err == nil {
			t.Fatalf("n=%d: a wrong hash is accepted", n)
		}
		off.SetOne()
		off.Add(&off, &c)
		bad = &hashCircuit{In: in, Out: want, L: l, R: r, C: off}
		if err := test.IsSolved(circuit, bad, ecc.BN254.ScalarField()); err == nil {
			t.Fatalf("n=%d: a wrong compression is accepted", n)
		}
	}
}

// TestHashSeparatesLengths: inputs of different lengths that agree on
// their common prefix and pad with zeros (the shapes a sponge without
// length separation confuses) hash apart, natively and so in the circuit.
func TestHashSeparatesLengths(t *testing.T) {
	seen := map[fr.Element]string{}
	var x fr.Element
	x.SetUint64(7)
	for n := 0; n <= 2*policy.SpongeRate+1; n++ {
		for _, fill := range []string{"zeros", "x then zeros"} {
			xs := make([]fr.Element, n)
			if fill == "x then zeros" && n > 0 {
				xs[0] = x
			} else if fill == "x then zeros" {
				continue
			}
			h := policy.Hash(xs...)
			name := fmt.Sprintf("%d %s", n, fill)
			if prev, ok := seen[h]; ok {
				t.Fatalf("%s and %s collide", prev, name)
			}
			seen[h] = name
		}
	}
}
