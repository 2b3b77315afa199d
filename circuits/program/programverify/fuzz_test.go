package programverify_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/leash-wallet/leash/circuits/program/programtest"
	"github.com/leash-wallet/leash/circuits/program/programverify"
	"github.com/leash-wallet/leash/wire"
)

// FuzzVerify feeds arbitrary proposal documents through decode and Verify
// against the fake chain: nothing panics, every refusal is coded, and
// nothing is accepted unless it is the valid proposal's statement.
func FuzzVerify(f *testing.F) {
	s := programtest.Shared(f, "mlp")
	valid := s.Result.Proposal
	seed, _ := json.Marshal(valid)
	f.Add(seed)
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := wire.DecodeProposal(b)
		if err != nil {
			return
		}
		err = s.Verify(p, programverify.Options{})
		if err == nil {
			// Proofs are randomized (each process proves its own), so the
			// statement is compared, not the proof bytes.
			got, _ := json.Marshal(p.Tx)
			want, _ := json.Marshal(valid.Tx)
			if !bytes.Equal(got, want) || p.Time != valid.Time || p.Program.Block != valid.Program.Block {
				t.Fatalf("accepted a different proposal: %s", b)
			}
			return
		}
		if wire.CodeOf(err) == wire.Internal {
			t.Fatalf("uncoded error %v", err)
		}
	})
}
