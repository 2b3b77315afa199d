package x402_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/leash-wallet/leash/prover/x402"
	"github.com/leash-wallet/leash/wire"
)

// keySigner is a test fake of the leashed signer: a plain private key that
// signs whatever typed data it is handed (hashed by wasm/eip712 through
// x402.Digest). It records every document it signed.
type keySigner struct {
	key   *ecdsa.PrivateKey
	mu    sync.Mutex
	docs  [][]byte
	fail  error                   // returned instead of signing, when set
	tweak func(sig []byte) []byte // applied to each signature, when set
}

func newKeySigner(t testing.TB) *keySigner {
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return &keySigner{key: k}
}

func (s *keySigner) addr() common.Address { return crypto.PubkeyToAddress(s.key.PublicKey) }

func (s *keySigner) SignTypedData(_ context.Context, doc []byte) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.docs = append(s.docs, bytes.Clone(doc))
	if s.fail != nil {
		return nil, s.fail
	}
	h, err := x402.Digest(doc)
	if err != nil {
		return nil, err
	}
	sig, err := crypto.Sign(h[:], s.key)
	if err != nil {
		return nil, err
	}
	if s.tweak != nil {
		sig = s.tweak(sig)
	}
	return sig, nil
}

func (s *keySigner) signed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.docs)
}

var (
	token  = common.HexToAddress("0x5FC8d32690cc91D4c39d9d3abcBD16989F875707")
	payee  = common.HexToAddress("0x90F79bf6EB2c4f870365E785982E1f101E93b906")
	other  = common.HexToAddress("0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65")
	chain  = uint64(1337)
	amount = "10000"
)

// requirement is an `exact` EIP-3009 requirement as the reference server
// writes it; fields can be overridden per test.
func requirement(over map[string]any) map[string]any {
	r := map[string]any{
		"scheme": "exact", "network": fmt.Sprintf("eip155:%d", chain), "amount": amount,
		"asset": strings.ToLower(token.Hex()), "payTo": payee.Hex(), "maxTimeoutSeconds": 300,
		"extra": map[string]any{"name": "Devnet USD Coin", "version": "2"},
	}
	for k, v := range over {
		if v == nil {
			delete(r, k)
		} else {
			r[k] = v
		}
	}
	return r
}

func paymentRequired(accepts ...map[string]any) string {
	b, _ := json.Marshal(map[string]any{
		"x402Version": 2, "error": "Payment required",
		"resource": map[string]any{"url": "http://127.0.0.1/paid", "description": "A paid answer", "mimeType": "application/json"},
		"accepts":  accepts,
	})
	return base64.StdEncoding.EncodeToString(b)
}

// fakeServer is a hand-written x402 resource server: it answers 402 with
// its PAYMENT-REQUIRED header until a request carries a PAYMENT-SIGNATURE
// whose authorization recovers to its `from` over the digest the server
// computes itself; then 200 with a PAYMENT-RESPONSE. It records every
// payment header it received.
type fakeServer struct {
	*httptest.Server
	required string
	mu       sync.Mutex
	payments []string
	always   bool // answer 402 even to a valid payment
}

func newFakeServer(t *testing.T, required string) *fakeServer {
	f := &fakeServer{required: required}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	h := r.Header.Get(x402.HeaderPaymentSignature)
	if h == "" {
		w.Header().Set(x402.HeaderPaymentRequired, f.required)
		w.WriteHeader(http.StatusPaymentRequired)
		return
	}
	f.mu.Lock()
	f.payments = append(f.payments, h)
	f.mu.Unlock()
	from, err := verifyPayment(h)
	if err != nil || f.always {
		w.Header().Set(x402.HeaderPaymentRequired, f.required)
		w.WriteHeader(http.StatusPaymentRequired)
		return
	}
	resp, _ := json.Marshal(map[string]any{"success": true, "payer": from.Hex(),
		"transaction": "0x" + strings.Repeat("ab", 32), "network": fmt.Sprintf("eip155:%d", chain)})
	w.Header().Set(x402.HeaderPaymentResponse, base64.StdEncoding.EncodeToString(resp))
	w.Write([]byte(`{"answer":42}`))
}

