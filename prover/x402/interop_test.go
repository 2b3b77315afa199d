package x402_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	ethcrypto "github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/leash-wallet/leash/chain/devnet"
	"github.com/leash-wallet/leash/internal/x402ref"
	"github.com/leash-wallet/leash/internal/x402ref/x402reftest"
	"github.com/leash-wallet/leash/prover/x402"
	"github.com/leash-wallet/leash/wire"
)

// The interop tests run our client against the x402 reference server and
// facilitator (tests/x402/server.mjs: @x402/express, @x402/core and
// @x402/evm 2.27.0) on a real go-ethereum dev node with the TestUSDC
// token. They need Node and node_modules (make deps); without them they
// skip, unless LEASH_X402_INTEROP=1 makes that a failure (make test sets it).

// Devnet accounts: 4 pays, 5 is the payee, 9 is the facilitator (it pays
// the settlement's gas).
const (
	payerIdx, payeeIdx, facilitatorIdx = 4, 5, 9
	price, premiumPrice                = 10_000, 1_000_000 // 0.01 and 1 dUSDC
)

func startRefServer(t *testing.T, dn *devnet.Devnet) *x402ref.Server {
	t.Helper()
	return x402reftest.Start(t, dn, x402ref.Config{PayTo: dn.Accounts()[payeeIdx].Address, Price: price, Premium: premiumPrice})
}

// runNode runs a script of tests/x402 with in on stdin and decodes its JSON output.
func runNode(t *testing.T, root, script string, in, out any) {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", filepath.Join(root, "tests", "x402", script))
	cmd.Dir = root
	cmd.Stdin = bytes.NewReader(b)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	res, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v: %s", script, err, stderr.String())
	}
	if err := json.Unmarshal(res, out); err != nil {
		t.Fatalf("%s printed %q: %v", script, res, err)
	}
}

type chainEnv struct {
	dn   *devnet.Devnet
	eth  *ethclient.Client
	usdc common.Address
}

func (e *chainEnv) balance(t *testing.T, a common.Address) *big.Int {
	t.Helper()
	return x402reftest.Balance(t, e.eth, e.usdc, a)
}

func devSigner(k *ecdsa.PrivateKey) *keySigner { return &keySigner{key: k} }

func interopLimits(e *chainEnv) x402.Limits {
	return x402.Limits{
		Assets: []x402.AssetLimit{{ChainID: devnet.ChainID, Asset: e.usdc, MaxAmount: big.NewInt(100_000), Budget: big.NewInt(1_000_000)}},
		Payees: []common.Address{e.dn.Accounts()[payeeIdx].Address},
	}
}

