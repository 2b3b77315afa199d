package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/leash-wallet/leash/chain/devnet"
	"github.com/leash-wallet/leash/chain/rpcchain"
	"github.com/leash-wallet/leash/wire"
)

var (
	net1 *devnet.Devnet
	reg  common.Address
)

func TestMain(m *testing.M) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	d, err := devnet.Start(ctx, devnet.Config{Deploy: true})
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	net1 = d
	addrs, _ := d.Contracts()
	reg = addrs.Registry
	code := m.Run()
	d.Close()
	os.Exit(code)
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func client(t *testing.T) *Client {
	c, err := Dial(testCtx(t), net1.URL(), reg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func h(s string) [32]byte { return crypto.Keccak256Hash([]byte(s)) }

// The whole life of an entry: publish, look up, revoke (the kill switch),
// publish again; with the events and the coded errors a signer sees.
func TestPublishLookupRevoke(t *testing.T) {
	ctx, c := testCtx(t), client(t)
	acct := net1.Accounts()[1]
	C, vk := h("policy-1"), h("vk-1")

	if e, err := c.Lookup(ctx, acct.Address); err != nil || e != (Entry{}) {
		t.Fatalf("fresh account: %+v, %v", e, err)
	}
	if err := c.Check(ctx, acct.Address, C, vk); !errors.Is(err, wire.ErrUnknownPolicy) {
		t.Fatalf("Check before publish: %v, want unknown_policy", err)
	}

	tx1, err := Publish(ctx, net1.URL(), reg, acct.Key, C, vk)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Lookup(ctx, net1.URL(), reg, acct.Address)
	if err != nil || e != (Entry{Commitment: C, VKHash: vk}) {
		t.Fatalf("after publish: %+v, %v", e, err)
	}
	if err := c.Check(ctx, acct.Address, C, vk); err != nil {
		t.Fatalf("Check after publish: %v", err)
	}
	if err := c.Check(ctx, acct.Address, h("other"), vk); !errors.Is(err, wire.ErrUnknownPolicy) {
		t.Fatalf("Check of another commitment: %v", err)
	}
	if err := c.Check(ctx, acct.Address, C, h("other-vk")); !errors.Is(err, wire.ErrUnknownPolicy) {
		t.Fatalf("Check of another vk: %v", err)
	}
	published, err := c.rpc.BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}

	tx2, err := Revoke(ctx, net1.URL(), reg, acct.Key)
	if err != nil {
		t.Fatal(err)
	}
	e, err = c.Lookup(ctx, acct.Address)
	if err != nil || !e.Revoked || e.Commitment != C {
		t.Fatalf("after revoke: %+v, %v", e, err)
	}
	err = c.Check(ctx, acct.Address, C, vk)
	if !errors.Is(err, wire.ErrRevoked) || wire.CodeOf(err) != wire.Revoked {
		t.Fatalf("Check after revoke: %v, want revoked", err)
	}
	if _, err := c.Revoke(ctx, acct.Key); !errors.Is(err, ErrNothingToRevoke) {
		t.Fatalf("second revoke: %v, want ErrNothingToRevoke", err)
	}
	// The state before the revoke is still readable at its block.
	if old, err := c.LookupAt(ctx, acct.Address, new(big.Int).SetUint64(published)); err != nil || old.Revoked {
		t.Fatalf("entry at block %d: %+v, %v", published, old, err)
	}

	C2 := h("policy-2")
	tx3, err := c.Publish(ctx, acct.Key, C2, vk)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Check(ctx, acct.Address, C2, vk); err != nil {
		t.Fatalf("Check after re-publish: %v", err)
	}

	evs, err := c.Events(ctx, &acct.Address, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []Event{
		{Kind: KindCommitted, Account: acct.Address, Commitment: C, VKHash: vk, TxHash: tx1},
		{Kind: KindRevoked, Account: acct.Address, Commitment: C, TxHash: tx2},
		{Kind: KindCommitted, Account: acct.Address, Commitment: C2, VKHash: vk, TxHash: tx3},
	}
	checkEvents(t, evs, want)
	// Another account's events are not mixed in.
	other := net1.Accounts()[2].Address
	if evs, err := c.Events(ctx, &other, 0); err != nil || len(evs) != 0 {
		t.Fatalf("events of an idle account: %v, %v", evs, err)
	}
}

func TestPublishZeroCommitmentRefused(t *testing.T) {
	ctx, c := testCtx(t), client(t)
	acct := net1.Accounts()[3]
	nonce, _ := c.rpc.PendingNonceAt(ctx, acct.Address)
	if _, err := c.Publish(ctx, acct.Key, [32]byte{}, h("vk")); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("zero commitment: %v, want malformed", err)
	}
	// The contract refuses it too, when asked directly.
	if _, err := c.transact(ctx, acct.Key, c.reg.PackCommit([32]byte{}, h("vk"))); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("zero commitment sent to the contract: %v, want malformed", err)
	}
	if after, _ := c.rpc.PendingNonceAt(ctx, acct.Address); after != nonce {
		t.Fatalf("a transaction was sent (nonce %d -> %d)", nonce, after)
	}
}

func TestUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close() // nobody listens there now
	ctx := testCtx(t)
	if _, err := Lookup(ctx, url, reg, common.Address{1}); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("Lookup: %v, want ErrUnreachable", err)
	}
	if _, err := Publish(ctx, url, reg, net1.Accounts()[4].Key, h("c"), h("v")); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("Publish: %v, want ErrUnreachable", err)
	}
	if _, err := Lookup(ctx, "http://nonexistent.invalid:8545", reg, common.Address{1}); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("Lookup on an unresolvable host: %v, want ErrUnreachable", err)
	}
}

func TestNotARegistry(t *testing.T) {
	ctx := testCtx(t)
	if _, err := Lookup(ctx, net1.URL(), common.HexToAddress("0x00000000000000000000000000000000deadbeef"), common.Address{1}); !errors.Is(err, ErrNoContract) {
		t.Fatalf("no contract: %v, want ErrNoContract", err)
	}
	addrs, _ := net1.Contracts()
	// A token has no commitmentOf: it reverts. An error, never an entry.
	if e, err := Lookup(ctx, net1.URL(), addrs.USD, common.Address{1}); err == nil {
		t.Fatalf("token as registry: %+v", e)
	}
}

// fakeRPC answers eth_call with a fixed result or error, like a hostile or
// broken endpoint would.
func fakeRPC(t *testing.T, answer func(method string) string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		var req struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		if json.Unmarshal(body, &req) != nil {
			w.WriteHeader(400)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,%s}`, req.ID, answer(req.Method))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestHostileAnswers(t *testing.T) {
	ctx := testCtx(t)
	for name, tc := range map[string]struct {
		answer string
		want   error
	}{
		"short":         {`"result":"0x1234"`, ErrBadAnswer},
		"long":          {`"result":"0x` + fmt.Sprintf("%0256x", 1) + `"`, ErrBadAnswer},
		"bad bool":      {`"result":"0x` + fmt.Sprintf("%064x%064x%064x", 1, 2, 2) + `"`, ErrBadAnswer},
		"not hex":       {`"result":"zz"`, nil},
		"short revert":  {`"error":{"code":3,"message":"execution reverted","data":"0x12"}`, nil},
		"revert string": {`"error":{"code":3,"message":"execution reverted","data":"0x08c379a0"}`, nil},
		"empty code":    {`"result":"0x"`, ErrNoContract},
	} {
		t.Run(name, func(t *testing.T) {
			url := fakeRPC(t, func(string) string { return tc.answer })
			e, err := Lookup(ctx, url, reg, common.Address{1})
			if err == nil {
				t.Fatalf("accepted %+v", e)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("%v, want %v", err, tc.want)
			}
		})
	}
	// A revoked entry reads as revoked even through a plain decoder.
	url := fakeRPC(t, func(string) string {
		return `"result":"0x` + fmt.Sprintf("%064x%064x%064x", 7, 8, 1) + `"`
	})
	e, err := Lookup(ctx, url, reg, common.Address{1})
	if err != nil || !e.Revoked {
		t.Fatalf("%+v, %v", e, err)
	}
	if err := e.Check(e.Commitment, e.VKHash); !errors.Is(err, wire.ErrRevoked) {
		t.Fatalf("Check: %v", err)
	}
}

// The life of a program entry: publish, look up, check against a pinned
// key, revoke, re-publish; events; another account's programs stay apart.
func TestProgramPublishLookupRevoke(t *testing.T) {
	ctx, c := testCtx(t), client(t)
	acct := net1.Accounts()[5]
	P, vk := h("program-1"), h("program-vk-1")

	if e, err := c.LookupProgram(ctx, acct.Address, P); err != nil || e != (ProgramEntry{}) {
		t.Fatalf("never published: %+v, %v", e, err)
	}
	if err := (ProgramEntry{}).Check(P, vk); !errors.Is(err, wire.ErrUnknownPolicy) {
		t.Fatalf("Check of an unpublished program: %v", err)
	}
	tx1, err := PublishProgram(ctx, net1.URL(), reg, acct.Key, P, vk)
	if err != nil {
		t.Fatal(err)
	}
	e, err := c.LookupProgram(ctx, acct.Address, P)
	if err != nil || e != (ProgramEntry{VKHash: vk}) {
		t.Fatalf("after publish: %+v, %v", e, err)
	}
	if err := e.Check(P, vk); err != nil {
		t.Fatalf("Check: %v", err)
	}
	// A key of another setup is not the published one (issue 12, attack 6).
	if err := e.Check(P, h("another setup")); !errors.Is(err, wire.ErrUnknownPolicy) {
		t.Fatalf("Check of another key: %v", err)
	}
	// Another program of the same account, and the same program of another
	// account, are not published.
	if e, err := c.LookupProgram(ctx, acct.Address, h("program-2")); err != nil || e != (ProgramEntry{}) {
		t.Fatalf("another program: %+v, %v", e, err)
	}
	if e, err := c.LookupProgram(ctx, net1.Accounts()[6].Address, P); err != nil || e != (ProgramEntry{}) {
		t.Fatalf("another account: %+v, %v", e, err)
	}
	// The policy entry is untouched by programs.
	if pe, err := c.Lookup(ctx, acct.Address); err != nil || pe != (Entry{}) {
		t.Fatalf("policy entry: %+v, %v", pe, err)
	}
	published, _ := c.rpc.BlockNumber(ctx)

	tx2, err := RevokeProgram(ctx, net1.URL(), reg, acct.Key, P)
	if err != nil {
		t.Fatal(err)
	}
	e, err = c.LookupProgram(ctx, acct.Address, P)
	if err != nil || !e.Revoked || e.VKHash != vk {
		t.Fatalf("after revoke: %+v, %v", e, err)
	}
	if err := e.Check(P, vk); !errors.Is(err, wire.ErrRevoked) {
		t.Fatalf("Check after revoke: %v", err)
	}
	nonce, _ := c.rpc.PendingNonceAt(ctx, acct.Address)
	if _, err := c.RevokeProgram(ctx, acct.Key, P); !errors.Is(err, ErrNothingToRevoke) {
		t.Fatalf("second revoke: %v", err)
	}
	if _, err := c.RevokeProgram(ctx, acct.Key, h("never published")); !errors.Is(err, ErrNothingToRevoke) {
		t.Fatalf("revoke of an unpublished program: %v", err)
	}
	if after, _ := c.rpc.PendingNonceAt(ctx, acct.Address); after != nonce {
		t.Fatalf("a refused revoke sent a transaction (nonce %d -> %d)", nonce, after)
	}
	if old, err := c.LookupProgramAt(ctx, acct.Address, P, new(big.Int).SetUint64(published)); err != nil || old.Revoked {
		t.Fatalf("entry at block %d: %+v, %v", published, old, err)
	}

	// Publishing again (here with a new key) clears the revocation.
	vk2 := h("program-vk-2")
	tx3, err := c.PublishProgram(ctx, acct.Key, P, vk2)
	if err != nil {
		t.Fatal(err)
	}
	if e, err := c.LookupProgram(ctx, acct.Address, P); err != nil || e != (ProgramEntry{VKHash: vk2}) {
		t.Fatalf("re-published: %+v, %v", e, err)
	}

	evs, err := c.Events(ctx, &acct.Address, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []Event{
		{Kind: KindProgramPublished, Account: acct.Address, Commitment: P, VKHash: vk, TxHash: tx1},
		{Kind: KindProgramRevoked, Account: acct.Address, Commitment: P, TxHash: tx2},
		{Kind: KindProgramPublished, Account: acct.Address, Commitment: P, VKHash: vk2, TxHash: tx3},
	}
	checkEvents(t, evs, want)
}

func TestPublishProgramZeroRefused(t *testing.T) {
	ctx, c := testCtx(t), client(t)
	acct := net1.Accounts()[7]
	nonce, _ := c.rpc.PendingNonceAt(ctx, acct.Address)
	if _, err := c.PublishProgram(ctx, acct.Key, [32]byte{}, h("vk")); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("zero program: %v", err)
	}
	if _, err := c.PublishProgram(ctx, acct.Key, h("p"), [32]byte{}); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("zero vk hash: %v", err)
	}
	// The contract refuses them too, when asked directly; and a policy with
	// a zero vk hash.
	for name, data := range map[string][]byte{
		"program":    c.reg.PackPublishProgram([32]byte{}, h("vk")),
		"program vk": c.reg.PackPublishProgram(h("p"), [32]byte{}),
		"policy vk":  c.reg.PackCommit(h("c"), [32]byte{}),
	} {
		if _, err := c.transact(ctx, acct.Key, data); !errors.Is(err, wire.ErrMalformed) {
			t.Fatalf("%s zero, sent to the contract: %v", name, err)
		}
	}
	if after, _ := c.rpc.PendingNonceAt(ctx, acct.Address); after != nonce {
		t.Fatalf("a transaction was sent (nonce %d -> %d)", nonce, after)
	}
}

// The typed-data key's entry is a program entry under the reserved
// TypedKeyID; a listing names it as the typed key, never as a program.
func TestTypedKeyEvents(t *testing.T) {
	ctx, c := testCtx(t), client(t)
	acct := net1.Accounts()[8]
	vk, vk2 := h("typed-vk-1"), h("typed-vk-2")
	P := h("program-beside-the-typed-key")
	tx1, err := c.PublishTypedKey(ctx, acct.Key, vk)
	if err != nil {
		t.Fatal(err)
	}
	tx2, err := c.PublishProgram(ctx, acct.Key, P, vk)
	if err != nil {
		t.Fatal(err)
	}
	tx3, err := c.RevokeTypedKey(ctx, acct.Key)
	if err != nil {
		t.Fatal(err)
	}
	tx4, err := c.PublishTypedKey(ctx, acct.Key, vk2)
	if err != nil {
		t.Fatal(err)
	}
	if e, err := c.LookupTypedKey(ctx, acct.Address); err != nil || e != (ProgramEntry{VKHash: vk2}) {
		t.Fatalf("typed key entry: %+v, %v", e, err)
	}
	evs, err := c.Events(ctx, &acct.Address, 0)
	if err != nil {
		t.Fatal(err)
	}
	id := common.Hash(rpcchain.TypedKeyID)
	want := []Event{
		{Kind: KindTypedKeyPublished, Account: acct.Address, Commitment: id, VKHash: vk, TxHash: tx1},
		{Kind: KindProgramPublished, Account: acct.Address, Commitment: P, VKHash: vk, TxHash: tx2},
		{Kind: KindTypedKeyRevoked, Account: acct.Address, Commitment: id, TxHash: tx3},
		{Kind: KindTypedKeyPublished, Account: acct.Address, Commitment: id, VKHash: vk2, TxHash: tx4},
	}
	checkEvents(t, evs, want)
}

// checkEvents compares listed events with want, each mined in some block
// (want's Block is taken from evs, which must not be zero).
func checkEvents(t *testing.T, evs, want []Event) {
	t.Helper()
	if len(evs) != len(want) {
		t.Fatalf("events %+v", evs)
	}
	for i := range want {
		want[i].Block = evs[i].Block
		if evs[i] != want[i] || evs[i].Block == 0 {
			t.Errorf("event %d: %+v, want %+v", i, evs[i], want[i])
		}
	}
}
