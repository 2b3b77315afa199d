package relaytest

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"github.com/leash-wallet/leash/relay/client"
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/relay/proto"
	"github.com/leash-wallet/leash/wire"
)

// testAttacks performs the attacks of the relay's threat model (issue 18)
// against a backend and checks each is refused: a URI holder or a hostile
// login wedging, draining, kicking off or replacing the pairing, and
// deliveries acknowledged elsewhere going unnoticed.
func testAttacks(t *testing.T, tgt Target, healthy *Pair) {
	cases := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"keyless-envelope-wedges-nothing", func(t *testing.T) { attackKeyless(t, tgt) }},
		{"uri-holder-locked-out-of-session-channel", func(t *testing.T) { attackURIHolder(t, tgt) }},
		{"login-acknowledges-nothing", func(t *testing.T) { attackLoginDrain(t, tgt) }},
		{"acknowledged-elsewhere-shows-as-lost", func(t *testing.T) { attackAckedElsewhere(t, tgt) }},
		{"second-agent-key-refuses-pairing", func(t *testing.T) { attackSecondHello(t, tgt) }},
		{"expired-pairing-uri", func(t *testing.T) { attackExpired(t, tgt) }},
		{"typed-layer-two-bodies", func(t *testing.T) { attackTwoBodies(t, tgt) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.run(t)
			healthy.RoundTrip(t)
		})
	}
}

// keylessEnvelope is a version-2 transport envelope for ch from role with a
// valid header, sequence number 2^62, a far message index and a random
// body: nobody holds a key that opens it.
func keylessEnvelope(ch e2e.ChannelID, from e2e.Role) []byte {
	env := make([]byte, 256)
	_, _ = rand.Read(env)
	env[0] = e2e.Version2
	copy(env[1:17], ch[:])
	env[17], env[18] = byte(from), byte(e2e.TypeTransport)
	binary.BigEndian.PutUint64(env[19:27], 1<<62)
	binary.BigEndian.PutUint32(env[43:47], 0)
	binary.BigEndian.PutUint32(env[47:51], 0)
	binary.BigEndian.PutUint32(env[51:55], 1<<31)
	return env
}

// attackKeyless: one envelope without any key, sent by a login of the
// agent role (the agent host is hostile), used to move the receiver's ack
// point and the relay's replay floor to 2^62 and wedge the channel for
// good. Now the relay numbers it like any other, the signer drops it as
// forged without moving its session, and everything after it arrives,
// also after restarts.
func attackKeyless(t *testing.T, tgt Target) {
	p := NewPair(t, tgt.URL)
	p.Agent.Close() // the hostile login would replace it (4009) and race it
	r := DialRaw(t, tgt.URL)
	r.Auth(p.AgentS.Keys(), e2e.RoleAgent)
	_ = r.Write(proto.Send(keylessEnvelope(p.AgentS.Channel(), e2e.RoleAgent)))
	if f := r.NextOf(proto.TSendAck); f.Status != proto.StatusStored {
		t.Fatalf("keyless envelope: status %d", f.Status)
	}
	r.WS.Close()
	p.ReopenAgent(t)
	p.SendN(t, 1, 3)
	p.ReceiveN(t, 1, 3)
	if st := p.Signer.Stats(); st.Forged < 1 {
		t.Fatalf("the keyless envelope was not counted as forged: %+v", st)
	}
	p.ReopenSigner(t)
	p.ReopenAgent(t)
	p.SendN(t, 4, 5)
	p.ReceiveN(t, 4, 2)
	p.RoundTrip(t)
}

// attackURIHolder: whoever saw the pairing URI (a screenshot, shell
// history) can no longer log in as either role once the link moved to its
// session channel, so cannot kick the parties off, spend the channel's
// login budget or delete queued envelopes; what they send on the pairing
// channel reaches no one.
func attackURIHolder(t *testing.T, tgt Target) {
	p := NewPair(t, tgt.URL)
	uri := p.Pairing.Secret.Keys()
	for _, role := range []e2e.Role{e2e.RoleSigner, e2e.RoleAgent} {
		r := DialRaw(t, tgt.URL)
		_ = r.Write(proto.Auth(role, p.AgentS.Channel(), uri.Prove(r.Nonce, role)))
		r.ExpectClose(proto.CloseAuthFailed)
	}
	// On the pairing channel, as either role: keyless junk and a replayed
	// handshake. The paired link does not hear of it.
	for _, role := range []e2e.Role{e2e.RoleSigner, e2e.RoleAgent} {
		r := DialRaw(t, tgt.URL)
		r.Auth(uri, role)
		_ = r.Write(proto.Send(keylessEnvelope(p.Pairing.Secret.ID(), role)))
		r.NextOf(proto.TSendAck)
		r.WS.Close()
	}
	p.SendN(t, 1, 2)
	p.ReceiveN(t, 1, 2)
	p.RoundTrip(t)
	if c := p.Signer.Stats().Connects + p.Agent.Stats().Connects; c != 2 {
		t.Fatalf("the parties were kicked off: %d connects", c)
	}
}

