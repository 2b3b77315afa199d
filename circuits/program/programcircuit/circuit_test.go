package programcircuit_test

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"

	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/circuits/program/programcircuit"
	"github.com/leash-wallet/leash/circuits/program/programtest"
	"github.com/leash-wallet/leash/wire"
)

const block = 42

var now = uint64(1795564800)

func state() *wire.State { return &wire.State{Time: now} }

// scenario is a program with inputs that make it trade, and its transaction.
type scenario struct {
	name   string
	prog   *program.Program
	inputs []*big.Int
	tx     *wire.Tx
}

func scenarios(t *testing.T) []scenario {
	var out []scenario
	for _, s := range []struct {
		name   string
		inputs []*big.Int
	}{
		{"threshold", []*big.Int{big.NewInt(2800_00000000)}}, // below buyBelow: buy
		{"mlp", programtest.Prices(program.MLPInputs, 300)},  // 3% above the mean: sell
	} {
		prog := programtest.Program(t, s.name)
		d, err := prog.Decide(s.inputs)
		if err != nil || d.Action == program.Hold {
			t.Fatalf("%s: want a trade, got %+v, %v", s.name, d, err)
		}
		tx, err := prog.BuildTx(d, block, program.Fees{ChainID: 1337, Nonce: 0, Gas: 200_000,
			MaxFeePerGas: big.NewInt(2e9), MaxPriorityFeePerGas: big.NewInt(1e9)})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, scenario{s.name, prog, s.inputs, tx})
	}
	return out
}

func solve(t *testing.T, prog *program.Program, tx *wire.Tx, inputs []*big.Int) error {
	return solveWith(t, prog, tx, inputs, nil)
}

// solveWith solves the witness of tx after cheat changes it.
func solveWith(t *testing.T, prog *program.Program, tx *wire.Tx, inputs []*big.Int, cheat func(frontend.Circuit)) error {
	t.Helper()
	ccs, err := programcircuit.Compile(prog.Tmpl())
	if err != nil {
		t.Fatal(err)
	}
	a, err := programcircuit.Assign(programtest.Policy(t), prog, tx, state(), now, block, inputs)
	if err != nil {
		return err
	}
	if cheat != nil {
		cheat(a)
	}
	w, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	_, err = ccs.Solve(w, solver.WithHints(programcircuit.Hints()...))
	return err
}

// TestPublicInputs checks that the circuit's public inputs are, in order,
// exactly the vector program.PublicInputs computes natively.
func TestPublicInputs(t *testing.T) {
	pol := programtest.Policy(t)
	for _, s := range scenarios(t) {
		a, err := programcircuit.Assign(pol, s.prog, s.tx, state(), now, block, s.inputs)
		if err != nil {
			t.Fatal(err)
		}
		w, err := frontend.NewWitness(a, ecc.BN254.ScalarField(), frontend.PublicOnly())
		if err != nil {
			t.Fatal(err)
		}
		got := w.Vector().(fr.Vector)
		want, err := program.PublicInputs(pol, s.tx, state(), now, &program.Claim{
			Commitment: s.prog.Commitment(), Template: s.prog.Tmpl(), Oracle: s.prog.Oracle, MaxInputAge: s.prog.MaxInputAge,
			Block: block, Inputs: s.inputs})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) || len(want) != program.NumPublicInputs(s.prog.Tmpl()) {
			t.Fatalf("%s: %d public inputs in the circuit, %d native", s.name, len(got), len(want))
		}
		names := program.PublicInputNames(s.prog.Tmpl())
		for i := range want {
			if !got[i].Equal(&want[i]) {
				t.Errorf("%s: public input %d (%s) differs", s.name, i, names[i])
			}
		}
	}
}

func common(c frontend.Circuit) *programcircuit.Common {
	switch x := c.(type) {
	case *programcircuit.ThresholdCircuit:
		return &x.Prog
	case *programcircuit.MLPCircuit:
		return &x.Prog
	}
	panic("unknown circuit")
}

