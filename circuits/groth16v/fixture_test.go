package groth16v

import (
	"bytes"
	"sync"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"

	"github.com/leash-wallet/leash/circuits/groth16v/testcircuit"
)

// fixture is built once per test binary run: two independent setups of the
// 12-input test circuit (the second is the "wrong key"), and a few proofs.
type fixture struct {
	keys, other *testcircuit.Keys
	verifier    *Verifier
	cases       []proofCase
}

type proofCase struct {
	name   string
	public []fr.Element
	proof  *groth16bn254.Proof
	bytes  []byte
}

var (
	fixOnce sync.Once
	fix     *fixture
	fixErr  error
)

func getFixture(tb testing.TB) *fixture {
	tb.Helper()
	fixOnce.Do(func() { fix, fixErr = buildFixture() })
	if fixErr != nil {
		tb.Fatalf("fixture: %v", fixErr)
	}
	return fix
}

func buildFixture() (*fixture, error) {
	keys, err := testcircuit.Setup()
	if err != nil {
		return nil, err
	}
	other, err := testcircuit.Setup()
	if err != nil {
		return nil, err
	}
	v, err := NewVerifier(keys.VK)
	if err != nil {
		return nil, err
	}
	f := &fixture{keys: keys, other: other, verifier: v}

	zero := make([]fr.Element, testcircuit.NbPublic)
	edge := make([]fr.Element, testcircuit.NbPublic)
	for i := range edge {
		switch i % 4 {
		case 0:
			edge[i].SetOne()
			edge[i].Neg(&edge[i]) // r − 1: every tooth set
		case 1:
			edge[i].SetUint64(1)
		case 2:
			edge[i].SetUint64(1 << 63)
		default:
			edge[i].SetZero()
		}
	}
	random, err := testcircuit.RandomPublic()
	if err != nil {
		return nil, err
	}
	random2, err := testcircuit.RandomPublic()
	if err != nil {
		return nil, err
	}
	policyLike, err := testcircuit.PolicyLikePublic()
	if err != nil {
		return nil, err
	}
	for _, c := range []struct {
		name string
		pub  []fr.Element
	}{{"random", random}, {"random2", random2}, {"policy-like", policyLike}, {"zero", zero}, {"edge", edge}} {
		proof, err := keys.Prove(c.pub)
		if err != nil {
			return nil, err
		}
		b, err := testcircuit.ProofBytes(proof)
		if err != nil {
			return nil, err
		}
		f.cases = append(f.cases, proofCase{name: c.name, public: c.pub, proof: proof, bytes: b})
	}
	return f, nil
}

// decodeWithGnark decodes proof bytes with gnark's own ReadFrom.
func decodeWithGnark(b []byte) (*groth16bn254.Proof, error) {
	var p groth16bn254.Proof
	if _, err := p.ReadFrom(bytes.NewReader(b)); err != nil {
		return nil, err
	}
	return &p, nil
}
