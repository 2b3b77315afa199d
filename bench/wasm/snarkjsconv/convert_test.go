package snarkjsconv

import (
	"encoding/json"
	"testing"

	bn254 "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"

	"github.com/leash-wallet/leash/circuits/groth16v/testcircuit"
)

func TestPublicRoundTrip(t *testing.T) {
	x := make([]fr.Element, 4)
	x[1].SetOne()
	x[2].SetOne()
	x[2].Neg(&x[2])
	x[3].MustSetRandom()
	s := Public(x)
	if s[0] != "0" || s[1] != "1" {
		t.Fatalf("Public = %v", s)
	}
	back, err := ParsePublic(s)
	if err != nil {
		t.Fatal(err)
	}
	for i := range x {
		if !back[i].Equal(&x[i]) {
			t.Fatalf("input %d does not round-trip", i)
		}
	}
	r := fr.Modulus().String()
	for _, bad := range []string{"", "-1", "01", "+1", "0x1", " 1", r, "1e3"} {
		if _, err := ParsePublic([]string{bad}); err == nil {
			t.Errorf("ParsePublic(%q) accepted", bad)
		}
	}
}

func TestShapes(t *testing.T) {
	keys, err := testcircuit.Setup()
	if err != nil {
		t.Fatal(err)
	}
	vk, err := VK(keys.VK)
	if err != nil {
		t.Fatal(err)
	}
	if vk.NPublic != testcircuit.NbPublic || len(vk.IC) != testcircuit.NbPublic+1 || vk.Curve != "bn128" {
		t.Fatalf("unexpected key %+v", vk)
	}
	b, _ := json.Marshal(vk)
	var generic map[string]any
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"protocol", "curve", "nPublic", "vk_alpha_1", "vk_beta_2", "vk_gamma_2", "vk_delta_2", "IC"} {
		if _, ok := generic[k]; !ok {
			t.Errorf("verification_key.json lacks %s", k)
		}
	}
	withC := *keys.VK
	withC.PublicAndCommitmentCommitted = [][]int{{1}}
	if _, err := VK(&withC); err != ErrCommitments {
		t.Fatalf("key with commitments: %v", err)
	}
	if _, err := ConvertProof(&groth16bn254.Proof{Commitments: make([]bn254.G1Affine, 1)}); err != ErrCommitments {
		t.Fatalf("proof with commitments: %v", err)
	}
}
