package registry

import (
	"bytes"
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/leash-wallet/leash/chain/contracts"
	"github.com/leash-wallet/leash/internal/fuzzcorpus"
)

// (The views' decoders, DecodePolicyEntry and DecodeProgramEntry, are
// fuzzed in chain/rpcchain, where they live.)

// FuzzDecodeEvent: any log either decodes to a registry event whose topics
// match it, or is ErrBadAnswer. Never a panic.
func FuzzDecodeEvent(f *testing.F) {
	abi := contracts.NewPolicyRegistry().GetABI()
	acct := common.BytesToHash(common.HexToAddress("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266").Bytes())
	for _, ev := range []string{"Committed", "Revoked", "ProgramPublished", "ProgramRevoked"} {
		f.Add(abi.Events[ev].ID.Bytes(), acct.Bytes(), bytes.Repeat([]byte{7}, 32), bytes.Repeat([]byte{8}, 32), uint8(3))
		f.Add(abi.Events[ev].ID.Bytes(), acct.Bytes(), bytes.Repeat([]byte{7}, 32), []byte{}, uint8(3))
	}
	f.Add(abi.Events["Committed"].ID.Bytes(), bytes.Repeat([]byte{0xff}, 32), bytes.Repeat([]byte{7}, 32), []byte{1}, uint8(2))
	f.Fuzz(func(t *testing.T, t0, t1, t2, data []byte, ntopics uint8) {
		topics := []common.Hash{common.BytesToHash(t0), common.BytesToHash(t1), common.BytesToHash(t2)}
		l := &types.Log{Topics: topics[:min(int(ntopics), 3)], Data: data}
		ev, err := DecodeEvent(l)
		if err != nil {
			if !errors.Is(err, ErrBadAnswer) {
				t.Fatalf("uncoded error %v", err)
			}
			return
		}
		if len(l.Topics) != 3 || ev.Commitment != l.Topics[2] || common.BytesToHash(ev.Account.Bytes()) != l.Topics[1] {
			t.Fatalf("event %+v does not match log %+v", ev, l)
		}
		if (ev.Kind == KindCommitted || ev.Kind == KindProgramPublished || ev.Kind == KindTypedKeyPublished) && ev.VKHash != common.BytesToHash(data) {
			t.Fatalf("vk hash %x from data %x", ev.VKHash, data)
		}
	})
}

// The seeds double as golden vectors: expfail_* must be rejected, the
// others accepted.
func TestSeedsGolden(t *testing.T) {
	for name, v := range fuzzcorpus.Read(t, "", "FuzzDecodeEvent") {
		topics := []common.Hash{common.BytesToHash(v[0].([]byte)), common.BytesToHash(v[1].([]byte)), common.BytesToHash(v[2].([]byte))}
		_, err := DecodeEvent(&types.Log{Topics: topics[:min(int(v[4].(byte)), 3)], Data: v[3].([]byte)})
		if fuzzcorpus.Expfail(name) != (err != nil) {
			t.Errorf("FuzzDecodeEvent/%s: err %v", name, err)
		}
	}
}
