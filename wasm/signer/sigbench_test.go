package signer

import (
	"context"
	"fmt"
	"sync"
	"testing"

	tt "github.com/leash-wallet/leash/circuits/typedcircuit/typedtest"
	"github.com/leash-wallet/leash/wire"
)

var (
	benchPayOnce sync.Once
	benchPays    [][]byte
)

// benchPayments proves n x402 payments of 1000 units each (0.001 dUSDC),
// payment i against the window the i before it leave, once per process.
func benchPayments(b *testing.B, n int) [][]byte {
	b.Helper()
	benchPayOnce.Do(func() {
		for i := 0; i < n; i++ {
			benchPays = append(benchPays, payment(b, fmt.Sprintf("bench-%d", i), int64(i)*1000, func(d map[string]any) {
				nonce(50000 + i)(d)
				tt.Message("value", "1000")(d)
			}))
		}
	})
	if len(benchPays) < n {
		b.Fatalf("%d payments proven, %d wanted", len(benchPays), n)
	}
	return benchPays
}

// BenchmarkSubmitSignature measures a typed-data proposal → signed receipt
// in the core (verify, reserve, persist, sign, audit), with storage
// authentication as the extension runs it, one core for all iterations (as
// a host keeps it). -benchtime must be Nx with N ≤ 64.
//
//	go test -run '^$' -bench SubmitSignature -benchtime 40x -cpuprofile cpu.out ./wasm/signer
func BenchmarkSubmitSignature(b *testing.B) {
	pays := benchPayments(b, 64)
	if b.N > len(pays) {
		b.Skipf("at most %d iterations", len(pays))
	}
	ctx := context.Background()
	s, _ := sigSignerWith(b, Config{Authenticate: true})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r := s.Submit(ctx, pays[i]); r.Status != wire.StatusSigned {
			b.Fatalf("payment %d: %+v", i, r)
		}
	}
}
