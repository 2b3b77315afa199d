package rpcchain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/leash-wallet/leash/chain/contracts"
	"github.com/leash-wallet/leash/circuits/program"
	"github.com/leash-wallet/leash/internal/fuzzcorpus"
	"github.com/leash-wallet/leash/wire"
)

// The registry selectors are the ones the contract's ABI packs.
func TestRegistrySelectors(t *testing.T) {
	reg := contracts.NewPolicyRegistry()
	acct := wire.Address{0x11}
	if got := reg.PackCommitmentOf(common.Address(acct)); string(got[:4]) != string(selCommitmentOf) {
		t.Errorf("commitmentOf: %x, the binding packs %x", selCommitmentOf, got[:4])
	}
	prog := wire.Hash32{0x22}
	got := reg.PackProgramOf(common.Address(acct), prog)
	if string(got[:4]) != string(selProgramOf) {
		t.Errorf("programOf: %x, the binding packs %x", selProgramOf, got[:4])
	}
	// The whole calldata is the binding's.
	s := &script{answers: map[string]any{"eth_call": fmt.Sprintf(`"0x%064x%064x"`, 7, 0)}}
	if _, err := New(s.call).ProgramEntry(context.Background(), wire.Address{0xee}, acct, prog); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(`eth_call [{"data":"0x%x","to":"0xee00000000000000000000000000000000000000"},"latest"]`, got)
	if len(s.calls) != 1 || s.calls[0] != want {
		t.Fatalf("calls %q, want %q", s.calls, want)
	}
}

func TestRegistryViews(t *testing.T) {
	ctx := context.Background()
	reg, acct, prog := wire.Address{0xee}, wire.Address{0x11}, wire.Hash32{0x22}
	entry := func(answer any) (PolicyEntry, ProgramEntry, error, error) {
		c := New((&script{answers: map[string]any{"eth_call": answer}}).call)
		pe, err1 := c.PolicyEntry(ctx, reg, acct)
		ge, err2 := c.ProgramEntry(ctx, reg, acct, prog)
		return pe, ge, err1, err2
	}
	pe, _, err, _ := entry(fmt.Sprintf(`"0x%064x%064x%064x"`, 7, 8, 1))
	if err != nil || pe.Commitment != (wire.Hash32{31: 7}) || pe.VKHash != (wire.Hash32{31: 8}) || !pe.Revoked {
		t.Fatalf("policy entry %+v, %v", pe, err)
	}
	_, ge, _, err := entry(fmt.Sprintf(`"0x%064x%064x"`, 9, 0))
	if err != nil || ge.VKHash != (wire.Hash32{31: 9}) || ge.Revoked {
		t.Fatalf("program entry %+v, %v", ge, err)
	}
	for name, tc := range map[string]struct {
		answer any
		want   error
	}{
		"no code":        {`"0x"`, ErrNoContract},
		"revert":         {&Error{Code: 3, Message: "execution reverted"}, ErrBadAnswer},
		"revert message": {&Error{Code: -32000, Message: "execution reverted"}, ErrBadAnswer},
		"bool 2":         {fmt.Sprintf(`"0x%064x%064x%064x"`, 7, 2, 2), ErrBadAnswer},
		"dirty bool":     {`"0x` + strings.Repeat("00", 64) + "01" + strings.Repeat("00", 30) + "01" + `"`, ErrBadAnswer},
		"too long":       {fmt.Sprintf(`"0x%0256x"`, 1), ErrBadAnswer},
		"short":          {`"0x1234"`, ErrBadAnswer},
		"not hex":        {`"zz"`, nil},
		"transport":      {errors.New("connection refused"), nil},
	} {
		_, _, err1, err2 := entry(tc.answer)
		for _, err := range []error{err1, err2} {
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Errorf("%s: %v, want %v", name, err, tc.want)
			}
		}
	}
}