func (f *fakeServer) received() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.payments...)
}

// verifyPayment recomputes the typed data from the payload's own fields
// (as a facilitator does) and recovers the signer.
func verifyPayment(h string) (common.Address, error) {
	raw, err := base64.StdEncoding.DecodeString(h)
	if err != nil {
		return common.Address{}, err
	}
	var p struct {
		X402Version int `json:"x402Version"`
		Payload     struct {
			Authorization struct {
				From        string `json:"from"`
				To          string `json:"to"`
				Value       string `json:"value"`
				ValidAfter  string `json:"validAfter"`
				ValidBefore string `json:"validBefore"`
				Nonce       string `json:"nonce"`
			} `json:"authorization"`
			Signature string `json:"signature"`
		} `json:"payload"`
		Resource json.RawMessage   `json:"resource"`
		Accepted x402.Requirements `json:"accepted"`
	}
	if err := wire.DecodeStrict(raw, &p, "payload"); err != nil {
		return common.Address{}, err
	}
	a := p.Payload.Authorization
	value, _ := new(big.Int).SetString(a.Value, 10)
	before, _ := new(big.Int).SetString(a.ValidBefore, 10)
	var nonce [32]byte
	copy(nonce[:], common.FromHex(a.Nonce))
	doc := x402.TypedData(x402.Domain{Name: "Devnet USD Coin", Version: "2", ChainID: chain, VerifyingContract: common.HexToAddress(p.Accepted.Asset)},
		&x402.Authorization{From: common.HexToAddress(a.From), To: common.HexToAddress(a.To), Value: value, ValidBefore: before.Uint64(), Nonce: nonce})
	d, err := x402.Digest(doc)
	if err != nil {
		return common.Address{}, err
	}
	sig := common.FromHex(p.Payload.Signature)
	if len(sig) != 65 {
		return common.Address{}, errors.New("signature length")
	}
	sig[64] -= 27
	pub, err := crypto.SigToPub(d[:], sig)
	if err != nil {
		return common.Address{}, err
	}
	if got := crypto.PubkeyToAddress(*pub); got != common.HexToAddress(a.From) {
		return common.Address{}, fmt.Errorf("recovered %s", got)
	}
	return common.HexToAddress(a.From), nil
}

func limits() x402.Limits {
	return x402.Limits{
		Assets: []x402.AssetLimit{{ChainID: chain, Asset: token, MaxAmount: big.NewInt(50_000), Budget: big.NewInt(100_000)}},
		Payees: []common.Address{payee},
	}
}

func newClient(t testing.TB, s *keySigner, l x402.Limits) *x402.Client {
	c, err := x402.New(x402.Config{From: s.addr(), Signer: s, Limits: l})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPays(t *testing.T) {
	srv := newFakeServer(t, paymentRequired(requirement(nil)))
	s := newKeySigner(t)
	c := newClient(t, s, limits())
	before := time.Now().Unix()
	res, err := c.Fetch(context.Background(), x402.Request{URL: srv.URL + "/paid"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != 200 || string(res.Body) != `{"answer":42}` {
		t.Fatalf("status %d body %s", res.Status, res.Body)
	}
	if res.Settlement == nil || !res.Settlement.Success || res.Settlement.Payer != s.addr().Hex() {
		t.Fatalf("settlement %+v", res.Settlement)
	}
	p := res.Payment
	if p == nil || p.Authorization.To != payee || p.Authorization.Value.String() != amount || p.Authorization.ValidAfter != 0 {
		t.Fatalf("payment %+v", p)
	}
	if v := int64(p.Authorization.ValidBefore) - before; v < 300 || v > 302 {
		t.Fatalf("validBefore is now+%d, want now+300", v)
	}
	if p.Domain.Name != "Devnet USD Coin" || p.Domain.Version != "2" || p.Domain.ChainID != chain || p.Domain.VerifyingContract != token {
		t.Fatalf("domain %+v", p.Domain)
	}
	if got := srv.received(); len(got) != 1 || got[0] != p.Header {
		t.Fatalf("server received %d payments", len(got))
	}
	if s.signed() != 1 || !bytes.Equal(s.docs[0], p.TypedData) {
		t.Fatal("the signer did not sign exactly the payment's typed data")
	}
	if got := c.Spent(chain, token); got.String() != amount {
		t.Fatalf("spent %s", got)
	}
	// Two payments never reuse a nonce.
	res2, err := c.Fetch(context.Background(), x402.Request{URL: srv.URL + "/paid"})
	if err != nil {
		t.Fatal(err)
	}
	if res2.Payment.Authorization.Nonce == p.Authorization.Nonce {
		t.Fatal("nonce reused")
	}
}

func TestFreeResourceNeedsNoSignature(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("free")) }))
	defer srv.Close()
	s := newKeySigner(t)
	res, err := newClient(t, s, limits()).Fetch(context.Background(), x402.Request{URL: srv.URL})
	if err != nil || res.Payment != nil || string(res.Body) != "free" || s.signed() != 0 {
		t.Fatalf("res %+v err %v signed %d", res, err, s.signed())
	}
}

