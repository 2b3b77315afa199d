package program_test

import (
	"math/big"
	"os"
	"path/filepath"
	"testing"

	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/wire"
)

// FuzzDecodeProgram: nothing panics, every refusal is malformed, and every
// accepted program commits and decides on any in-range input.
func FuzzDecodeProgram(f *testing.F) {
	for _, glob := range []string{"../../examples/programs/*.json", "testdata/expfail_*.json"} {
		files, _ := filepath.Glob(glob)
		for _, name := range files {
			if b, err := os.ReadFile(name); err == nil {
				f.Add(b)
			}
		}
	}
	prices := make([]*big.Int, program.MLPInputs)
	for i := range prices {
		prices[i] = big.NewInt(int64(1 + i*i*1_000_000_007))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := program.Decode(b)
		if err != nil {
			if wire.CodeOf(err) != wire.Malformed {
				t.Fatalf("uncoded error %v", err)
			}
			return
		}
		_ = p.Commitment()
		d, err := p.Decide(prices[:p.Tmpl().Inputs])
		if err != nil {
			t.Fatalf("decide: %v", err)
		}
		if d.Action != program.Hold && (d.AmountIn.BitLen() > program.AmountBits || d.MinOut.BitLen() > program.MinOutBits) {
			t.Fatalf("out-of-range decision %+v", d)
		}
	})
}

func FuzzDecodePin(f *testing.F) {
	f.Add([]byte(`{"commitment":"0x01","template":"mlp","oracle":"0x0000000000000000000000000000000000000001"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := program.DecodePin(b); err != nil && wire.CodeOf(err) != wire.Malformed {
			t.Fatalf("uncoded error %v", err)
		}
	})
}

func FuzzDecodeInputsFile(f *testing.F) {
	f.Add([]byte(`{"block":"0x2a","inputs":["0x45d964b800"]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := program.DecodeInputsFile(b)
		if err != nil {
			if wire.CodeOf(err) != wire.Malformed {
				t.Fatalf("uncoded error %v", err)
			}
			return
		}
		_ = program.CheckInputs(program.MLP, in.Values())
	})
}