func TestEntryChecks(t *testing.T) {
	C, vk, other := wire.Hash32{1}, wire.Hash32{2}, wire.Hash32{3}
	for _, tc := range []struct {
		e    PolicyEntry
		code wire.Code
	}{
		{PolicyEntry{}, wire.UnknownPolicy},
		{PolicyEntry{Commitment: C, VKHash: vk, Revoked: true}, wire.Revoked},
		{PolicyEntry{Commitment: other, VKHash: vk}, wire.UnknownPolicy},
		{PolicyEntry{Commitment: C, VKHash: other}, wire.UnknownPolicy},
		{PolicyEntry{Commitment: C, VKHash: vk}, ""},
	} {
		if got := wire.CodeOf(tc.e.Check(C, vk)); got != tc.code {
			t.Errorf("%+v: %q, want %q", tc.e, got, tc.code)
		}
	}
	for _, tc := range []struct {
		e    ProgramEntry
		code wire.Code
		msg  string
	}{
		{ProgramEntry{}, wire.UnknownPolicy, "not published"},
		{ProgramEntry{VKHash: vk, Revoked: true}, wire.Revoked, "revoked"},
		{ProgramEntry{VKHash: other}, wire.UnknownPolicy, "published with vk hash " + other.Hex()},
		{ProgramEntry{VKHash: vk}, "", ""},
	} {
		err := tc.e.Check(C, vk)
		if wire.CodeOf(err) != tc.code || !strings.Contains(wire.MessageOf(err), tc.msg) {
			t.Errorf("%+v: %v, want %q naming %q", tc.e, err, tc.code, tc.msg)
		}
	}
}

func TestAccountReads(t *testing.T) {
	ctx := context.Background()
	s := &script{answers: map[string]any{
		"eth_getTransactionCount": `"0x2a"`,
		"eth_getBlockByNumber":    `{"hash":"0xab","number":"0x1e","timestamp":"0x6553f100","transactions":[]}`,
	}}
	c := New(s.call)
	if n, err := c.PendingNonce(ctx, wire.Address{0x11}); err != nil || n != 42 {
		t.Fatalf("nonce %d, %v", n, err)
	}
	if ts, err := c.BlockTime(ctx, 30); err != nil || ts != 0x6553f100 {
		t.Fatalf("time %d, %v", ts, err)
	}
	want := []string{
		`eth_getTransactionCount ["0x1100000000000000000000000000000000000000","pending"]`,
		`eth_getBlockByNumber ["0x1e",false]`,
	}
	if strings.Join(s.calls, "\n") != strings.Join(want, "\n") {
		t.Fatalf("calls:\n%s", strings.Join(s.calls, "\n"))
	}
	// The block asked for, not another.
	if _, err := c.BlockTime(ctx, 31); err == nil {
		t.Fatal("block 30's header accepted for block 31")
	}
}

func TestDecodeHeader(t *testing.T) {
	if h, err := DecodeHeader([]byte(` {"number":"0x5", "timestamp":"0x10", "extra":{"a":[1,2]}} `)); err != nil || h != (Header{5, 16}) {
		t.Fatalf("%+v, %v", h, err)
	}
	for _, bad := range []string{
		`null`, `[]`, `"0x5"`, `{}`,
		`{"number":"0x5"}`,
		`{"timestamp":"0x10"}`,
		`{"number":"0x5","timestamp":"0x10","timestamp":"0x11"}`,
		`{"number":"0x5","timestamp":"0x10","hash":"a","hash":"b"}`,
		`{"number":"0x05","timestamp":"0x10"}`,
		`{"number":"0x5","timestamp":"16"}`,
		`{"number":"0x5","timestamp":"0x10000000000000000"}`,
		`{"number":"0x5","timestamp":null}`,
		`{"number":"0x5","timestamp":"0x10"} {}`,
		`{"number":"0x5","timestamp":"0x10"`,
		`{"number":"0x5","timestamp":"0x10",}`,
	} {
		if h, err := DecodeHeader([]byte(bad)); err == nil {
			t.Errorf("%s: accepted %+v", bad, h)
		}
	}
}

// endpoint is a script safe for concurrent reads, with a per-method answer
// that may change with each call (n counts them).
type endpoint struct {
	mu     sync.Mutex
	n      map[string]int
	answer func(method string, n int) (string, error)
}

func (e *endpoint) call(_ context.Context, method string, _ []any) (json.RawMessage, error) {
	e.mu.Lock()
	if e.n == nil {
		e.n = map[string]int{}
	}
	e.n[method]++
	n := e.n[method]
	e.mu.Unlock()
	s, err := e.answer(method, n)
	return json.RawMessage(s), err
}

func fixed(s string) func(string, int) (string, error) {
	return func(string, int) (string, error) { return s, nil }
}

