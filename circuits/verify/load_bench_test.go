package verify_test

import (
	"testing"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/circuits/policytest"
	"github.com/leash-wallet/leash/circuits/verify"
)

// BenchmarkOpenParts is what decoding a signer's stored pins costs, part
// by part: the policy document (its Merkle trees and commitment) and the
// verifying key (points and subgroup checks). The signer's New leaves
// both for the first use (the extension worker's cold boot).
func BenchmarkOpenParts(b *testing.B) {
	raw := policytest.Example(b, "policy.json")
	_, _, key := policytest.Keys(b)
	vk := key.Bytes()
	b.Run("policy.Decode", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := policy.Decode(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("LoadVerifyingKey", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := verify.LoadVerifyingKey(vk); err != nil {
				b.Fatal(err)
			}
		}
	})
}
