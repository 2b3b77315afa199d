package signer

import (
	"context"
	"testing"
	"time"
)

// BenchmarkOpen is the core's part of a host's cold start: New over a
// store with a vault, a pinned policy and a ledger. "lazy" is what New
// does (the verifier's tables wait for the first verification or Warm);
// "eager" adds Warm, which New used to do.
func BenchmarkOpen(b *testing.B) {
	ctx := context.Background()
	clk := &fakeClock{t: time.Unix(t0, 0)}
	store := NewMemStore()
	newSigner(b, store, clk)
	for _, mode := range []string{"lazy", "eager"} {
		b.Run(mode, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				s, err := New(ctx, Config{Store: store, Clock: clk.Now})
				if err != nil {
					b.Fatal(err)
				}
				if mode == "eager" {
					if err := s.Warm(); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