// TestAgree: with a second endpoint, every read must agree on both; a
// lying endpoint (or one that reverts while the other answers) gets
// ErrDisagree after the retries, and nothing is returned.
func TestAgree(t *testing.T) {
	ctx := context.Background()
	oracle := wire.Address{7}
	round := roundWords(big.NewInt(3), big.NewInt(3000), 1700000000)
	honest := func() *endpoint { return &endpoint{answer: fixed(round)} }

	a, b := honest(), honest()
	c := New(a.call, b.call)
	if c.Endpoints() != 2 {
		t.Fatal(c.Endpoints())
	}
	if r, err := c.LatestRoundData(ctx, oracle, 5); err != nil || r.Answer.Int64() != 3000 {
		t.Fatalf("agreeing: %+v, %v", r, err)
	}
	if a.n["eth_call"] != 1 || b.n["eth_call"] != 1 {
		t.Fatalf("each endpoint asked once: %v %v", a.n, b.n)
	}
	// A nil second endpoint is no endpoint.
	if New(a.call, nil).Endpoints() != 1 {
		t.Fatal("nil endpoint counted")
	}

	liar := &endpoint{answer: fixed(roundWords(big.NewInt(3), big.NewInt(2000), 1700000000))}
	start := time.Now()
	_, err := New(honest().call, liar.call).LatestRoundData(ctx, oracle, 5)
	if !errors.Is(err, ErrDisagree) || errors.Is(err, program.ErrNoRound) {
		t.Fatalf("lying endpoint: %v", err)
	}
	if liar.n["eth_call"] != AgreeRetries+1 || time.Since(start) < 3*AgreeBackoff {
		t.Fatalf("%d tries in %s", liar.n["eth_call"], time.Since(start))
	}
	// The same for every kind of read.
	for name, read := range map[string]func(c *Chain) error{
		"chain id": func(c *Chain) error { _, err := c.ChainID(ctx); return err },
		"head":     func(c *Chain) error { _, err := c.BlockNumber(ctx); return err },
		"nonce":    func(c *Chain) error { _, err := c.PendingNonce(ctx, wire.Address{1}); return err },
		"registry": func(c *Chain) error { _, err := c.PolicyEntry(ctx, wire.Address{2}, wire.Address{1}); return err },
		"program": func(c *Chain) error {
			_, err := c.ProgramEntry(ctx, wire.Address{2}, wire.Address{1}, wire.Hash32{3})
			return err
		},
		"time": func(c *Chain) error { _, err := c.BlockTime(ctx, 1); return err },
	} {
		answers := func(v int) func(string, int) (string, error) {
			return func(method string, _ int) (string, error) {
				switch method {
				case "eth_call":
					if name == "program" {
						return fmt.Sprintf(`"0x%064x%064x"`, v, 0), nil
					}
					return fmt.Sprintf(`"0x%064x%064x%064x"`, v, v, 0), nil
				case "eth_getBlockByNumber":
					return fmt.Sprintf(`{"number":"0x1","timestamp":"0x%x"}`, v), nil
				}
				return fmt.Sprintf(`"0x%x"`, v), nil
			}
		}
		if err := read(New((&endpoint{answer: answers(5)}).call, (&endpoint{answer: answers(5)}).call)); err != nil {
			t.Errorf("%s: agreeing endpoints: %v", name, err)
		}
		if err := read(New((&endpoint{answer: answers(5)}).call, (&endpoint{answer: answers(6)}).call)); !errors.Is(err, ErrDisagree) {
			t.Errorf("%s: %v, want ErrDisagree", name, err)
		}
	}

	// Both revert: a consistent "no such round", not a disagreement.
	revert := func() *endpoint {
		return &endpoint{answer: func(string, int) (string, error) { return "", &Error{Code: 3, Message: "execution reverted"} }}
	}
	if _, err := New(revert().call, revert().call).LatestRoundData(ctx, oracle, 5); !errors.Is(err, program.ErrNoRound) {
		t.Fatalf("both revert: %v", err)
	}
	// One reverts, the other answers: disputed.
	if _, err := New(honest().call, revert().call).LatestRoundData(ctx, oracle, 5); !errors.Is(err, ErrDisagree) {
		t.Fatalf("one reverts: %v", err)
	}
	// One cannot be reached: an error, not retried, never the other's answer.
	down := &endpoint{answer: func(string, int) (string, error) { return "", errors.New("connection refused") }}
	other := honest()
	_, err = New(other.call, down.call).LatestRoundData(ctx, oracle, 5)
	if err == nil || errors.Is(err, ErrDisagree) || !strings.Contains(err.Error(), "endpoint 2") || down.n["eth_call"] != 1 {
		t.Fatalf("one down: %v (%d tries)", err, down.n["eth_call"])
	}
	// One answers garbage: an error.
	if _, err := New(honest().call, (&endpoint{answer: fixed(`"0x12"`)}).call).LatestRoundData(ctx, oracle, 5); err == nil {
		t.Fatal("garbage from one endpoint accepted")
	}
	// A node one block behind catches up within the retries: agreed.
	lagging := &endpoint{answer: func(_ string, n int) (string, error) {
		if n == 1 {
			return `"0x9"`, nil
		}
		return `"0xa"`, nil
	}}
	if n, err := New((&endpoint{answer: fixed(`"0xa"`)}).call, lagging.call).BlockNumber(ctx); err != nil || n != 10 {
		t.Fatalf("lagging node: %d, %v", n, err)
	}
	// A cancelled context stops the retries.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := New(honest().call, liar.call).LatestRoundData(cctx, oracle, 5); !errors.Is(err, ErrDisagree) {
		t.Fatalf("cancelled: %v", err)
	}
}