// Each limit refuses before anything is signed or sent, with its rule.
func TestRefusedBeforeSigning(t *testing.T) {
	budget := limits()
	budget.Assets[0].Budget = big.NewInt(9_999)
	noCap := limits()
	noCap.Assets[0].MaxAmount = nil
	short := limits()
	short.MaxValidity = time.Minute
	cases := []struct {
		name string
		req  map[string]any
		lim  x402.Limits
		code wire.Code
	}{
		{"amount over the cap", requirement(map[string]any{"amount": "50001"}), limits(), wire.PolicyViolation(x402.RuleAmount)},
		{"no per-payment cap", requirement(nil), noCap, wire.PolicyViolation(x402.RuleAmount)},
		{"payee not allowed", requirement(map[string]any{"payTo": other.Hex()}), limits(), wire.PolicyViolation(x402.RulePayee)},
		{"token not allowed", requirement(map[string]any{"asset": other.Hex()}), limits(), wire.PolicyViolation(x402.RuleAsset)},
		{"same token on another chain", requirement(map[string]any{"network": "eip155:8453"}), limits(), wire.PolicyViolation(x402.RuleAsset)},
		{"validity too long", requirement(map[string]any{"maxTimeoutSeconds": 301}), limits(), wire.PolicyViolation(x402.RuleValidity)},
		{"validity over a shorter limit", requirement(nil), short, wire.PolicyViolation(x402.RuleValidity)},
		{"over the budget", requirement(nil), budget, wire.PolicyViolation(x402.RuleBudget)},
		{"empty limits", requirement(nil), x402.Limits{}, wire.PolicyViolation(x402.RuleAsset)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := newFakeServer(t, paymentRequired(c.req))
			s := newKeySigner(t)
			cl := newClient(t, s, c.lim)
			_, err := cl.Fetch(context.Background(), x402.Request{URL: srv.URL})
			if !errors.Is(err, &wire.Error{Code: c.code}) {
				t.Fatalf("err %v, want %s", err, c.code)
			}
			if s.signed() != 0 || len(srv.received()) != 0 || cl.Spent(chain, token).Sign() != 0 {
				t.Fatalf("signed %d, sent %d, spent %s", s.signed(), len(srv.received()), cl.Spent(chain, token))
			}
		})
	}
}

