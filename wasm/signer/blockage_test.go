package signer

import (
	"strings"
	"testing"

	"github.com/leash-wallet/leash/wire"
)

// TestProgramBlockAgeInCore is issue 12's "the host may choose the most
// favourable of 9 recent blocks", through the signer core on a real dev
// node: a decision proven at a block 3 behind the head is refused with the
// core's default (2 blocks), uses up nothing, and is signed once the user
// widens the setting (Configure, as the extension does when settings are
// saved). programverify's TestDefaultMaxBlockAge checks the bound itself;
// this checks that the core applies it (default 2) and the user's setting.
func TestProgramBlockAgeInCore(t *testing.T) {
	d := newDevChain(t)
	d.publish(t, "threshold")
	B := d.setPrice(t, buyPrice) // the block the host picks
	for i := 0; i < 3; i++ {     // the chain moves on (one block each)
		d.setPrice(t, buyPrice)
	}
	s := programSigner(t, NewMemStore(), d.options(), "threshold")
	if got := s.Status().Chain.MaxBlockAge; got != 2 {
		t.Fatalf("default maxBlockAge %d", got)
	}
	p := d.proveAt(t, "threshold", 0, B)
	r := submit(t, s, p)
	if r.Status != wire.StatusRejected || r.Code != wire.StaleInput || r.RawTx != nil || !strings.Contains(r.Message, "3 blocks behind") {
		t.Fatalf("a decision 3 blocks old: %+v", r)
	}
	if st := s.Status(); st.Nonce != 0 || st.Programs[0].LastBlock != nil {
		t.Fatalf("the refusal moved the state: nonce %d, last block %v", st.Nonce, st.Programs[0].LastBlock)
	}
	// The user's setting, not the agent's, widens the bound.
	o := s.ChainOptions()
	o.MaxBlockAge = 3
	s.Configure(o)
	p.ID += "-again"
	if r := submit(t, s, p); r.Status != wire.StatusSigned {
		t.Fatalf("with maxBlockAge 3: %+v", r)
	}
}