// TestCheatingProver has a prover try every way to propose a transaction
// the program did not compute, or to compute it from other inputs: each
// witness must fail to solve.
func TestCheatingProver(t *testing.T) {
	attacker := wire.Address{0xba, 0xd0}
	for _, s := range scenarios(t) {
		if err := solve(t, s.prog, s.tx, s.inputs); err != nil {
			t.Fatalf("%s: the honest witness does not solve: %v", s.name, err)
		}
		mutate := func(f func(tx *wire.Tx)) *wire.Tx {
			c := *s.tx
			c.Data = append([]byte(nil), s.tx.Data...)
			f(&c)
			return &c
		}
		word := func(tx *wire.Tx, i int) *big.Int { return new(big.Int).SetBytes(tx.Data[4+32*i : 4+32*(i+1)]) }
		setWord := func(tx *wire.Tx, i int, v *big.Int) { v.FillBytes(tx.Data[4+32*i : 4+32*(i+1)]) }
		other := append([]*big.Int(nil), s.inputs...)
		other[len(other)-1] = new(big.Int).Add(other[len(other)-1], big.NewInt(1_00000000))
		holdInputs := append([]*big.Int(nil), s.inputs...)
		for i := range holdInputs {
			holdInputs[i] = big.NewInt(3000_00000000)
		}
		if d, _ := s.prog.Decide(holdInputs); d.Action != program.Hold {
			t.Fatalf("%s: flat prices should hold, got %v", s.name, d.Action)
		}
		cases := []struct {
			name   string
			tx     *wire.Tx
			inputs []*big.Int
		}{
			{"amount the program did not output", mutate(func(tx *wire.Tx) { setWord(tx, 1, new(big.Int).Add(word(tx, 1), big.NewInt(1))) }), s.inputs},
			{"smaller amount", mutate(func(tx *wire.Tx) { setWord(tx, 1, new(big.Int).Rsh(word(tx, 1), 1)) }), s.inputs},
			{"no slippage protection", mutate(func(tx *wire.Tx) { setWord(tx, 2, new(big.Int)) }), s.inputs},
			{"other token in", mutate(func(tx *wire.Tx) {
				tok := s.prog.Base
				if s.prog.Quote != wire.Address(tx.Data[16:36]) {
					tok = s.prog.Quote
				}
				copy(tx.Data[16:36], tok[:])
			}), s.inputs},
			{"output to the attacker", mutate(func(tx *wire.Tx) { copy(tx.Data[112:132], attacker[:]) }), s.inputs},
			{"other selector", mutate(func(tx *wire.Tx) { tx.Data[0] ^= 1 }), s.inputs},
			{"trailing byte", mutate(func(tx *wire.Tx) { tx.Data = append(tx.Data, 0) }), s.inputs},
			{"other target", mutate(func(tx *wire.Tx) { tx.To = s.prog.Quote }), s.inputs},
			{"value attached", mutate(func(tx *wire.Tx) { tx.Value = wire.QuantityFromUint64(1) }), s.inputs},
			{"a later deadline", mutate(func(tx *wire.Tx) { setWord(tx, 4, new(big.Int).Add(word(tx, 4), big.NewInt(1))) }), s.inputs},
			{"no deadline", mutate(func(tx *wire.Tx) { setWord(tx, 4, new(big.Int)) }), s.inputs},
			{"a deadline far in the future", mutate(func(tx *wire.Tx) { setWord(tx, 4, new(big.Int).Lsh(big.NewInt(1), 64)) }), s.inputs},
			{"the recipient with dirty high bytes", mutate(func(tx *wire.Tx) { tx.Data[100] = 1 }), s.inputs},
			{"fake price", s.tx, other},
			{"the program holds", s.tx, holdInputs},
		}
		for _, c := range cases {
			if err := solve(t, s.prog, c.tx, c.inputs); err == nil {
				t.Errorf("%s: %s: the circuit accepted it", s.name, c.name)
			}
		}
		// Witness cheats on public inputs the signer takes from its pin
		// and its own block: each breaks the commitment or the deadline.
		for _, c := range []struct {
			name  string
			cheat func(c frontend.Circuit)
		}{
			{"the pin says a longer maxInputAge", func(c frontend.Circuit) { common(c).MaxInputAge = s.prog.MaxInputAge * 10 }},
			{"the pin says maxInputAge + 2^64 (range)", func(c frontend.Circuit) {
				common(c).MaxInputAge = new(big.Int).Add(new(big.Int).SetUint64(s.prog.MaxInputAge), new(big.Int).Lsh(big.NewInt(1), 64))
			}},
			{"an older block (the deadline would move)", func(c frontend.Circuit) { common(c).Block = block - 1 }},
			{"block + 2^64", func(c frontend.Circuit) {
				common(c).Block = new(big.Int).Add(big.NewInt(block), new(big.Int).Lsh(big.NewInt(1), 64))
			}},
			{"more deadline blocks than committed", func(c frontend.Circuit) {
				common(c).DeadlineBlocks = s.prog.DeadlineBlocks + 1
				common(c).Block = block - 1
			}},
		} {
			if err := solveWith(t, s.prog, s.tx, s.inputs, c.cheat); err == nil {
				t.Errorf("%s: %s: the circuit accepted it", s.name, c.name)
			}
		}
	}
}