// A server offering an unpayable and a payable requirement is paid with
// the payable one; offering only forbidden ones gives the first violation.
func TestChoosesAPayableRequirement(t *testing.T) {
	srv := newFakeServer(t, paymentRequired(
		requirement(map[string]any{"scheme": "upto"}),
		requirement(map[string]any{"payTo": other.Hex()}),
		requirement(nil),
	))
	s := newKeySigner(t)
	res, err := newClient(t, s, limits()).Fetch(context.Background(), x402.Request{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if res.Payment.Authorization.To != payee {
		t.Fatalf("paid %s", res.Payment.Authorization.To)
	}
}

func TestUnsupported(t *testing.T) {
	cases := map[string]map[string]any{
		"scheme upto":              requirement(map[string]any{"scheme": "upto"}),
		"solana":                   requirement(map[string]any{"network": "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp"}),
		"permit2 transfer method":  requirement(map[string]any{"extra": map[string]any{"name": "USDC", "version": "2", "assetTransferMethod": "permit2"}}),
		"no extra":                 requirement(map[string]any{"extra": nil}),
		"extra without version":    requirement(map[string]any{"extra": map[string]any{"name": "USDC"}}),
		"extra with unknown field": requirement(map[string]any{"extra": map[string]any{"name": "USDC", "version": "2", "x": 1}}),
		"amount with leading zero": requirement(map[string]any{"amount": "010000"}),
		"negative amount":          requirement(map[string]any{"amount": "-1"}),
		"zero amount":              requirement(map[string]any{"amount": "0"}),
		"amount 2^256":             requirement(map[string]any{"amount": new(big.Int).Lsh(big.NewInt(1), 256).String()}),
		"hex amount":               requirement(map[string]any{"amount": "0x2710"}),
		"bad checksum payTo":       requirement(map[string]any{"payTo": "0x90f79bf6EB2c4f870365E785982E1f101E93b906"}),
		"short asset":              requirement(map[string]any{"asset": "0x5FC8d32690cc91D4c39d9d3abcBD16989F8757"}),
		"zero payTo":               requirement(map[string]any{"payTo": "0x0000000000000000000000000000000000000000"}),
		"chain id 0":               requirement(map[string]any{"network": "eip155:0"}),
		"chain id 01337":           requirement(map[string]any{"network": "eip155:01337"}),
	}
	for name, r := range cases {
		t.Run(name, func(t *testing.T) {
			srv := newFakeServer(t, paymentRequired(r))
			s := newKeySigner(t)
			_, err := newClient(t, s, limits()).Fetch(context.Background(), x402.Request{URL: srv.URL})
			if !errors.Is(err, &wire.Error{Code: x402.CodeUnsupported}) || s.signed() != 0 {
				t.Fatalf("err %v, signed %d", err, s.signed())
			}
		})
	}
	// x402 v1: the requirements in the body, no header.
	v1 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(402)
		w.Write([]byte(`{"x402Version":1,"accepts":[]}`))
	}))
	defer v1.Close()
	s := newKeySigner(t)
	if _, err := newClient(t, s, limits()).Fetch(context.Background(), x402.Request{URL: v1.URL}); !errors.Is(err, &wire.Error{Code: x402.CodeUnsupported}) {
		t.Fatalf("v1: %v", err)
	}
}

// A server that answers the paid request with 402 again gets one payment,
// never a second, and the client says it was refused.
func TestSecondPaymentRequiredIsRefused(t *testing.T) {
	srv := newFakeServer(t, paymentRequired(requirement(nil)))
	srv.always = true
	s := newKeySigner(t)
	c := newClient(t, s, limits())
	_, err := c.Fetch(context.Background(), x402.Request{URL: srv.URL})
	if !errors.Is(err, &wire.Error{Code: x402.CodeRefused}) || !strings.Contains(err.Error(), "Payment required") {
		t.Fatalf("err %v", err)
	}
	if s.signed() != 1 || len(srv.received()) != 1 {
		t.Fatalf("signed %d, sent %d", s.signed(), len(srv.received()))
	}
	// The signed authorization stays counted: the server holds it.
	if c.Spent(chain, token).String() != amount {
		t.Fatalf("spent %s", c.Spent(chain, token))
	}
}

