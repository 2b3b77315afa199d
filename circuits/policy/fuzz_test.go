package policy_test

import (
	"os"
	"testing"

	"github.com/leash-wallet/leash/circuits/policy"
	"github.com/leash-wallet/leash/wire"
)

func FuzzDecodePolicy(f *testing.F) {
	if b, err := os.ReadFile("../../examples/policy.json"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := policy.Decode(b)
		if err != nil {
			if wire.CodeOf(err) != wire.Malformed {
				t.Fatalf("uncoded error %v", err)
			}
			return
		}
		_ = p.Describe()
		_ = p.Commitment()
	})
}