// attackLoginDrain: logging in acknowledges nothing (protocol 1 took AUTH's
// resume as an ack, so one login with resume = 2^64−1 deleted both queues).
// A login that takes deliveries and leaves without ACK loses nothing.
func attackLoginDrain(t *testing.T, tgt Target) {
	p := NewPair(t, tgt.URL)
	p.Signer.Close()
	p.SendN(t, 1, 3)
	r := DialRaw(t, tgt.URL)
	r.Auth(p.SignerS.Keys(), e2e.RoleSigner)
	for i := 1; i <= 3; i++ {
		if f := r.NextOf(proto.TDeliver); f.N != uint64(i) {
			t.Fatalf("delivery %d numbered %d", i, f.N)
		}
	}
	r.WS.Close()
	p.ReopenSigner(t)
	p.ReceiveN(t, 1, 3)
}

// attackAckedElsewhere: deliveries acknowledged by another login of the
// signer role are gone from the relay, but the signer is told: the next
// message carries Lost (and the e2e Gap), and Stats counts them.
func attackAckedElsewhere(t *testing.T, tgt Target) {
	p := NewPair(t, tgt.URL)
	p.Signer.Close()
	p.SendN(t, 1, 3)
	r := DialRaw(t, tgt.URL)
	r.Auth(p.SignerS.Keys(), e2e.RoleSigner)
	r.NextOf(proto.TDeliver)
	r.NextOf(proto.TDeliver)
	_ = r.Write(proto.Ack(2))
	time.Sleep(200 * time.Millisecond) // let the relay commit the ack
	r.WS.Close()
	p.ReopenSigner(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m, err := p.Signer.Receive(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var pr Proposal
	if err := m.Decode(&pr); err != nil || pr.N != 3 || m.Lost != 2 || m.Gap != 2 {
		t.Fatalf("got %+v lost %d gap %d (%v), want proposal 3 with 2 lost", pr, m.Lost, m.Gap, err)
	}
	_ = p.Signer.Ack(m)
	if st := p.Signer.Stats(); st.Lost != 2 || st.Gaps != 2 {
		t.Fatalf("stats %+v", st)
	}
}

// attackTwoBodies: a peer sends the typed layer with a second body under
// a case variant ("BODY"), which encoding/json alone would take over
// "body". The client hands it up as an untyped message (no kind; Decode
// refuses it malformed), and a body with a case-variant field inside is
// refused by Decode too.
func attackTwoBodies(t *testing.T, tgt Target) {
	p := NewPair(t, tgt.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i, payload := range []string{
		`{"kind":"proposal","body":{"n":1},"BODY":{"n":2}}`,
		`{"kind":"proposal","body":{"n":1,"N":2}}`,
	} {
		if err := p.Agent.SendPayload(ctx, e2e.NewMessageID(nil), uint32(i+1), []byte(payload)); err != nil {
			t.Fatal(err)
		}
		m, err := p.Signer.Receive(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var pr Proposal
		if err := m.Decode(&pr); !errors.Is(err, wire.ErrMalformed) {
			t.Fatalf("%s: decoded %+v (kind %q, %v), want malformed", payload, pr, m.Kind, err)
		}
		if i == 0 && m.Kind != "" {
			t.Fatalf("%s: handed up as kind %q", payload, m.Kind)
		}
		_ = p.Signer.Ack(m)
	}
}

// attackSecondHello: a stranger who saw the URI answers it before the real
// agent host. The signer keeps the offer (the user has not confirmed);
// when a second agent key answers, pairing is refused (pairing_conflict)
// and a new URI is needed: a stranger's handshake never silently replaces
// the real one, nor the other way round.
func attackSecondHello(t *testing.T, tgt Target) {
	pairing, sk := NewPairing(t, tgt.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	offers := make(chan e2e.Offer, 4)
	done := make(chan error, 1)
	go func() {
		cfg := quickCfg(tgt.URL)
		_, err := client.AcceptPairing(ctx, cfg, pairing, sk, func(o e2e.Offer) bool {
			offers <- o
			return false // the user has not confirmed yet
		})
		done <- err
	}()
	pair := func(k e2e.KeyPair) {
		go func() {
			pctx, pcancel := context.WithTimeout(ctx, 10*time.Second)
			defer pcancel()
			_, _ = client.PairAgent(pctx, quickCfg(tgt.URL), pairing, k, []byte(`{"name":"agent"}`), nil)
		}()
	}
	stranger, _ := e2e.GenerateKeyPair(nil)
	real, _ := e2e.GenerateKeyPair(nil)
	pair(stranger)
	select {
	case o := <-offers:
		if o.PeerKey != stranger.Public {
			t.Fatal("offer from an unexpected key")
		}
	case <-ctx.Done():
		t.Fatal("no offer for the stranger's handshake")
	}
	pair(real)
	select {
	case err := <-done:
		if !errors.Is(err, e2e.ErrConflict) {
			t.Fatalf("a second agent key: %v, want pairing_conflict", err)
		}
	case <-ctx.Done():
		t.Fatal("the second agent key was not refused")
	}
}

// attackExpired: a pairing URI past its expiry is refused by the agent host
// before it touches the relay.
func attackExpired(t *testing.T, tgt Target) {
	pairing, _ := NewPairing(t, tgt.URL)
	pairing.Exp = time.Now().Add(-time.Second).Unix()
	k, _ := e2e.GenerateKeyPair(nil)
	if _, err := client.PairAgent(context.Background(), quickCfg(tgt.URL), pairing, k, nil, nil); !errors.Is(err, e2e.ErrExpired) {
		t.Fatalf("expired URI: %v", err)
	}
}
