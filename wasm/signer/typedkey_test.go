package signer

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	groth16 "github.com/consensys/gnark/backend/groth16/bn254"

	pt "github.com/leash-wallet/leash/circuits/policytest"
	tt "github.com/leash-wallet/leash/circuits/typedcircuit/typedtest"
	"github.com/leash-wallet/leash/circuits/verify"
	"github.com/leash-wallet/leash/prover"
	"github.com/leash-wallet/leash/wire"
)

func typedKeyHash(t testing.TB, vk []byte) wire.Hash32 {
	t.Helper()
	k, err := verify.LoadTypedVerifyingKey(vk)
	if err != nil {
		t.Fatal(err)
	}
	return k.Hash()
}

// typedSigner is sigSigner reading the chain with opts and with typedVK
// pinned as the typed-data key.
func typedSigner(t testing.TB, opts ChainOptions, typedVK []byte) *Signer {
	t.Helper()
	return typedSignerWith(t, opts, pt.Example(t, "policy-x402.json"), typedVK)
}

// typedSignerWith is typedSigner with the policy document rawPolicy.
func typedSignerWith(t testing.TB, opts ChainOptions, rawPolicy, typedVK []byte) *Signer {
	t.Helper()
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(tt.Now, 0)}
	s, err := New(ctx, Config{Store: NewMemStore(), Clock: clk.Now, ChainOptions: opts})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportVault(ctx, testMnemonic, testPassword, false); err != nil {
		t.Fatal(err)
	}
	if err := s.Unlock(ctx, testPassword); err != nil {
		t.Fatal(err)
	}
	_, _, vk := pt.Keys(t)
	if _, err := s.Pin(ctx, rawPolicy, vk.Bytes()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PinTypedKey(ctx, typedVK); err != nil {
		t.Fatal(err)
	}
	return s
}

