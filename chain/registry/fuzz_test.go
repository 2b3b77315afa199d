package registry

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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

// corpus reads the seed files of a fuzz target under testdata/fuzz: each
// is "go test fuzz v1" followed by []byte("...") and byte('...') values.
func corpus(t *testing.T, target string) map[string][]any {
	paths, err := filepath.Glob(filepath.Join("testdata", "fuzz", target, "*"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no seeds for %s: %v", target, err)
	}
	out := map[string][]any{}
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
		var vals []any
		for _, l := range lines[1:] {
			switch {
			case strings.HasPrefix(l, "[]byte(") && strings.HasSuffix(l, ")"):
				s, err := strconv.Unquote(l[len("[]byte(") : len(l)-1])
				if err != nil {
					t.Fatalf("%s: %v", p, err)
				}
				vals = append(vals, []byte(s))
			case strings.HasPrefix(l, "byte(") && strings.HasSuffix(l, ")"):
				s, err := strconv.Unquote(l[len("byte(") : len(l)-1])
				if err != nil || len(s) != 1 {
					t.Fatalf("%s: %q: %v", p, l, err)
				}
				vals = append(vals, s[0])
			default:
				t.Fatalf("%s: unsupported line %q", p, l)
			}
		}
		out[filepath.Base(p)] = vals
	}
	return out
}

// The seeds double as golden vectors: expfail_* must be rejected, the
// others accepted.
func TestSeedsGolden(t *testing.T) {
	for name, v := range corpus(t, "FuzzDecodeEntry") {
		_, err := DecodeEntry(v[0].([]byte))
		if strings.HasPrefix(name, "expfail_") != (err != nil) {
			t.Errorf("FuzzDecodeEntry/%s: err %v", name, err)
		}
	}
	for name, v := range corpus(t, "FuzzDecodeEvent") {
		topics := []common.Hash{common.BytesToHash(v[0].([]byte)), common.BytesToHash(v[1].([]byte)), common.BytesToHash(v[2].([]byte))}
		_, err := DecodeEvent(&types.Log{Topics: topics[:min(int(v[4].(byte)), 3)], Data: v[3].([]byte)})
		if strings.HasPrefix(name, "expfail_") != (err != nil) {
			t.Errorf("FuzzDecodeEvent/%s: err %v", name, err)
		}
	}
}