// FuzzDecodeHeader: any answer decodes to a header or errs; never panics.
func FuzzDecodeHeader(f *testing.F) {
	f.Add([]byte(`{"number":"0x5","timestamp":"0x10"}`))
	f.Add([]byte(`{"a":{"b":[{"c":null}]},"number":"0x1","timestamp":"0x0"}`))
	f.Fuzz(func(t *testing.T, s []byte) {
		h, err := DecodeHeader(s)
		if err != nil {
			return
		}
		// What was accepted is what encoding/json reads there too.
		var m map[string]json.RawMessage
		if err := json.Unmarshal(s, &m); err != nil {
			t.Fatalf("%q accepted, but it is not JSON: %v", s, err)
		}
		n, err1 := quantity(m["number"])
		ts, err2 := quantity(m["timestamp"])
		if err1 != nil || err2 != nil || n != h.Number || ts != h.Time {
			t.Fatalf("%q decoded to %+v", s, h)
		}
	})
}

// FuzzDecodePolicyEntry: any eth_call answer either decodes to an entry
// that re-encodes to the same 96 bytes, or is ErrBadAnswer.
func FuzzDecodePolicyEntry(f *testing.F) {
	f.Add(make([]byte, 96))
	f.Add(append(make([]byte, 95), 1))
	f.Add([]byte{0x12, 0x34})
	f.Fuzz(func(t *testing.T, out []byte) {
		e, err := DecodePolicyEntry(out)
		if err != nil {
			if !errors.Is(err, ErrBadAnswer) {
				t.Fatalf("uncoded error %v", err)
			}
			return
		}
		enc := append(append(append([]byte(nil), e.Commitment[:]...), e.VKHash[:]...), make([]byte, 32)...)
		if e.Revoked {
			enc[95] = 1
		}
		if string(enc) != string(out) {
			t.Fatalf("accepted non-canonical %x", out)
		}
	})
}

// FuzzDecodeProgramEntry: the same for programOf's 64 bytes.
func FuzzDecodeProgramEntry(f *testing.F) {
	f.Add(make([]byte, 64))
	f.Add(append(make([]byte, 63), 1))
	f.Add(make([]byte, 96))
	f.Fuzz(func(t *testing.T, out []byte) {
		e, err := DecodeProgramEntry(out)
		if err != nil {
			if !errors.Is(err, ErrBadAnswer) {
				t.Fatalf("uncoded error %v", err)
			}
			return
		}
		enc := append(append([]byte(nil), e.VKHash[:]...), make([]byte, 32)...)
		if e.Revoked {
			enc[63] = 1
		}
		if string(enc) != string(out) {
			t.Fatalf("accepted non-canonical %x", out)
		}
	})
}

// The seeds double as golden vectors: expfail_* must be rejected, the
// others accepted.
func TestSeedsGolden(t *testing.T) {
	for target, decode := range map[string]func([]byte) error{
		"FuzzDecodeHeader":       func(b []byte) error { _, err := DecodeHeader(b); return err },
		"FuzzDecodePolicyEntry":  func(b []byte) error { _, err := DecodePolicyEntry(b); return err },
		"FuzzDecodeProgramEntry": func(b []byte) error { _, err := DecodeProgramEntry(b); return err },
	} {
		for name, v := range fuzzcorpus.Read(t, "", target) {
			if err := decode(v[0].([]byte)); fuzzcorpus.Expfail(name) != (err != nil) {
				t.Errorf("%s/%s: err %v", target, name, err)
			}
		}
	}
}
