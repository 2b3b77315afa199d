package eip712_test

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/leash-wallet/leash/wasm/eip712"
	"github.com/leash-wallet/leash/wire"
)

// BenchmarkDecode: the strict decode of an x402 payment's typed data (the
// wire package's fuzz seed), as verify.VerifySignature runs it.
//
//	go test -run '^$' -bench Decode -benchmem ./wasm/eip712
func BenchmarkDecode(b *testing.B) {
	raw, err := os.ReadFile("../../wire/testdata/fuzz/FuzzDecodersAgree/seed-x402-payment")
	if err != nil {
		b.Fatal(err)
	}
	p, err := wire.DecodeSigProposal(seedDoc(b, raw))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := eip712.Decode(p.TypedData, eip712.V4); err != nil {
			b.Fatal(err)
		}
	}
}

// seedDoc reads the document of a Go fuzz corpus file.
func seedDoc(b testing.TB, raw []byte) []byte {
	s := string(raw)
	i, j := strings.Index(s, "[]byte("), strings.LastIndex(s, ")")
	if i < 0 || j < i {
		b.Fatal("not a fuzz corpus file")
	}
	u, err := strconv.Unquote(s[i+len("[]byte(") : j])
	if err != nil {
		b.Fatal(err)
	}
	return []byte(u)
}