// A signature that is not the payer's, or malleated, or failed, is never
// sent, and its reservation is released.
func TestBadSignatureNeverSent(t *testing.T) {
	otherKey, _ := crypto.GenerateKey()
	n := crypto.S256().Params().N
	cases := map[string]func(s *keySigner){
		"another key": func(s *keySigner) {
			s.tweak = func(sig []byte) []byte {
				h, _ := x402.Digest(s.docs[len(s.docs)-1])
				out, _ := crypto.Sign(h[:], otherKey)
				return out
			}
		},
		"high s": func(s *keySigner) {
			s.tweak = func(sig []byte) []byte {
				new(big.Int).Sub(n, new(big.Int).SetBytes(sig[32:64])).FillBytes(sig[32:64])
				sig[64] ^= 1
				return sig
			}
		},
		"64 bytes":     func(s *keySigner) { s.tweak = func(sig []byte) []byte { return sig[:64] } },
		"v = 5":        func(s *keySigner) { s.tweak = func(sig []byte) []byte { sig[64] = 5; return sig } },
		"signer error": func(s *keySigner) { s.fail = wire.Errorf(wire.Locked, "vault locked") },
	}
	for name, setup := range cases {
		t.Run(name, func(t *testing.T) {
			srv := newFakeServer(t, paymentRequired(requirement(nil)))
			s := newKeySigner(t)
			setup(s)
			c := newClient(t, s, limits())
			_, err := c.Fetch(context.Background(), x402.Request{URL: srv.URL})
			want := x402.CodeBadSignature
			if s.fail != nil {
				want = wire.Locked
			}
			if !errors.Is(err, &wire.Error{Code: want}) {
				t.Fatalf("err %v, want %s", err, want)
			}
			if len(srv.received()) != 0 || c.Spent(chain, token).Sign() != 0 {
				t.Fatalf("sent %d, spent %s", len(srv.received()), c.Spent(chain, token))
			}
		})
	}
}

// Concurrent payments cannot overrun the budget together: with room for
// 4 payments, 40 concurrent Fetches make exactly 4.
func TestBudgetRace(t *testing.T) {
	srv := newFakeServer(t, paymentRequired(requirement(nil)))
	s := newKeySigner(t)
	l := limits()
	l.Assets[0].Budget = big.NewInt(40_000)
	c := newClient(t, s, l)
	var ok, refused atomic.Int32
	var wg sync.WaitGroup
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Fetch(context.Background(), x402.Request{URL: srv.URL})
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, &wire.Error{Code: wire.PolicyViolation(x402.RuleBudget)}):
				refused.Add(1)
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 4 || refused.Load() != 36 || s.signed() != 4 || len(srv.received()) != 4 {
		t.Fatalf("paid %d, refused %d, signed %d, sent %d", ok.Load(), refused.Load(), s.signed(), len(srv.received()))
	}
	if c.Spent(chain, token).Int64() != 40_000 {
		t.Fatalf("spent %s", c.Spent(chain, token))
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	paid := newFakeServer(t, paymentRequired(requirement(nil)))
	redir := httptest.NewServer(http.RedirectHandler(paid.URL, http.StatusFound))
	defer redir.Close()
	s := newKeySigner(t)
	res, err := newClient(t, s, limits()).Fetch(context.Background(), x402.Request{URL: redir.URL})
	if err != nil || res.Status != http.StatusFound || s.signed() != 0 {
		t.Fatalf("res %+v err %v signed %d", res, err, s.signed())
	}
}

func TestBodyBounded(t *testing.T) {
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Repeat([]byte("x"), 2048))
	}))
	defer big.Close()
	s := newKeySigner(t)
	c, _ := x402.New(x402.Config{From: s.addr(), Signer: s, Limits: limits(), MaxBodyBytes: 1024})
	if _, err := c.Fetch(context.Background(), x402.Request{URL: big.URL}); !errors.Is(err, wire.ErrMalformed) {
		t.Fatalf("err %v", err)
	}
}

func TestNewRequiresSignerAndPayer(t *testing.T) {
	if _, err := x402.New(x402.Config{}); err == nil {
		t.Fatal("a client without a signer")
	}
}
