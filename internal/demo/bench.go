package demo

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/leash-wallet/leash/internal/stack"
	"github.com/leash-wallet/leash/prover/daemon"
	"github.com/leash-wallet/leash/wasm/signerhost"
	"github.com/leash-wallet/leash/wire"
)

// Bench runs n in-policy payments through the whole system, one at a time,
// and prints the median of each stage: pre-check, prove, relay (both ways),
// verify+sign, broadcast, mined, and request → mined.
func Bench(ctx context.Context, cfg Config, n int) error {
	var mu sync.Mutex
	signed := map[string]signerhost.Event{}
	mined := map[string]signerhost.Event{}
	s, err := stack.Start(ctx, stack.Config{LeashBin: cfg.LeashBin, KeysDir: cfg.KeysDir, WorkDir: cfg.WorkDir,
		OnEvent: func(e signerhost.Event) {
			mu.Lock()
			defer mu.Unlock()
			switch e.Status {
			case wire.StatusSigned:
				signed[e.ID] = e
			case wire.StatusMined:
				mined[e.ID] = e
			}
		}})
	if err != nil {
		return err
	}
	defer s.Close()
	stages := map[string][]float64{}
	order := []string{"pre-check", "prove", "relay (to signer and back)", "verify + sign", "broadcast", "mined (after broadcast)",
		"request → mined", "all but proving"}
	for i := 0; i < n; i++ {
		rec, err := s.Agent.Submit(ctx, daemon.Payment(wire.Address(s.Alice), big.NewInt(1e12)), "", 2*time.Minute)
		if err != nil {
			return err
		}
		if rec.Status != daemon.StatusMined {
			return fmt.Errorf("payment %d ended %s %s %s", i, rec.Status, rec.Code, rec.Message)
		}
		time.Sleep(20 * time.Millisecond) // let the mined event land
		mu.Lock()
		var sg, mn signerhost.Event
		for id, e := range signed {
			if strings.HasPrefix(id, rec.ID+".") {
				sg, mn = e, mined[id]
			}
		}
		mu.Unlock()
		t := rec.Timings
		add := func(k string, v float64) { stages[k] = append(stages[k], v) }
		add("pre-check", t.PrecheckMs)
		add("prove", t.ProveMs)
		add("relay (to signer and back)", t.SignedMs-ms(sg.Took)-ms(sg.Broadcast))
		add("verify + sign", ms(sg.Took))
		add("broadcast", ms(sg.Broadcast))
		add("mined (after broadcast)", ms(mn.Mined))
		add("request → mined", t.TotalMs)
		add("all but proving", t.TotalMs-t.ProveMs)
	}
	w := cfg.Out
	fmt.Fprintf(w, "\nproposal → mined, %d payments one at a time (medians, ms)\n", n)
	fmt.Fprintf(w, "%-30s %10s %10s %10s\n", "stage", "p50", "min", "max")
	for _, k := range order {
		v := append([]float64(nil), stages[k]...)
		sort.Float64s(v)
		fmt.Fprintf(w, "%-30s %10.1f %10.1f %10.1f\n", k, v[len(v)/2], v[0], v[len(v)-1])
	}
	return nil
}
