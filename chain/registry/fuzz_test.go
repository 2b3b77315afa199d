package registry

import (
	"bytes"
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/leash-wallet/leash/chain/contracts"
)

// FuzzDecodeEntry: any eth_call answer either decodes to an entry that
// re-encodes to the same 96 bytes, or is ErrBadAnswer. Never a panic.
func FuzzDecodeEntry(f *testing.F) {
	f.Add(make([]byte, 96))
	f.Add(bytes.Repeat([]byte{0xff}, 96))
	f.Add([]byte{0x12, 0x34})
	f.Fuzz(func(t *testing.T, out []byte) {
		e, err := DecodeEntry(out)
		if err != nil {
			if !errors.Is(err, ErrBadAnswer) {
				t.Fatalf("uncoded error %v", err)
			}
			return
		}
		enc := append(append(e.Commitment.Bytes(), e.VKHash.Bytes()...), make([]byte, 32)...)
		if e.Revoked {
			enc[95] = 1
		}
		if !bytes.Equal(enc, out) {
			t.Fatalf("accepted non-canonical %x", out)
		}
	})
}

// FuzzDecodeEvent: any log either decodes to a registry event whose topics
// match it, or is ErrBadAnswer. Never a panic.
func FuzzDecodeEvent(f *testing.F) {
	abi := contracts.NewPolicyRegistry().GetABI()
	committed, revoked := abi.Events["Committed"].ID, abi.Events["Revoked"].ID
	acct := common.BytesToHash(common.HexToAddress("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266").Bytes())
	f.Add(committed.Bytes(), acct.Bytes(), bytes.Repeat([]byte{7}, 32), bytes.Repeat([]byte{8}, 32), uint8(3))
	f.Add(revoked.Bytes(), acct.Bytes(), bytes.Repeat([]byte{7}, 32), []byte{}, uint8(3))
	f.Add(committed.Bytes(), bytes.Repeat([]byte{0xff}, 32), bytes.Repeat([]byte{7}, 32), []byte{1}, uint8(2))
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
		if ev.Kind == KindCommitted && ev.VKHash != common.BytesToHash(data) {
			t.Fatalf("vk hash %x from data %x", ev.VKHash, data)
		}
	})
}