func TestInteropReferenceServer(t *testing.T) {
	root := x402reftest.Root(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dn, err := devnet.Start(ctx, devnet.Config{Deploy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer dn.Close()
	eth, err := dn.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer eth.Close()
	addrs, _ := dn.Contracts()
	e := &chainEnv{dn: dn, eth: eth, usdc: addrs.USDC}
	srv := startRefServer(t, dn)
	accts := dn.Accounts()
	payer, payeeAddr := accts[payerIdx], accts[payeeIdx].Address
	if srv.Network != fmt.Sprintf("eip155:%d", devnet.ChainID) {
		t.Fatalf("server network %s", srv.Network)
	}

	signer := devSigner(payer.Key)
	client, err := x402.New(x402.Config{From: payer.Address, Signer: signer, Limits: interopLimits(e)})
	if err != nil {
		t.Fatal(err)
	}

	// 1. Our client pays; the reference facilitator verifies and settles on chain.
	var paid *x402.Result
	t.Run("pays and settles", func(t *testing.T) {
		from0, to0 := e.balance(t, payer.Address), e.balance(t, payeeAddr)
		res, err := client.Fetch(ctx, x402.Request{URL: srv.Paid})
		if err != nil {
			t.Fatalf("%v\nserver log:\n%s", err, srv.Log())
		}
		if res.Status != 200 || !bytes.Contains(res.Body, []byte(`"answer":42`)) {
			t.Fatalf("status %d body %s", res.Status, res.Body)
		}
		s := res.Settlement
		if s == nil || !s.Success || s.Network != srv.Network || common.HexToAddress(s.Payer) != payer.Address {
			t.Fatalf("settlement %+v", s)
		}
		rcpt, err := eth.TransactionReceipt(ctx, common.HexToHash(s.Transaction))
		if err != nil || rcpt.Status != 1 {
			t.Fatalf("settlement transaction %s: %v %+v", s.Transaction, err, rcpt)
		}
		if d := new(big.Int).Sub(from0, e.balance(t, payer.Address)); d.Int64() != price {
			t.Fatalf("payer paid %s, want %d", d, price)
		}
		if d := new(big.Int).Sub(e.balance(t, payeeAddr), to0); d.Int64() != price {
			t.Fatalf("payee got %s, want %d", d, price)
		}
		paid = res
	})
	if paid == nil {
		t.FailNow()
	}

	// 2. The same PAYMENT-SIGNATURE again: refused by the facilitator (the
	// token's nonce is used); nothing moves.
	t.Run("replay refused", func(t *testing.T) {
		from0 := e.balance(t, payer.Address)
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.Paid, nil)
		req.Header.Set(x402.HeaderPaymentSignature, paid.Payment.Header)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusPaymentRequired {
			t.Fatalf("replayed payment answered %d", resp.StatusCode)
		}
		pr, err := x402.DecodePaymentRequired(resp.Header.Get(x402.HeaderPaymentRequired))
		if err != nil || pr.Error == "" {
			t.Fatalf("refusal %+v %v", pr, err)
		}
		t.Logf("replay refused: %s", pr.Error)
		if b := e.balance(t, payer.Address); b.Cmp(from0) != 0 {
			t.Fatalf("balance moved on a replay: %s -> %s", from0, b)
		}
	})

	// 3. The reference client builds the identical header for the same
	// requirement, key, nonce and clock; and the server accepts ours.
	t.Run("byte for byte with the reference client", func(t *testing.T) {
		resp, err := http.Get(srv.Paid)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		header := resp.Header.Get(x402.HeaderPaymentRequired)
		pr, err := x402.DecodePaymentRequired(header)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		var nonce [32]byte
		copy(nonce[:], bytes.Repeat([]byte{0x5a}, 32))
		nonce[0] = byte(now.UnixNano())
		fixed, err := x402.New(x402.Config{From: payer.Address, Signer: signer, Limits: interopLimits(e),
			Now: func() time.Time { return now }, Rand: bytes.NewReader(nonce[:])})
		if err != nil {
			t.Fatal(err)
		}
		p, err := fixed.Authorize(ctx, pr)
		if err != nil {
			t.Fatal(err)
		}
		var ref struct {
			Header string `json:"header"`
		}
		runNode(t, root, "refclient.mjs", map[string]any{
			"paymentRequired": header, "privateKey": "0x" + hex.EncodeToString(ethcrypto.FromECDSA(payer.Key)),
			"nonce": "0x" + hex.EncodeToString(nonce[:]), "nowMs": now.UnixMilli(),
		}, &ref)
		if ref.Header != p.Header {
			ours, _ := base64.StdEncoding.DecodeString(p.Header)
			theirs, _ := base64.StdEncoding.DecodeString(ref.Header)
			t.Fatalf("headers differ\nours:   %s\ntheirs: %s", ours, theirs)
		}
		from0 := e.balance(t, payer.Address)
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.Paid, nil)
		req.Header.Set(x402.HeaderPaymentSignature, p.Header)
		r2, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r2.Body.Close()
		if r2.StatusCode != 200 || r2.Header.Get(x402.HeaderPaymentResponse) == "" {
			t.Fatalf("our header answered %d\n%s", r2.StatusCode, srv.Log())
		}
		if d := new(big.Int).Sub(from0, e.balance(t, payer.Address)); d.Int64() != price {
			t.Fatalf("paid %s", d)
		}
	})

	// 4. ethers v6 recovers the payer from our signature over our document.
	t.Run("ethers verifyTypedData recovers the payer", func(t *testing.T) {
		var out struct {
			Address string `json:"address"`
		}
		runNode(t, root, "verify-ethers.mjs", map[string]any{
			"typedData": json.RawMessage(paid.Payment.TypedData), "signature": "0x" + hex.EncodeToString(paid.Payment.Signature),
		}, &out)
		if common.HexToAddress(out.Address) != payer.Address {
			t.Fatalf("ethers recovered %s, want %s", out.Address, payer.Address)
		}
	})

	// 5. A tampered payload (amount raised after signing) and an expired
	// authorization: refused by the facilitator, nothing moves.
	t.Run("tampered and expired refused by the facilitator", func(t *testing.T) {
		from0 := e.balance(t, payer.Address)
		raw, _ := base64.StdEncoding.DecodeString(paid.Payment.Header)
		tampered := bytes.Replace(raw, []byte(`"value":"10000"`), []byte(`"value":"10001"`), 1)
		if bytes.Equal(tampered, raw) {
			t.Fatal("fixture")
		}
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.Paid, nil)
		req.Header.Set(x402.HeaderPaymentSignature, base64.StdEncoding.EncodeToString(tampered))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusPaymentRequired {
			t.Fatalf("tampered payment answered %d", resp.StatusCode)
		}
		stale, err := x402.New(x402.Config{From: payer.Address, Signer: signer, Limits: interopLimits(e),
			Now: func() time.Time { return time.Now().Add(-time.Hour) }})
		if err != nil {
			t.Fatal(err)
		}
		_, err = stale.Fetch(ctx, x402.Request{URL: srv.Paid})
		if !errors.Is(err, &wire.Error{Code: x402.CodeRefused}) {
			t.Fatalf("expired authorization: %v", err)
		}
		t.Logf("expired refused: %v", err)
		if b := e.balance(t, payer.Address); b.Cmp(from0) != 0 {
			t.Fatalf("balance moved: %s -> %s", from0, b)
		}
	})

	// 6. Over the cap, an unknown payee, a validity over the limit: refused
	// by our client before signing; nothing is signed, sent or moved.
	t.Run("limits refuse before signing", func(t *testing.T) {
		from0 := e.balance(t, payer.Address)
		noPayee := interopLimits(e)
		noPayee.Payees = []common.Address{accts[6].Address}
		shortValidity := interopLimits(e)
		shortValidity.MaxValidity = time.Minute
		cases := []struct {
			name string
			lim  x402.Limits
			url  string
			code wire.Code
		}{
			{"premium over the per-payment cap", interopLimits(e), srv.Premium, wire.PolicyViolation(x402.RuleAmount)},
			{"payee outside the allowlist", noPayee, srv.Paid, wire.PolicyViolation(x402.RulePayee)},
			{"validity over the maximum", shortValidity, srv.Paid, wire.PolicyViolation(x402.RuleValidity)},
		}
		for _, c := range cases {
			s := devSigner(payer.Key)
			cl, _ := x402.New(x402.Config{From: payer.Address, Signer: s, Limits: c.lim})
			if _, err := cl.Fetch(ctx, x402.Request{URL: c.url}); !errors.Is(err, &wire.Error{Code: c.code}) {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
			if s.signed() != 0 {
				t.Errorf("%s: signed %d", c.name, s.signed())
			}
		}
		if b := e.balance(t, payer.Address); b.Cmp(from0) != 0 {
			t.Fatalf("balance moved: %s -> %s", from0, b)
		}
	})

	// 7. The budget: 1 dUSDC allows 100 payments of 0.01; the client has
	// signed 1 (test 1), so a budget of 2 payments stops the third.
	t.Run("budget stops the payment that would overrun it", func(t *testing.T) {
		l := interopLimits(e)
		l.Assets[0].Budget = big.NewInt(2 * price)
		cl, _ := x402.New(x402.Config{From: payer.Address, Signer: devSigner(payer.Key), Limits: l})
		for i := range 2 {
			if _, err := cl.Fetch(ctx, x402.Request{URL: srv.Paid}); err != nil {
				t.Fatalf("payment %d: %v", i, err)
			}
		}
		if _, err := cl.Fetch(ctx, x402.Request{URL: srv.Paid}); !errors.Is(err, &wire.Error{Code: wire.PolicyViolation(x402.RuleBudget)}) {
			t.Fatalf("third payment: %v", err)
		}
	})
}

// BenchmarkInteropPayment: one paid GET against the reference server on
// the devnet (the unpaid request, the 402, signing with a test key, the
// paid request, the facilitator's verify, settlement mined, the answer).
// The leashed signer adds its proving and verifying on top (part A).
func BenchmarkInteropPayment(b *testing.B) {
	ctx := context.Background()
	dn, err := devnet.Start(ctx, devnet.Config{Deploy: true})
	if err != nil {
		b.Fatal(err)
	}
	defer dn.Close()
	addrs, _ := dn.Contracts()
	accts := dn.Accounts()
	srv := x402reftest.Start(b, dn, x402ref.Config{PayTo: accts[payeeIdx].Address, Price: price})
	l := interopLimits(&chainEnv{dn: dn, usdc: addrs.USDC})
	l.Assets[0].Budget = nil
	c, err := x402.New(x402.Config{From: accts[payerIdx].Address, Signer: devSigner(accts[payerIdx].Key), Limits: l})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Fetch(ctx, x402.Request{URL: srv.Paid}); err != nil { // warm up (facilitator sync)
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.Fetch(ctx, x402.Request{URL: srv.Paid}); err != nil {
			b.Fatal(err)
		}
	}
}
