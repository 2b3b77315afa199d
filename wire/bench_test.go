package wire_test

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/leash-wallet/leash/wire"
)

// x402Payment is a real x402 payment proposal (BenchmarkNodeSignature's
// first), kept as a fuzz seed.
func x402Payment(b testing.TB) []byte {
	raw, err := os.ReadFile("testdata/fuzz/FuzzDecodersAgree/seed-x402-payment")
	if err != nil {
		b.Fatal(err)
	}
	line := strings.Split(string(raw), "\n")[1]
	s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(line, "[]byte("), ")"))
	if err != nil {
		b.Fatal(err)
	}
	return []byte(s)
}

// BenchmarkSigProposal: the route and the strict decode of a signature
// proposal, old (export_test.go) and new.
//
//	go test -run '^$' -bench SigProposal -benchmem ./wire
func BenchmarkSigProposal(b *testing.B) {
	doc := x402Payment(b)
	b.Run("route/old", func(b *testing.B) {
		for b.Loop() {
			if !wire.OldIsSigProposal(doc) {
				b.Fatal("not routed")
			}
		}
	})
	b.Run("route/new", func(b *testing.B) {
		for b.Loop() {
			if !wire.IsSigProposal(doc) {
				b.Fatal("not routed")
			}
		}
	})
	b.Run("decode/old", func(b *testing.B) {
		for b.Loop() {
			if _, err := wire.OldDecodeSigProposal(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode/new", func(b *testing.B) {
		for b.Loop() {
			if _, err := wire.DecodeSigProposal(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
}
