package groth16v

import (
	"bytes"
	"sync"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"

	"github.com/leash-wallet/leash/circuits/groth16v/testcircuit"
	"github.com/leash-wallet/leash/wire"
)

// fixture is built once per test binary run: two independent setups of the
// 12-input test circuit (the second is the "wrong key"), and a few proofs.
// keys are gnark's (for its own Verify, the reference); vk is the same key
// as this package's type.
type fixture struct {
	keys, other *testcircuit.Keys
	vk          *VerifyingKey
	verifier    *Verifier   // on defaultBackend
	verifiers   []*Verifier // one per backend, in the order of backends
	cases       []proofCase
}

type proofCase struct {
	name   string
	public []fr.Element
	proof  *Proof              // this package's type
	gnark  *groth16bn254.Proof // the same proof, as gnark made it
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
	vk := fromGnarkVK(keys.VK)
	v, err := NewVerifier(vk)
	if err != nil {
		return nil, err
	}
	f := &fixture{keys: keys, other: other, vk: vk, verifier: v}
	for _, be := range backends {
		vb, err := newVerifierBackend(vk, true, be)
		if err != nil {
			return nil, err
		}
		f.verifiers = append(f.verifiers, vb)
	}

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
		ours, err := fromGnarkProof(proof)
		if err != nil {
			return nil, err
		}
		f.cases = append(f.cases, proofCase{name: c.name, public: c.pub, proof: ours, gnark: proof, bytes: b})
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

// fromGnarkVK copies gnark's key into this package's type (the commitment
// fields are not copied: NewVerifier-level tests of commitments go through
// the encoding, which carries them).
func fromGnarkVK(g *groth16bn254.VerifyingKey) *VerifyingKey {
	var vk VerifyingKey
	vk.G1.Alpha, vk.G1.Beta, vk.G1.Delta = g.G1.Alpha, g.G1.Beta, g.G1.Delta
	vk.G1.K = append(vk.G1.K, g.G1.K...)
	vk.G2.Beta, vk.G2.Gamma, vk.G2.Delta = g.G2.Beta, g.G2.Gamma, g.G2.Delta
	return &vk
}

// toGnarkVK is the reverse, with gnark's precomputation, for its Verify.
func toGnarkVK(tb testing.TB, vk *VerifyingKey) *groth16bn254.VerifyingKey {
	tb.Helper()
	var g groth16bn254.VerifyingKey
	g.G1.Alpha, g.G1.Beta, g.G1.Delta = vk.G1.Alpha, vk.G1.Beta, vk.G1.Delta
	g.G1.K = append(g.G1.K, vk.G1.K...)
	g.G2.Beta, g.G2.Gamma, g.G2.Delta = vk.G2.Beta, vk.G2.Gamma, vk.G2.Delta
	g.PublicAndCommitmentCommitted = [][]int{}
	if err := g.Precompute(); err != nil {
		tb.Fatal(err)
	}
	return &g
}

// fromGnarkProof copies gnark's proof into this package's type, which has
// no room for BSB22 commitments: a proof with any is wire.Malformed, as
// DecodeProof makes it.
func fromGnarkProof(g *groth16bn254.Proof) (*Proof, error) {
	if len(g.Commitments) != 0 || !g.CommitmentPok.IsInfinity() {
		return nil, wire.Errorf(wire.Malformed, "proof: BSB22 commitments are not supported")
	}
	return &Proof{Ar: g.Ar, Bs: g.Bs, Krs: g.Krs}, nil
}

// toGnarkProof is the reverse.
func toGnarkProof(p *Proof) *groth16bn254.Proof {
	return &groth16bn254.Proof{Ar: p.Ar, Bs: p.Bs, Krs: p.Krs}
}
