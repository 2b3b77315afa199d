package x402

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ethereum/go-ethereum/common"

	"github.com/leash-wallet/leash/wire"
)

// Version is the x402 protocol version this package speaks (x402Version).
const Version = 2

// The x402 v2 HTTP headers (transport spec "HTTP", protocol version 2).
const (
	HeaderPaymentRequired  = "PAYMENT-REQUIRED"  // server → client on 402: base64 PaymentRequired
	HeaderPaymentSignature = "PAYMENT-SIGNATURE" // client → server: base64 PaymentPayload
	HeaderPaymentResponse  = "PAYMENT-RESPONSE"  // server → client: base64 SettleResponse
)

// Limits on what the decoders accept. Real documents are a few hundred
// bytes with one to three requirements.
const (
	MaxHeaderBytes = 16 << 10 // a base64 header
	MaxAccepts     = 16       // requirements in one PaymentRequired
	MaxTextBytes   = 1 << 10  // a description, name, version, network, reason
	MaxExtraBytes  = 4 << 10  // one requirement's extra, or the extensions object
)

// ResourceInfo describes the paid resource (PaymentRequired.resource).
type ResourceInfo struct {
	URL         string   `json:"url"`
	Description string   `json:"description,omitempty"`
	MimeType    string   `json:"mimeType,omitempty"`
	ServiceName string   `json:"serviceName,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	IconURL     string   `json:"iconUrl,omitempty"`
}

// Requirements is one way to pay that the server accepts
// (PaymentRequirements, one element of accepts).
type Requirements struct {
	Scheme            string          `json:"scheme"`
	Network           string          `json:"network"` // CAIP-2, e.g. eip155:8453
	Amount            string          `json:"amount"`  // atomic units, decimal
	Asset             string          `json:"asset"`
	PayTo             string          `json:"payTo"`
	MaxTimeoutSeconds uint64          `json:"maxTimeoutSeconds"`
	Extra             json.RawMessage `json:"extra,omitempty"`
}

// PaymentRequired is the server's 402 answer (the PAYMENT-REQUIRED header).
// Accepts keeps each requirement's own bytes, so that the payment echoes
// exactly what the server offered; Requirements holds them decoded.
type PaymentRequired struct {
	X402Version  int               `json:"x402Version"`
	Error        string            `json:"error,omitempty"`
	Resource     json.RawMessage   `json:"resource"`
	Accepts      []json.RawMessage `json:"accepts"`
	Extensions   json.RawMessage   `json:"extensions,omitempty"`
	ResourceInfo ResourceInfo      `json:"-"`
	Requirements []Requirements    `json:"-"`
}

// Settlement is the server's PAYMENT-RESPONSE (a facilitator's
// SettleResponse as the resource server forwards it).
type Settlement struct {
	Success      bool            `json:"success"`
	ErrorReason  string          `json:"errorReason,omitempty"`
	ErrorMessage string          `json:"errorMessage,omitempty"`
	Payer        string          `json:"payer,omitempty"`
	Transaction  string          `json:"transaction"`
	Network      string          `json:"network"`
	Amount       string          `json:"amount,omitempty"`
	Extensions   json.RawMessage `json:"extensions,omitempty"`
	Extra        json.RawMessage `json:"extra,omitempty"`
}

// evmExtra is the extra of an `exact` EVM requirement: the token's
// EIP-712 domain name and version, and how the asset moves.
type evmExtra struct {
	Name                string `json:"name"`
	Version             string `json:"version"`
	AssetTransferMethod string `json:"assetTransferMethod,omitempty"`
}

func malformed(format string, args ...any) error {
	return wire.Errorf(wire.Malformed, "x402: "+format, args...)
}

// decodeHeader strictly decodes a base64 (standard alphabet, padded)
// header holding one JSON document.
func decodeHeader(h, what string) ([]byte, error) {
	if len(h) > MaxHeaderBytes {
		return nil, malformed("%s header is %d bytes, the limit is %d", what, len(h), MaxHeaderBytes)
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(h)
	if err != nil {
		return nil, malformed("%s header is not standard padded base64: %v", what, err)
	}
	return raw, nil
}

// DecodePaymentRequired decodes a PAYMENT-REQUIRED header strictly
// (wire.DecodeStrict: byte-exact keys, no duplicates, no unknown fields, no
// nulls) and checks its shape: x402Version 2, a resource with a URL, 1 to
// MaxAccepts requirements each with every field present, bounded text.
// It says nothing yet about whether a requirement is payable (Client does).
func DecodePaymentRequired(header string) (*PaymentRequired, error) {
	raw, err := decodeHeader(header, HeaderPaymentRequired)
	if err != nil {
		return nil, err
	}
	var pr PaymentRequired
	if err := wire.DecodeStrict(raw, &pr, "x402 PaymentRequired"); err != nil {
		return nil, err
	}
	if pr.X402Version != Version {
		return nil, malformed("x402Version %d, this client speaks %d", pr.X402Version, Version)
	}
	if len(pr.Error) > MaxTextBytes {
		return nil, malformed("error is longer than %d bytes", MaxTextBytes)
	}
	if pr.Resource == nil {
		return nil, malformed("resource is missing")
	}
	if err := wire.DecodeStrict(pr.Resource, &pr.ResourceInfo, "x402 resource"); err != nil {
		return nil, err
	}
	if err := pr.ResourceInfo.check(); err != nil {
		return nil, err
	}
	if len(pr.Accepts) == 0 || len(pr.Accepts) > MaxAccepts {
		return nil, malformed("%d requirements in accepts, want 1 to %d", len(pr.Accepts), MaxAccepts)
	}
	if len(pr.Extensions) > MaxExtraBytes {
		return nil, malformed("extensions are %d bytes, the limit is %d", len(pr.Extensions), MaxExtraBytes)
	}
	if pr.Extensions != nil && !isObject(pr.Extensions) {
		return nil, malformed("extensions is not an object")
	}
	pr.Requirements = make([]Requirements, len(pr.Accepts))
	for i, a := range pr.Accepts {
		if err := decodeRequirements(a, &pr.Requirements[i]); err != nil {
			return nil, wire.Errorf(wire.Malformed, "accepts[%d]: %s", i, wire.MessageOf(err))
		}
	}
	return &pr, nil
}

func (r *ResourceInfo) check() error {
	if r.URL == "" {
		return malformed("resource.url is empty")
	}
	if len(r.Tags) > 5 {
		return malformed("resource has %d tags, at most 5", len(r.Tags))
	}
	for _, s := range append([]string{r.URL, r.Description, r.MimeType, r.ServiceName, r.IconURL}, r.Tags...) {
		if len(s) > MaxTextBytes {
			return malformed("a resource field is longer than %d bytes", MaxTextBytes)
		}
	}
	return nil
}

// decodeRequirements decodes one accepts element, requiring every field
// the v2 schema requires (extra is optional).
func decodeRequirements(raw []byte, r *Requirements) error {
	var probe map[string]json.RawMessage
	if err := wire.DecodeStrict(raw, &probe, "requirement"); err != nil {
		return err
	}
	for _, k := range []string{"scheme", "network", "amount", "asset", "payTo", "maxTimeoutSeconds"} {
		if _, ok := probe[k]; !ok {
			return malformed("%s is missing", k)
		}
	}
	if err := wire.DecodeStrict(raw, r, "requirement"); err != nil {
		return err
	}
	for _, s := range []string{r.Scheme, r.Network, r.Amount, r.Asset, r.PayTo} {
		if s == "" || len(s) > MaxTextBytes {
			return malformed("scheme, network, amount, asset and payTo must be non-empty and at most %d bytes", MaxTextBytes)
		}
	}
	if r.MaxTimeoutSeconds == 0 {
		return malformed("maxTimeoutSeconds must be positive")
	}
	if len(r.Extra) > MaxExtraBytes {
		return malformed("extra is %d bytes, the limit is %d", len(r.Extra), MaxExtraBytes)
	}
	if r.Extra != nil && !isObject(r.Extra) {
		return malformed("extra is not an object")
	}
	return nil
}

func isObject(raw json.RawMessage) bool {
	b := bytes.TrimSpace(raw)
	return len(b) > 0 && b[0] == '{'
}

// DecodeSettlement decodes a PAYMENT-RESPONSE header strictly.
func DecodeSettlement(header string) (*Settlement, error) {
	raw, err := decodeHeader(header, HeaderPaymentResponse)
	if err != nil {
		return nil, err
	}
	var probe map[string]json.RawMessage
	if err := wire.DecodeStrict(raw, &probe, "x402 SettleResponse"); err != nil {
		return nil, err
	}
	for _, k := range []string{"success", "transaction", "network"} {
		if _, ok := probe[k]; !ok {
			return nil, malformed("SettleResponse: %s is missing", k)
		}
	}
	var s Settlement
	if err := wire.DecodeStrict(raw, &s, "x402 SettleResponse"); err != nil {
		return nil, err
	}
	for _, f := range []string{s.ErrorReason, s.ErrorMessage, s.Payer, s.Transaction, s.Network, s.Amount} {
		if len(f) > MaxTextBytes {
			return nil, malformed("SettleResponse: a field is longer than %d bytes", MaxTextBytes)
		}
	}
	if len(s.Extensions) > MaxExtraBytes || len(s.Extra) > MaxExtraBytes {
		return nil, malformed("SettleResponse: extensions or extra over %d bytes", MaxExtraBytes)
	}
	return &s, nil
}

// evmRequirement is an `exact` EIP-3009 requirement with its values parsed.
type evmRequirement struct {
	Requirements
	index   int // in accepts
	chainID uint64
	asset   common.Address
	payTo   common.Address
	amount  *big.Int
	extra   evmExtra
}

var maxUint256 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))

// parseEVM reads r as an `exact` payment on an eip155 network by EIP-3009
// transferWithAuthorization, or says why this client cannot pay it that way.
func parseEVM(r Requirements) (*evmRequirement, error) {
	e := &evmRequirement{Requirements: r}
	if r.Scheme != "exact" {
		return nil, fmt.Errorf("scheme %q (only exact)", clip(r.Scheme))
	}
	id, ok := strings.CutPrefix(r.Network, "eip155:")
	if !ok {
		return nil, fmt.Errorf("network %q is not eip155", clip(r.Network))
	}
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil || n == 0 || strconv.FormatUint(n, 10) != id {
		return nil, fmt.Errorf("network %q has no canonical chain id", clip(r.Network))
	}
	e.chainID = n
	if e.asset, err = parseAddress(r.Asset); err != nil {
		return nil, fmt.Errorf("asset: %v", err)
	}
	if e.payTo, err = parseAddress(r.PayTo); err != nil {
		return nil, fmt.Errorf("payTo: %v", err)
	}
	if e.payTo == (common.Address{}) {
		return nil, fmt.Errorf("payTo is the zero address")
	}
	if e.amount, err = parseAmount(r.Amount); err != nil {
		return nil, err
	}
	if r.Extra == nil {
		return nil, fmt.Errorf("extra (the token's EIP-712 name and version) is missing")
	}
	if err := wire.DecodeStrict(r.Extra, &e.extra, "extra"); err != nil {
		return nil, fmt.Errorf("%s", wire.MessageOf(err))
	}
	if m := e.extra.AssetTransferMethod; m != "" && m != "eip3009" {
		return nil, fmt.Errorf("asset transfer method %q (only eip3009)", clip(m))
	}
	for _, s := range []string{e.extra.Name, e.extra.Version} {
		if s == "" || len(s) > 128 || !utf8.ValidString(s) {
			return nil, fmt.Errorf("extra.name and extra.version must be 1 to 128 bytes of UTF-8")
		}
	}
	return e, nil
}

// parseAddress accepts 0x + 40 hex digits, all lower case, all upper
// case, or mixed case with a valid EIP-55 checksum (as viem's getAddress).
func parseAddress(s string) (common.Address, error) {
	if len(s) != 42 || !strings.HasPrefix(s, "0x") {
		return common.Address{}, fmt.Errorf("%q is not 0x and 40 hex digits", clip(s))
	}
	a, err := wire.ParseAddress(s)
	if err != nil {
		return common.Address{}, fmt.Errorf("%q is not 0x and 40 hex digits", clip(s))
	}
	addr := common.Address(a)
	body := s[2:]
	if body != strings.ToLower(body) && body != strings.ToUpper(body) && addr.Hex() != s {
		return common.Address{}, fmt.Errorf("%q has a wrong EIP-55 checksum", s)
	}
	return addr, nil
}

// parseAmount parses a canonical positive decimal below 2^256.
func parseAmount(s string) (*big.Int, error) {
	if len(s) > 78 || s == "" || s[0] == '0' {
		return nil, fmt.Errorf("amount %q is not a positive canonical decimal", clip(s))
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return nil, fmt.Errorf("amount %q is not a positive canonical decimal", clip(s))
		}
	}
	n, _ := new(big.Int).SetString(s, 10)
	if n.Cmp(maxUint256) > 0 {
		return nil, fmt.Errorf("amount %q is above 2^256-1", clip(s))
	}
	return n, nil
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