// paymentWith is payment proven with pk (0.1 dUSDC, nonce i).
func paymentWith(t *testing.T, pk *groth16.ProvingKey, id string, spent int64, i int) []byte {
	t.Helper()
	st := &wire.State{Time: tt.Now}
	st.SetTokenSpent(tt.DUSDC, big.NewInt(spent))
	p, err := prover.NewSigProver(tt.Policy(t), pk).Prove(prover.SigRequest{ID: id, TypedData: tt.Authorization(nonce(i)), State: st})
	if err != nil {
		t.Fatalf("prove %s: %v", id, err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestTypedKeyOnChain: the typed-data key is anchored in the registry as
// the policy key is. The attack: the signer has another setup's typed key
// pinned (a swapped typed.vk, or a setup the agent host ran and knows the
// trapdoor of), and the host proves with that setup; the user published
// their own key's hash. Before the fix the proposal was signed (the
// registry was never read for signatures); now it is unknown_policy, with
// nothing reserved or signed. Neighbours: the published key signs; the
// typed key revoked on chain (revoked) and published again; another hash
// published; the policy revoked on chain, the kill switch, stops
// signatures too (it did not before).
func TestTypedKeyOnChain(t *testing.T) {
	d := newDevChain(t)
	ctx := testCtx(t)
	user := d.dev.Accounts()[0].Key
	_, _, pvk := pt.Keys(t)
	own := tt.Keys(t)
	ok := tt.OtherKeys(t)
	otherPK, otherVK := ok.PK, ok.VKBytes
	ownHash, otherHash := typedKeyHash(t, own.VKBytes), typedKeyHash(t, otherVK)
	if _, err := d.reg.Publish(ctx, user, tt.Policy(t).Commitment(), pvk.Hash()); err != nil {
		t.Fatal(err)
	}
	if _, err := d.reg.PublishTypedKey(ctx, user, ownHash); err != nil {
		t.Fatal(err)
	}
	refused := func(s *Signer, raw []byte, code wire.Code, msg string) {
		t.Helper()
		before := dusdcSpent(s)
		r := s.Submit(ctx, raw)
		if r.Status != wire.StatusRejected || r.Code != code || !strings.Contains(r.Message, msg) || r.Signature != nil || r.Digest != nil {
			t.Fatalf("want %s (%q): %+v", code, msg, r)
		}
		if dusdcSpent(s) != before {
			t.Fatalf("a refusal reserved: %d -> %d", before, dusdcSpent(s))
		}
	}
	signed := func(s *Signer, raw []byte) {
		t.Helper()
		if r := s.Submit(ctx, raw); r.Status != wire.StatusSigned || len(r.Signature) != 65 {
			t.Fatalf("want signed: %+v", r)
		}
	}

	// The attack: another setup's key pinned, its proof well-formed.
	attacked := typedSigner(t, d.options(), otherVK)
	refused(attacked, paymentWith(t, otherPK, "other-setup", 0, 0), wire.UnknownPolicy, "typed-data key hash")

	// The user's own key, published: signed.
	s := typedSigner(t, d.options(), own.VKBytes)
	signed(s, paymentWith(t, own.PK, "own-1", 0, 1))

	// The typed key revoked on chain: no more signatures; published again: signed.
	if _, err := d.reg.RevokeTypedKey(ctx, user); err != nil {
		t.Fatal(err)
	}
	refused(s, paymentWith(t, own.PK, "after-key-revoke", 100000, 2), wire.Revoked, "typed-data key")
	if _, err := d.reg.PublishTypedKey(ctx, user, ownHash); err != nil {
		t.Fatal(err)
	}
	signed(s, paymentWith(t, own.PK, "key-again", 100000, 2))

	// Another key's hash published (the user moved to another setup): the
	// pinned key is no longer the published one.
	if _, err := d.reg.PublishTypedKey(ctx, user, otherHash); err != nil {
		t.Fatal(err)
	}
	refused(s, paymentWith(t, own.PK, "replaced", 200000, 3), wire.UnknownPolicy, "not the pinned key's")
	if _, err := d.reg.PublishTypedKey(ctx, user, ownHash); err != nil {
		t.Fatal(err)
	}

	// The kill switch: the policy revoked on chain stops signatures too.
	if _, err := d.reg.Revoke(ctx, user); err != nil {
		t.Fatal(err)
	}
	refused(s, paymentWith(t, own.PK, "after-policy-revoke", 200000, 4), wire.Revoked, "policy commitment")
	if e, err := d.reg.LookupTypedKey(ctx, d.dev.Accounts()[0].Address); err != nil || e.VKHash != ownHash || e.Revoked {
		t.Fatalf("typed key entry %+v %v", e, err)
	}
}

// BenchmarkSignatureRegistryCheck: what the registry check of a typed-data
// proposal costs (chain id, policy entry and typed-key entry read over a
// devnet's HTTP RPC, in parallel) on top of verify + reserve + sign, both
// measured in the same run: Submit of pre-proven x402 payments by a signer
// without and with a registry configured.
//
//	go test -run '^$' -bench SignatureRegistryCheck -benchtime 20x -count 3 ./wasm/signer
func BenchmarkSignatureRegistryCheck(b *testing.B) {
	d := newDevChain(b)
	ctx := testCtx(b)
	user := d.dev.Accounts()[0].Key
	_, _, pvk := pt.Keys(b)
	own := tt.Keys(b)
	k, err := verify.LoadTypedVerifyingKey(own.VKBytes)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := d.reg.Publish(ctx, user, tt.Policy(b).Commitment(), pvk.Hash()); err != nil {
		b.Fatal(err)
	}
	if _, err := d.reg.PublishTypedKey(ctx, user, k.Hash()); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		opts ChainOptions
	}{{"no-registry", ChainOptions{}}, {"registry", d.options()}} {
		b.Run(c.name, func(b *testing.B) {
			n := b.N
			if n > 45 {
				b.Skip("the dUSDC window holds 45 payments of 0.1 beyond the first")
			}
			pays := make([][]byte, n)
			for i := range pays {
				st := &wire.State{Time: tt.Now}
				st.SetTokenSpent(tt.DUSDC, big.NewInt(int64(i)*100000))
				p, err := prover.NewSigProver(tt.Policy(b), own.PK).Prove(prover.SigRequest{ID: fmt.Sprintf("bench-%d", i), TypedData: tt.Authorization(nonce(100 + i)), State: st})
				if err != nil {
					b.Fatal(err)
				}
				pays[i], _ = json.Marshal(p)
			}
			s := typedSigner(b, c.opts, own.VKBytes)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if r := s.Submit(ctx, pays[i]); r.Status != wire.StatusSigned {
					b.Fatalf("%d: %+v", i, r)
				}
			}
		})
	}
}
