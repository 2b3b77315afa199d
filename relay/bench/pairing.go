package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"time"

	"github.com/leash-wallet/leash/relay/client"
	"github.com/leash-wallet/leash/relay/e2e"
)

// HandshakeToProposal pairs a Go signer and a Go agent host through the
// relay at url n times (a fresh URI each time: the Noise handshake on the
// pairing channel, the move to the session channel, the signer's confirm)
// and measures, for each, the time from the agent's first handshake message
// to the signer receiving the agent's first proposal. The user's approval
// is immediate. It returns the sorted durations.
func HandshakeToProposal(ctx context.Context, url string, n int) ([]time.Duration, error) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := client.Config{Logger: quiet, MinBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond}
	var out []time.Duration
	for i := 0; i < n; i++ {
		sk, _ := e2e.GenerateKeyPair(nil)
		ak, _ := e2e.GenerateKeyPair(nil)
		secret, err := e2e.NewChannelSecret(nil)
		if err != nil {
			return nil, err
		}
		p := e2e.Pairing{Relay: url, Secret: secret, SignerPub: sk.Public, Exp: time.Now().Add(time.Minute).Unix()}
		type res struct {
			c   *client.Client
			err error
		}
		sc := make(chan res, 1)
		pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		go func() {
			c, err := client.AcceptPairing(pctx, cfg, p, sk, func(e2e.Offer) bool { return true })
			sc <- res{c, err}
		}()
		start := time.Now()
		agent, err := client.PairAgent(pctx, cfg, p, ak, []byte(`{"name":"bench"}`), nil)
		if err != nil {
			cancel()
			return nil, fmt.Errorf("pair agent: %w", err)
		}
		if _, err := agent.Send(pctx, "proposal", map[string]int{"n": i}); err != nil {
			cancel()
			return nil, err
		}
		r := <-sc
		if r.err != nil {
			cancel()
			return nil, fmt.Errorf("accept pairing: %w", r.err)
		}
		m, err := r.c.Receive(pctx)
		if err != nil || m.Kind != "proposal" {
			cancel()
			return nil, fmt.Errorf("first proposal: %v", err)
		}
		out = append(out, time.Since(start))
		_ = r.c.Ack(m)
		agent.Close()
		r.c.Close()
		cancel()
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}

// RatchetOverhead measures, in this process, the median cost per message
// of sealing and opening a 1 KiB payload with the ratchet and, interleaved
// in the same run, the same envelope sealed and opened under one fixed key
// (the baseline): their difference is the ratchet's overhead.
func RatchetOverhead(rounds, per int) (ratchet, fixed time.Duration, err error) {
	a, s, err := e2e.HandshakeLocal(nil)
	if err != nil {
		return 0, 0, err
	}
	payload := make([]byte, 1024)
	key := make([]byte, 32)
	var rs, fs []time.Duration
	for r := 0; r < rounds; r++ {
		t0 := time.Now()
		for i := 0; i < per; i++ {
			env, _, err := a.Seal(e2e.KindData, e2e.MessageID{}, 0, payload)
			if err != nil {
				return 0, 0, err
			}
			if _, err := s.Open(env); err != nil {
				return 0, 0, err
			}
		}
		rs = append(rs, time.Since(t0)/time.Duration(per))
		t0 = time.Now()
		for i := 0; i < per; i++ {
			if err := e2e.SealOpenFixedKey(key, payload); err != nil {
				return 0, 0, err
			}
		}
		fs = append(fs, time.Since(t0)/time.Duration(per))
	}
	med := func(xs []time.Duration) time.Duration {
		sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] })
		return xs[len(xs)/2]
	}
	return med(rs), med(fs), nil
}
