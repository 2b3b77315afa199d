package x402

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/leash-wallet/leash/wire"
)

// Codes of this package's refusals, besides wire.Malformed (a header that
// does not decode) and wire.PolicyViolation(rule) (a limit, checked before
// anything is signed).
const (
	// CodeUnsupported: the server offers no payment this client can make
	// (no `exact` EIP-3009 requirement on an eip155 network, or x402 v1).
	CodeUnsupported wire.Code = "x402_unsupported"
	// CodeRefused: the server answered the paid request with 402 again
	// (its facilitator refused to verify or settle), or reported a failed
	// settlement. The message carries the server's reason.
	CodeRefused wire.Code = "x402_refused"
	// CodeBadSignature: the Signer's signature does not recover to
	// Config.From over the authorization's digest; nothing was sent.
	CodeBadSignature wire.Code = "x402_bad_signature"
)

// The rules of the pre-checks (policy_violation:<rule>).
const (
	RuleAsset    = "asset"    // the (chain, token) is not in Limits.Assets
	RulePayee    = "payee"    // payTo is not in Limits.Payees
	RuleAmount   = "amount"   // the amount is above the asset's MaxAmount
	RuleValidity = "validity" // maxTimeoutSeconds is above Limits.MaxValidity
	RuleBudget   = "budget"   // the asset's Budget would be overrun
)

// Defaults of Config's zero values.
const (
	DefaultMaxValidity  = 5 * time.Minute
	DefaultMaxBodyBytes = 8 << 20
	DefaultTimeout      = 60 * time.Second
)

// Signer signs one EIP-712 document (eth_signTypedData_v4 JSON, as
// TypedData builds it) for the payer's account and returns the 65-byte
// signature r ‖ s ‖ v (v 0, 1, 27 or 28). The leashed signer plugs in here;
// it sees the whole typed document, never a bare digest.
type Signer interface {
	SignTypedData(ctx context.Context, doc []byte) (sig []byte, err error)
}

// AssetLimit allows payments in one token on one chain.
type AssetLimit struct {
	ChainID uint64
	Asset   common.Address
	// MaxAmount caps one payment, in the token's atomic units. Required:
	// nil or zero refuses every payment in this asset.
	MaxAmount *big.Int
	// Budget caps the sum of every payment this Client signs in this asset
	// over its lifetime. nil: no cap beyond MaxAmount per payment.
	Budget *big.Int
}

// Limits are checked before anything is signed; a requirement that breaks
// one is refused with policy_violation:<rule>. Part A of issue 17 derives
// them from the policy's `signatures` rules; the signer then enforces its
// own window again, with a proof.
type Limits struct {
	// Assets the client may pay with. Empty refuses every payment.
	Assets []AssetLimit
	// Payees a payment may go to. Empty refuses every payment.
	Payees []common.Address
	// MaxValidity bounds an authorization's lifetime (validBefore − now),
	// which is the server's maxTimeoutSeconds. Default DefaultMaxValidity.
	MaxValidity time.Duration
}

// Config configures a Client. From, Signer and Limits are required.
type Config struct {
	From   common.Address // the paying account; every signature must recover to it
	Signer Signer
	Limits Limits
	// HTTP sends the requests. Default: a client with DefaultTimeout.
	// Redirects are never followed (a payment binds to the URL asked for):
	// a 3xx answer is returned as it is.
	HTTP *http.Client
	// MaxBodyBytes bounds a response body read. Default DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Now is the clock validBefore is computed from. Default time.Now.
	Now func() time.Time
	// Rand is the source of EIP-3009 nonces. Default crypto/rand.Reader.
	Rand io.Reader
}

// Client pays for HTTP resources with x402 v2 `exact` EIP-3009
// payments. It is safe for concurrent use: budgets are reserved under one
// lock before signing.
type Client struct {
	cfg  Config
	http *http.Client

	mu    sync.Mutex
	spent map[assetKey]*big.Int
}

type assetKey struct {
	chainID uint64
	asset   common.Address
}

