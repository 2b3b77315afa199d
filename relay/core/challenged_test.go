package core_test

import (
	"testing"

	"github.com/leash-wallet/leash/relay/core"
	"github.com/leash-wallet/leash/relay/e2e"
	"github.com/leash-wallet/leash/relay/proto"
)

// AcceptChallenged: a front end (the Worker) sent the CHALLENGE; the link
// sends none and accepts only an AUTH over that nonce.
func TestAcceptChallenged(t *testing.T) {
	h, err := core.New(core.Config{Store: core.NewMemStore()})
	if err != nil {
		t.Fatal(err)
	}
	secret, _ := e2e.NewChannelSecret(nil)
	keys := secret.Keys()
	nonce := [e2e.ChallengeSize]byte{1, 2, 3}

	bad := &sink{}
	l := h.AcceptChallenged(bad, nonce)
	var other [e2e.ChallengeSize]byte
	if ce := l.Handle(proto.Auth(e2e.RoleAgent, secret.ID(), keys.Prove(other, e2e.RoleAgent))); ce == nil || ce.Code != proto.CloseAuthFailed {
		t.Fatalf("AUTH over another nonce: %v", ce)
	}
	if n := h.Stats().Rejected[core.ReasonAuthFailed].Load(); n != 1 {
		t.Fatalf("auth_failed counted %d times", n)
	}

	good := &sink{}
	l = h.AcceptChallenged(good, nonce)
	if good.count(proto.TChallenge) != 0 {
		t.Fatal("AcceptChallenged sent a CHALLENGE")
	}
	if ce := l.Handle(proto.Auth(e2e.RoleAgent, secret.ID(), keys.Prove(nonce, e2e.RoleAgent))); ce != nil {
		t.Fatal(ce)
	}
	if !l.Authed() || l.Channel() != secret.ID() || good.last().Type != proto.TWelcome {
		t.Fatalf("not authenticated: %v %v", l.Authed(), good.last().Type)
	}
}