// New checks cfg and applies the defaults.
func New(cfg Config) (*Client, error) {
	if cfg.Signer == nil || cfg.From == (common.Address{}) {
		return nil, errors.New("x402: Config.From and Config.Signer are required")
	}
	if cfg.Limits.MaxValidity <= 0 {
		cfg.Limits.MaxValidity = DefaultMaxValidity
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	hc := &http.Client{Timeout: DefaultTimeout}
	if cfg.HTTP != nil {
		c := *cfg.HTTP
		hc = &c
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Client{cfg: cfg, http: hc, spent: map[assetKey]*big.Int{}}, nil
}

// Request is one HTTP request to make, paying if the server asks.
type Request struct {
	Method string // default GET
	URL    string
	Header http.Header
	Body   []byte
}

// Payment is what the client signed and sent.
type Payment struct {
	Requirements  Requirements // the requirement paid (as the server offered it)
	Authorization Authorization
	Domain        Domain
	TypedData     []byte // the document the Signer signed
	Signature     []byte // 65 bytes, v 27 or 28
	Header        string // the PAYMENT-SIGNATURE value
}

// Result is the final answer.
type Result struct {
	Status int
	Header http.Header
	Body   []byte
	// Payment is nil when the server did not ask for one.
	Payment *Payment
	// Settlement is the decoded PAYMENT-RESPONSE, nil when the server sent
	// none (it then gave no proof of settlement).
	Settlement *Settlement
}

// Fetch sends req. On 402 with a PAYMENT-REQUIRED header it authorizes one
// payment (Authorize) and sends req once more with it; a second 402 is
// refused with CodeRefused (no second payment is ever made for one
// Fetch). Any other answer is returned as it is.
func (c *Client) Fetch(ctx context.Context, req Request) (*Result, error) {
	resp, body, err := c.do(ctx, req, "")
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusPaymentRequired {
		return &Result{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
	}
	h := resp.Header.Get(HeaderPaymentRequired)
	if h == "" {
		return nil, wire.Errorf(CodeUnsupported, "402 without a %s header (x402 v1 or not x402)", HeaderPaymentRequired)
	}
	pr, err := DecodePaymentRequired(h)
	if err != nil {
		return nil, err
	}
	p, err := c.Authorize(ctx, pr)
	if err != nil {
		return nil, err
	}
	resp, body, err = c.do(ctx, req, p.Header)
	if err != nil {
		return nil, err
	}
	res := &Result{Status: resp.StatusCode, Header: resp.Header, Body: body, Payment: p}
	if sh := resp.Header.Get(HeaderPaymentResponse); sh != "" {
		if res.Settlement, err = DecodeSettlement(sh); err != nil {
			return nil, err
		}
	}
	if resp.StatusCode == http.StatusPaymentRequired {
		reason := "no reason given"
		if again, err := DecodePaymentRequired(resp.Header.Get(HeaderPaymentRequired)); err == nil && again.Error != "" {
			reason = again.Error
		}
		if s := res.Settlement; s != nil && !s.Success && s.ErrorReason != "" {
			reason = s.ErrorReason
		}
		return res, wire.Errorf(CodeRefused, "the server refused the payment: %s", clip(reason))
	}
	if s := res.Settlement; s != nil {
		if !s.Success {
			return res, wire.Errorf(CodeRefused, "settlement failed: %s", clip(s.ErrorReason))
		}
		if s.Network != p.Requirements.Network {
			return res, malformed("settled on %q, paid on %q", clip(s.Network), p.Requirements.Network)
		}
	}
	return res, nil
}

func (c *Client) do(ctx context.Context, req Request, payment string) (*http.Response, []byte, error) {
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	hr, err := http.NewRequestWithContext(ctx, method, req.URL, bytes.NewReader(req.Body))
	if err != nil {
		return nil, nil, wire.Errorf(wire.Malformed, "x402: request: %v", err)
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			hr.Header.Add(k, v)
		}
	}
	if payment != "" {
		hr.Header.Set(HeaderPaymentSignature, payment)
	}
	resp, err := c.http.Do(hr)
	if err != nil {
		return nil, nil, fmt.Errorf("x402: %s %s: %w", method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.MaxBodyBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("x402: reading the answer: %w", err)
	}
	if int64(len(body)) > c.cfg.MaxBodyBytes {
		return nil, nil, malformed("the answer's body is over %d bytes", c.cfg.MaxBodyBytes)
	}
	return resp, body, nil
}

// Authorize picks the first requirement of pr that this client can pay
// and its Limits allow, reserves its amount against the asset's budget,
// builds the EIP-3009 authorization (validAfter 0, validBefore now +
// maxTimeoutSeconds, a random nonce), has the Signer sign it, checks the
// signature recovers to Config.From, and returns the payment with its
// PAYMENT-SIGNATURE header. Every refusal comes before signing. A signed
// payment stays counted against the budget even if the server later
// refuses it: whoever holds it can settle it until validBefore.
func (c *Client) Authorize(ctx context.Context, pr *PaymentRequired) (*Payment, error) {
	req, err := c.choose(pr)
	if err != nil {
		return nil, err
	}
	now := c.cfg.Now()
	a := &Authorization{
		From: c.cfg.From, To: req.payTo, Value: req.amount,
		ValidAfter: 0, ValidBefore: uint64(now.Unix()) + req.MaxTimeoutSeconds,
	}
	if _, err := io.ReadFull(c.cfg.Rand, a.Nonce[:]); err != nil {
		return nil, fmt.Errorf("x402: nonce: %w", err)
	}
	d := Domain{Name: req.extra.Name, Version: req.extra.Version, ChainID: req.chainID, VerifyingContract: req.asset}
	doc := TypedData(d, a)
	digest, err := Digest(doc)
	if err != nil {
		return nil, err // cannot happen for values parseEVM accepted
	}
	key := assetKey{req.chainID, req.asset}
	if err := c.reserve(key, req.amount); err != nil {
		return nil, err
	}
	sig, err := c.cfg.Signer.SignTypedData(ctx, doc)
	if err == nil {
		sig, err = c.checkSignature(digest, sig)
	}
	if err != nil {
		c.release(key, req.amount)
		return nil, err
	}
	p := &Payment{Requirements: req.Requirements, Authorization: *a, Domain: d, TypedData: doc, Signature: sig}
	p.Header = base64.StdEncoding.EncodeToString(payloadJSON(pr, pr.Accepts[req.index], a, sig))
	return p, nil
}

// choose returns the first payable requirement. When none is, a
// requirement this client could pay but a limit forbids gives that
// limit's violation; otherwise CodeUnsupported with each reason.
func (c *Client) choose(pr *PaymentRequired) (*evmRequirement, error) {
	var violation error
	var reasons []string
	for i, r := range pr.Requirements {
		e, err := parseEVM(r)
		if err != nil {
			reasons = append(reasons, fmt.Sprintf("accepts[%d]: %v", i, err))
			continue
		}
		e.index = i
		if err := c.check(e); err != nil {
			if violation == nil {
				violation = err
			}
			continue
		}
		return e, nil
	}
	if violation != nil {
		return nil, violation
	}
	return nil, wire.Errorf(CodeUnsupported, "no payable requirement: %s", strings.Join(reasons, "; "))
}

// check applies the static limits (the budget is reserved later, under the lock).
func (c *Client) check(e *evmRequirement) error {
	l := c.cfg.Limits
	al := c.assetLimit(e.chainID, e.asset)
	if al == nil {
		return wire.Violation(RuleAsset, "token %s on chain %d is not an allowed asset", e.asset.Hex(), e.chainID)
	}
	payeeOK := false
	for _, p := range l.Payees {
		payeeOK = payeeOK || p == e.payTo
	}
	if !payeeOK {
		return wire.Violation(RulePayee, "payee %s is not allowed", e.payTo.Hex())
	}
	if al.MaxAmount == nil || e.amount.Cmp(al.MaxAmount) > 0 {
		return wire.Violation(RuleAmount, "amount %s is above the per-payment cap %s of %s", e.amount, orZero(al.MaxAmount), e.asset.Hex())
	}
	if max := uint64(l.MaxValidity / time.Second); e.MaxTimeoutSeconds > max {
		return wire.Violation(RuleValidity, "the server wants an authorization valid for %d s, the limit is %d s", e.MaxTimeoutSeconds, max)
	}
	return nil
}

func orZero(x *big.Int) *big.Int {
	if x == nil {
		return new(big.Int)
	}
	return x
}

func (c *Client) assetLimit(chainID uint64, asset common.Address) *AssetLimit {
	for i, a := range c.cfg.Limits.Assets {
		if a.ChainID == chainID && a.Asset == asset {
			return &c.cfg.Limits.Assets[i]
		}
	}
	return nil
}

// reserve adds amount to the asset's spent sum if its Budget allows.
func (c *Client) reserve(k assetKey, amount *big.Int) error {
	al := c.assetLimit(k.chainID, k.asset)
	c.mu.Lock()
	defer c.mu.Unlock()
	spent := c.spent[k]
	if spent == nil {
		spent = new(big.Int)
	}
	next := new(big.Int).Add(spent, amount)
	if al.Budget != nil && next.Cmp(al.Budget) > 0 {
		return wire.Violation(RuleBudget, "%s already signed plus %s is above the budget %s of %s", spent, amount, al.Budget, k.asset.Hex())
	}
	c.spent[k] = next
	return nil
}

func (c *Client) release(k assetKey, amount *big.Int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.spent[k] = new(big.Int).Sub(c.spent[k], amount)
}

// Spent is the sum of the payments signed in an asset so far.
func (c *Client) Spent(chainID uint64, asset common.Address) *big.Int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.spent[assetKey{chainID, asset}]; s != nil {
		return new(big.Int).Set(s)
	}
	return new(big.Int)
}

var secp256k1HalfN = new(big.Int).Rsh(crypto.S256().Params().N, 1)

// checkSignature normalizes v to 27/28 and requires a low-s signature that
// recovers to From.
func (c *Client) checkSignature(digest [32]byte, sig []byte) ([]byte, error) {
	if len(sig) != 65 {
		return nil, wire.Errorf(CodeBadSignature, "the signer returned %d bytes, want 65", len(sig))
	}
	out := bytes.Clone(sig)
	switch out[64] {
	case 0, 1:
		out[64] += 27
	case 27, 28:
	default:
		return nil, wire.Errorf(CodeBadSignature, "signature v is %d", out[64])
	}
	if new(big.Int).SetBytes(out[32:64]).Cmp(secp256k1HalfN) > 0 {
		return nil, wire.Errorf(CodeBadSignature, "signature s is in the upper half (the token refuses it)")
	}
	rec := bytes.Clone(out)
	rec[64] -= 27
	pub, err := crypto.SigToPub(digest[:], rec)
	if err != nil {
		return nil, wire.Errorf(CodeBadSignature, "signature does not recover: %v", err)
	}
	if got := crypto.PubkeyToAddress(*pub); got != c.cfg.From {
		return nil, wire.Errorf(CodeBadSignature, "signature recovers to %s, not the payer %s", got.Hex(), c.cfg.From.Hex())
	}
	return out, nil
}

// payloadJSON is the PaymentPayload as the reference client
// (@x402/core's x402Client) serializes it: x402Version, payload,
// extensions (when the server declared any), resource, accepted, the last
// three echoing the server's own bytes.
func payloadJSON(pr *PaymentRequired, accepted json.RawMessage, a *Authorization, sig []byte) []byte {
	type payload struct {
		Authorization authorizationJSON `json:"authorization"`
		Signature     string            `json:"signature"`
	}
	doc := struct {
		X402Version int             `json:"x402Version"`
		Payload     payload         `json:"payload"`
		Extensions  json.RawMessage `json:"extensions,omitempty"`
		Resource    json.RawMessage `json:"resource"`
		Accepted    json.RawMessage `json:"accepted"`
	}{Version, payload{a.json(), "0x" + common.Bytes2Hex(sig)}, pr.Extensions, pr.Resource, accepted}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // as JSON.stringify: the echoed bytes stay as the server sent them
	if err := enc.Encode(doc); err != nil {
		panic(err) // raw parts were decoded strictly
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
